import { type ErrorCode, type FieldIssue } from '@berth/shared';

/** How soon a client is told to try again while the database cannot be reached. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * The one error type of the server. `message` is shown to the client; `internal` (never sent) is
 * logged, so that engine, ORM or system text never reaches a response.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { issues?: FieldIssue[]; [key: string]: unknown },
    readonly internal?: unknown,
  ) {
    super(message);
  }

  static validation(issues: FieldIssue[]): AppError {
    const first = issues[0];
    const message = first ? `${first.path || 'body'}: ${first.message}` : 'invalid request';
    return new AppError('VALIDATION_FAILED', message, { issues });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  /** No connection to the database can be had; the client is told to try again shortly. */
  static databaseUnavailable(): AppError {
    return new AppError('DATABASE_UNAVAILABLE', 'the database is unavailable', {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }
}
