import type { z } from 'zod';
import { AppError } from '../common/app-error.js';

/**
 * An engine answer read through its schema: the typed value, or ENGINE_ERROR when the engine sent
 * something of another shape (a version Berth does not know), never a half-read object.
 */
export function readEngineAnswer<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  throw new AppError('ENGINE_ERROR', `the engine sent a ${what} Berth cannot read`, { issues });
}
