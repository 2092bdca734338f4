import { PackageNotAvailableError } from './package-not-available-error.js';

export { PackageNotAvailableError };

/**
 * Imports an optional package. Users install only the sources they use, so a missing one is an
 * expected situation that deserves a message naming the package to add, not a stack trace.
 * @throws PackageNotAvailableError like "DataBento package not available: add @lb/databento".
 */
export async function loadOptionalPackage<Module>(packageName: string, label: string): Promise<Module> {
  try {
    return (await import(packageName)) as Module;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes(packageName);
    if (!missing) throw error;
    throw new PackageNotAvailableError(`${label} package not available: add ${packageName}`, {
      packageName,
      cause: error,
    });
  }
}

/** `@lb/databento`, or a clear error naming it. */
export function loadDatabento(): Promise<typeof import('@lb/databento')> {
  return loadOptionalPackage('@lb/databento', 'DataBento');
}

/** `@lb/dbn` (the DBN codec), or a clear error naming it. */
export function loadDbn(): Promise<typeof import('@lb/dbn')> {
  return loadOptionalPackage('@lb/dbn', 'DBN codec');
}

/** `@lb/dbn-files`, or a clear error naming it. */
export function loadDbnFiles(): Promise<typeof import('@lb/dbn-files')> {
  return loadOptionalPackage('@lb/dbn-files', 'DBN file source');
}

/** `@lb/cache-feather`, or a clear error naming it. */
export function loadCacheFeather(): Promise<typeof import('@lb/cache-feather')> {
  return loadOptionalPackage('@lb/cache-feather', 'Feather cache');
}
