/** Where the cache reports what it does. Inject one to route messages to your own logging. */
export interface CacheLogger {
  warn(message: string): void;
  debug(message: string): void;
}

/** Warnings to stderr, debug messages only when `LB_DEBUG` is set. */
export const defaultLogger: CacheLogger = {
  warn: (message) => process.stderr.write(`[lb cache] warning: ${message}\n`),
  debug: (message) => {
    if (process.env.LB_DEBUG) process.stderr.write(`[lb cache] ${message}\n`);
  },
};
