import type { FieldIssue, SocketResult } from '@berth/shared';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { toErrorResponse } from '../common/error-response.js';

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
 * with the code and message REST would answer (`toErrorResponse`, which also logs the cause).
 */
export async function answer<T>(ack: unknown, log: Logger, work: () => Promise<T>): Promise<void> {
  let result: SocketResult<T>;
  try {
    result = { ok: true, data: await work() };
  } catch (error) {
    // Socket requests carry no request id.
    const { code, message, details } = toErrorResponse(error, '', log).body.error;
    result = {
      ok: false,
      error: { code, message, ...(details?.issues ? { issues: details.issues } : {}) },
    };
  }
  if (typeof ack === 'function') (ack as (result: SocketResult<T>) => void)(result);
}
