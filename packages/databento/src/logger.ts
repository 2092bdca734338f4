/** Structured context attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging interface of @lb/databento. Any object with these four methods works (pino, consola...). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Log levels, most verbose first. `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Parses `LB_LOG_LEVEL`-style strings; anything unknown falls back to `warn`. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = value?.trim().toLowerCase();
  return level !== undefined && level in LEVEL_RANK ? (level as LogLevel) : 'warn';
}

/**
 * A tiny logger writing one line per call (`[lb:databento] warn message {"key":"value"}`) to stderr. Kept
 * dependency-free on purpose: four methods and a level filter do not justify a logging library, and users
 * who want one pass their own through the `logger` setting.
 */
export function createStderrLogger(
  options: { level?: LogLevel; write?: (line: string) => void; prefix?: string } = {},
): Logger {
  const threshold = LEVEL_RANK[options.level ?? parseLogLevel(process.env.LB_LOG_LEVEL)];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const prefix = options.prefix ?? '[lb:databento]';
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < threshold) return;
    const context = fields === undefined ? '' : ` ${safeStringify(fields)}`;
    write(`${prefix} ${level} ${message}${context}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function safeStringify(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value,
    );
  } catch {
    return '{}';
  }
}

/**
 * Wraps a logger so that the given secrets (the API key and its Basic-auth base64 form) never reach it,
 * whatever a message or field contains. A second line of defence: the client never logs the key itself.
 */
export function createRedactingLogger(logger: Logger, secrets: () => readonly string[]): Logger {
  const redactText = (text: string): string => {
    let result = text;
    for (const secret of secrets()) if (secret.length > 0) result = result.split(secret).join('***');
    return result;
  };
  const redactValue = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
    if (value instanceof Error) return redactText(value.message);
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        redactValue(item, depth + 1),
      ]),
    );
  };
  const wrap =
    (method: keyof Logger) =>
    (message: string, fields?: LogFields): void => {
      logger[method](
        redactText(message),
        fields === undefined ? undefined : (redactValue(fields, 0) as LogFields),
      );
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
