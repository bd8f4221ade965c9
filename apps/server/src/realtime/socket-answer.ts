import type { FieldIssue, SocketResult } from '@berth/shared';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';

/** Checks a client's request with its schema; a failure names each field, as REST does. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw AppError.validation(
    parsed.error.issues.map((issue): FieldIssue => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

/**
 * Runs a socket request and answers its acknowledgement: `{ok:true,data}` or `{ok:false,error}`
 * in the REST error's terms. Anything but an AppError is logged and answered as INTERNAL.
 */
export async function answer<T>(ack: unknown, log: Logger, work: () => Promise<T>): Promise<void> {
  let result: SocketResult<T>;
  try {
    result = { ok: true, data: await work() };
  } catch (error) {
    if (error instanceof AppError) {
      if (error.internal !== undefined)
        log.warn({ err: error.internal, code: error.code }, error.message);
      result = {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          ...(error.details?.issues ? { issues: error.details.issues } : {}),
        },
      };
    } else {
      log.error({ err: error }, 'socket request failed');
      result = { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  }
  if (typeof ack === 'function') (ack as (result: SocketResult<T>) => void)(result);
}
