/** Structured context attached to a log line. */
export type LiveLogFields = Readonly<Record<string, unknown>>;

/**
 * Where the live client logs; the same shape as `@lb/databento`'s `Logger` (pino, consola and console fit),
 * restated here so the live package does not depend on the historical one.
 */
export interface LiveLogger {
  debug(message: string, fields?: LiveLogFields): void;
  info(message: string, fields?: LiveLogFields): void;
  warn(message: string, fields?: LiveLogFields): void;
  error(message: string, fields?: LiveLogFields): void;
}

/**
 * Wraps a logger so the secret (the API key) never reaches it, whatever a message or a string field holds.
 * A second line of defence: the client never logs the key itself.
 */
export function createRedactingLiveLogger(logger: LiveLogger, secret: () => string | undefined): LiveLogger {
  const redact = (value: unknown): unknown => {
    const key = secret();
    return typeof value === 'string' && key ? value.split(key).join('***') : value;
  };
  const wrap =
    (method: keyof LiveLogger) =>
    (message: string, fields?: LiveLogFields): void => {
      const safeFields =
        fields === undefined
          ? undefined
          : Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, redact(value)]));
      logger[method](redact(message) as string, safeFields);
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
