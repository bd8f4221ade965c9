import { AppError } from '../common/app-error.js';
import { EngineError } from '../docker/engine-error.js';

/**
 * A reference the engine refuses to read ("invalid reference format…", which it answers with a
 * 500) is the request's fault: named on the field it came in, in the engine's words. Anything
 * else is passed on as it was.
 */
export function onReferenceField(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const reason = EngineError.from(error).reason;
  return /invalid reference format/i.test(reason)
    ? AppError.validation([{ path: 'reference', message: reason }])
    : error;
}
