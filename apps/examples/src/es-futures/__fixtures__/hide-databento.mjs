// Simulates a project that did not install @lb/databento: resolving it fails the way Node fails for a
// missing package, so the example's "package not available" message is tested for real.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@lb/databento' || specifier.startsWith('@lb/databento/')) {
    const error = new Error("Cannot find package '@lb/databento' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return nextResolve(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
