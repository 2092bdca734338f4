import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DataSourceDescriptor, isDataSourceDescriptor } from '@lb/core';
import { loadOptionalPackage, PackageNotAvailableError } from './optional-package.js';
import { UsageError } from './usage-error.js';

/** A source package `lb` knows by name, so a missing one gets "add <package>" instead of "unknown". */
export interface KnownSourcePackage {
  /** `--data-source` value. */
  readonly name: string;
  readonly packageName: string;
  /** Used in "<label> package not available: add <package>". */
  readonly label: string;
}

/** The @lb sources; any other source is found as an installed `lb-source-*` package. */
export const KNOWN_SOURCE_PACKAGES: readonly KnownSourcePackage[] = [
  { name: 'databento', packageName: '@lb/databento', label: 'DataBento' },
  { name: 'dbn-files', packageName: '@lb/dbn-files', label: 'DBN file source' },
];

/** A source found in the project: its package and the descriptor the package exports. */
export interface InstalledSource {
  readonly packageName: string;
  readonly descriptor: DataSourceDescriptor;
}

/** What {@link discoverSources} found, and packages that look like sources but could not be used. */
export interface SourceDiscovery {
  readonly installed: readonly InstalledSource[];
  /** Known @lb sources that are not installed. */
  readonly missing: readonly KnownSourcePackage[];
  /** One line per `lb-source-*` package that failed to load or exports no valid descriptor. */
  readonly problems: readonly string[];
}

const THIRD_PARTY_PATTERN = /^(@[a-z0-9][\w.~-]*\/)?lb-source-[a-z0-9][\w.~-]*$/;

/** True for package names `lb` treats as third-party sources: `lb-source-*` and `@<scope>/lb-source-*`. */
export function isSourcePackageName(packageName: string): boolean {
  return THIRD_PARTY_PATTERN.test(packageName);
}

/**
 * Names of third-party source packages of the project at `projectDirectory`: the `lb-source-*` entries of
 * its nearest package.json's dependencies, plus those present in any `node_modules` on the way up (what
 * Node itself would resolve), sorted.
 */
export async function findSourcePackageNames(projectDirectory: string): Promise<string[]> {
  const names = new Set<string>();
  let manifestRead = false;
  for (const directory of ancestors(projectDirectory)) {
    if (!manifestRead) {
      const manifest = await readJson(path.join(directory, 'package.json'));
      if (manifest !== undefined) {
        manifestRead = true;
        for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
          const dependencies = manifest[field];
          if (typeof dependencies !== 'object' || dependencies === null) continue;
          for (const name of Object.keys(dependencies)) if (isSourcePackageName(name)) names.add(name);
        }
      }
    }
    const modules = path.join(directory, 'node_modules');
    for (const entry of await listDirectory(modules)) {
      if (entry.startsWith('@')) {
        for (const scoped of await listDirectory(path.join(modules, entry))) {
          if (isSourcePackageName(`${entry}/${scoped}`)) names.add(`${entry}/${scoped}`);
        }
      } else if (isSourcePackageName(entry)) {
        names.add(entry);
      }
    }
  }
  return [...names].sort();
}

/**
 * Imports a third-party source package the way the project would (from its `node_modules`, not from
 * `lb`'s own install) and returns its `dataSourceDescriptor`.
 * @throws PackageNotAvailableError when the project has no such package; UsageError when it exports no
 * valid descriptor.
 */
export async function loadThirdPartyDescriptor(
  packageName: string,
  projectDirectory: string,
): Promise<DataSourceDescriptor> {
  const entry = await resolvePackageEntry(packageName, projectDirectory);
  if (entry === undefined) {
    throw new PackageNotAvailableError(`Data source package not available: add ${packageName}`, {
      packageName,
    });
  }
  const loaded = (await import(pathToFileURL(entry).href)) as { dataSourceDescriptor?: unknown };
  return requireDescriptor(loaded.dataSourceDescriptor, packageName);
}

/** The descriptor of a known @lb source, or "<label> package not available: add <package>". */
export async function loadKnownDescriptor(known: KnownSourcePackage): Promise<DataSourceDescriptor> {
  const loaded = await loadOptionalPackage<{ dataSourceDescriptor?: unknown }>(
    known.packageName,
    known.label,
  );
  return requireDescriptor(loaded.dataSourceDescriptor, known.packageName);
}

/** Every source the project can use: the installed @lb sources, then `lb-source-*` packages. */
export async function discoverSources(projectDirectory: string = process.cwd()): Promise<SourceDiscovery> {
  const installed: InstalledSource[] = [];
  const missing: KnownSourcePackage[] = [];
  const problems: string[] = [];
  for (const known of KNOWN_SOURCE_PACKAGES) {
    try {
      installed.push({ packageName: known.packageName, descriptor: await loadKnownDescriptor(known) });
    } catch (error) {
      if (!PackageNotAvailableError.isInstance(error)) throw error;
      missing.push(known);
    }
  }
  for (const packageName of await findSourcePackageNames(projectDirectory)) {
    try {
      const descriptor = await loadThirdPartyDescriptor(packageName, projectDirectory);
      const clash = installed.find((source) => source.descriptor.name === descriptor.name);
      if (clash === undefined) installed.push({ packageName, descriptor });
      else problems.push(`${packageName}: source name "${descriptor.name}" is taken by ${clash.packageName}`);
    } catch (error) {
      problems.push(`${packageName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { installed, missing, problems };
}

/**
 * The installed source called `name`: a known @lb source (or "DataBento package not available: add
 * @lb/databento"), else an `lb-source-*` package whose descriptor has that name.
 * @throws UsageError naming the installed sources when none matches.
 */
export async function findInstalledSource(
  name: string,
  projectDirectory: string = process.cwd(),
): Promise<InstalledSource> {
  const known = KNOWN_SOURCE_PACKAGES.find((candidate) => candidate.name === name);
  if (known !== undefined) {
    return { packageName: known.packageName, descriptor: await loadKnownDescriptor(known) };
  }
  const discovery = await discoverSources(projectDirectory);
  const found = discovery.installed.find((source) => source.descriptor.name === name);
  if (found !== undefined) return found;
  const names = [
    ...discovery.installed.map((source) => source.descriptor.name),
    ...discovery.missing.map((source) => `${source.name} (add ${source.packageName})`),
  ];
  throw new UsageError(
    `Unknown data source "${name}": use one of ${names.join(', ')}, or install the lb-source-* package that provides it (see 'lb sources')`,
  );
}

function requireDescriptor(value: unknown, packageName: string): DataSourceDescriptor {
  if (!isDataSourceDescriptor(value)) {
    throw new UsageError(
      `${packageName} is not a data source for lb: it must export dataSourceDescriptor (a DataSourceDescriptor from @lb/core)`,
    );
  }
  return value;
}

function* ancestors(start: string): Generator<string> {
  let directory = path.resolve(start);
  while (true) {
    yield directory;
    const parent = path.dirname(directory);
    if (parent === directory) return;
    directory = parent;
  }
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch {
    return [];
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

// Resolved by hand because `lb` may be installed elsewhere than the project (globally, through npx, or in
// a pnpm store), where `import(name)` would search lb's folders instead of the project's.
async function resolvePackageEntry(
  packageName: string,
  projectDirectory: string,
): Promise<string | undefined> {
  for (const directory of ancestors(projectDirectory)) {
    const packageDirectory = path.join(directory, 'node_modules', packageName);
    const manifest = await readJson(path.join(packageDirectory, 'package.json'));
    if (manifest === undefined) continue;
    const relative =
      pickExport(
        typeof manifest.exports === 'object' && manifest.exports !== null && '.' in manifest.exports
          ? (manifest.exports as Record<string, unknown>)['.']
          : manifest.exports,
      ) ??
      (typeof manifest.module === 'string' ? manifest.module : undefined) ??
      (typeof manifest.main === 'string' ? manifest.main : 'index.js');
    return realpath(path.resolve(packageDirectory, relative));
  }
  return undefined;
}

// The conditions Node's ESM loader would take for `import`, in its order.
function pickExport(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(pickExport).find((entry) => entry !== undefined);
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const picked = pickExport(value);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}
