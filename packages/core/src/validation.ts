import type { z } from 'zod';

/** Joins zod issues into one readable line: `quantity: must be positive; limitPrice: required`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** The zod issues of `error` as `{ path, message }` pairs, for errors with an `issues` field. */
export function listIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}
