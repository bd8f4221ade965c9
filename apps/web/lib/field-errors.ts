import { ApiError } from './api';

/** Field problems keyed by dotted path (`tls.cert`, `tags.0`), as the server and zod name them. */
export type FieldErrors = Record<string, string>;

interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The issues of a failed `schema.safeParse`, first message per field. */
export function fieldErrorsFromIssues(issues: readonly ValidationIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

/** The server's `details.issues` of a VALIDATION_FAILED answer; empty for any other error. */
export function fieldErrorsFromError(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[issue.path] ??= issue.message;
  return errors;
}

/** The message for a field or for anything inside it (`tags` also shows `tags.3`). */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const nested = Object.keys(errors).find((key) => key.startsWith(`${path}.`));
  return nested === undefined ? undefined : errors[nested];
}
