import { HttpException } from '@nestjs/common';
import { type ErrorBody, type ErrorCode, httpStatusOf } from '@berth/shared';
import type { Logger } from 'pino';
import { connectionFailureOf } from '../database/connection-error.js';
import { AppError } from './app-error.js';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Headers the answer must carry, lower-case: `retry-after` (seconds) on 429 and 503. */
  headers?: Record<string, string>;
}

/**
 * Turns anything thrown into the stable error body. Only AppError messages are shown as they are;
 * framework errors get a generic message for their status; a database that cannot be reached is
 * 503 DATABASE_UNAVAILABLE with Retry-After; everything else is INTERNAL and logged.
 */
export function toErrorResponse(error: unknown, requestId: string, log: Logger): ErrorResponse {
  if (error instanceof AppError) {
    if (error.internal !== undefined) logCause(error, log);
    return respond(error.code, error.message, requestId, error.details);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeOfStatus(status);
    return { status, body: { error: { code, message: messageOfStatus(status), requestId } } };
  }
  const failure = connectionFailureOf(error);
  if (failure !== null) {
    log.warn({ err: error, failure }, 'the database is unavailable');
    const unavailable = AppError.databaseUnavailable();
    return respond(unavailable.code, unavailable.message, requestId, unavailable.details);
  }
  log.error({ err: error }, 'unhandled error');
  return respond('INTERNAL', 'internal error', requestId);
}

/**
 * An answer in the 4xx range (the engine's "no such container", a conflict) is the caller's, not a
 * fault of Berth's: its cause is kept at debug level without a stack. Failures keep the whole cause.
 */
function logCause(error: AppError, log: Logger): void {
  if (httpStatusOf(error.code) >= 500) {
    log.warn({ err: error.internal, code: error.code }, error.message);
    return;
  }
  const cause = error.internal instanceof Error ? error.internal.message : String(error.internal);
  log.debug({ code: error.code, cause }, error.message);
}

function respond(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: ErrorBody['error']['details'],
): ErrorResponse {
  const body: ErrorBody = { error: { code, message, requestId } };
  if (details) body.error.details = details;
  // A throttled caller or a database outage says when to come back (RFC 9110 Retry-After).
  const retryAfter = details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') {
    return { status: httpStatusOf(code), body, headers: { 'retry-after': String(retryAfter) } };
  }
  return { status: httpStatusOf(code), body };
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED';
  return 'INTERNAL';
}

function messageOfStatus(status: number): string {
  if (status === 404) return 'no such route';
  if (status === 413) return 'request body too large';
  if (status === 415) return 'unsupported content type';
  if (status === 400) return 'malformed request body';
  if (status >= 500) return 'internal error';
  return 'request rejected';
}
