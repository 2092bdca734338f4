/** A failure the mock answers with an HTTP status and Databento's `{ detail }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A required query or form parameter, or a 400 naming it. */
export function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new HttpError(400, `Missing required parameter "${name}".`);
  return value;
}
