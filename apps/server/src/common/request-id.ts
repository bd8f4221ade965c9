import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEADER = 'x-request-id';

/** A caller's request id when it looks like one, otherwise a new one. */
export function requestIdFrom(req: IncomingMessage): string {
  const given = req.headers[HEADER];
  return typeof given === 'string' && /^[\w.:-]{8,128}$/.test(given) ? given : randomUUID();
}

/** Gives the request its id and echoes it back in the response headers. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdFrom(req);
  (req as IncomingMessage & { id?: string }).id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

export function requestIdOf(req: IncomingMessage): string {
  const id = (req as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' ? id : 'unknown';
}
