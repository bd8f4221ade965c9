import { AppError } from '../common/app-error.js';
import { EngineError } from '../docker/engine-error.js';

/**
 * Turns an engine failure into the one error type of the API: the engine's message for answers it
 * gave (4xx/5xx), or "unreachable" with a reason for failures on the way. `what` names the object.
 */
export function engineError(error: unknown, what: string, hostName: string): AppError {
  if (error instanceof AppError) return error;
  const e = EngineError.from(error);
  switch (e.kind) {
    case 'not_found':
      return new AppError('NOT_FOUND', `${what} not found: ${e.reason}`, {}, error);
    case 'conflict':
      return new AppError('CONFLICT', e.reason, {}, error);
    case 'bad_request':
      return new AppError('VALIDATION_FAILED', e.reason, {}, error);
    case 'unreachable':
    case 'tls':
    case 'host_key_mismatch':
      return unreachable(e, hostName, error);
    case 'auth':
      // Refused credentials on the way (TLS client, SSH key, socket permissions) leave the host
      // unreachable; a 401/403 the engine itself answered is its failure.
      if (e.status === null) return unreachable(e, hostName, error);
      return engineFailed(e, error);
    case 'not_modified':
    case 'engine':
      return engineFailed(e, error);
  }
}

function unreachable(e: EngineError, hostName: string, cause: unknown): AppError {
  return new AppError(
    'HOST_UNREACHABLE',
    `host ${hostName} is unreachable: ${e.reason}`,
    {},
    cause,
  );
}

function engineFailed(e: EngineError, cause: unknown): AppError {
  return new AppError(
    'ENGINE_ERROR',
    `the engine failed: ${e.reason}`,
    { status: e.status },
    cause,
  );
}
