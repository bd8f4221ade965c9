import { AppError } from '../common/app-error.js';
import { classifyEngineError } from '../hosts/engine-probe.js';

interface EngineFailure {
  statusCode?: number | null;
  json?: { message?: unknown } | null;
  reason?: string;
  message?: string;
  code?: string;
}

/** The engine's own message (`No such container: x`), which is meant for people. */
export function engineMessage(error: unknown): string {
  const e = error as EngineFailure;
  if (typeof e.json?.message === 'string') return e.json.message;
  const message = e.message ?? String(error);
  // dockerode prefixes "(HTTP code 409) unexpected - " before the engine's message.
  return message.replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();
}

/**
 * Turns an engine failure into the one error type: the engine's message for answers it gave
 * (4xx/5xx), or "unreachable" with a reason for transport failures. `what` names the object.
 */
export function engineError(error: unknown, what: string, hostName: string): AppError {
  if (error instanceof AppError) return error;
  const e = error as EngineFailure;
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status === null) {
    const { error: reason } = classifyEngineError(error);
    return new AppError(
      'HOST_UNREACHABLE',
      `host ${hostName} is unreachable: ${reason}`,
      {},
      error,
    );
  }
  const message = engineMessage(error);
  if (status === 404) return new AppError('NOT_FOUND', `${what} not found: ${message}`, {}, error);
  if (status === 409) return new AppError('CONFLICT', message, {}, error);
  if (status === 400) return new AppError('VALIDATION_FAILED', message, {}, error);
  return new AppError('ENGINE_ERROR', `the engine failed: ${message}`, { status }, error);
}
