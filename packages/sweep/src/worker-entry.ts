// Worker entry points are separate compiled files (piscina and BullMQ load them by path). Under vitest this
// module runs from src/, where only the TypeScript exists, so point at the built copy in dist/.
/** URL of the compiled entry `name` (e.g. `local-pool-worker`) next to this module or in ../dist. */
export function workerEntryUrl(name: string): URL {
  const here = new URL('.', import.meta.url);
  return here.pathname.endsWith('/src/')
    ? new URL(`../dist/${name}.js`, here)
    : new URL(`./${name}.js`, here);
}
