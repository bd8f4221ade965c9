import express, { type RequestHandler } from 'express';
import { AppError } from '../common/app-error.js';

/**
 * Reads a webhook call's body as the exact bytes its sender signed, whatever their type, up to
 * `limit` (past it 413). A body that stops coming for `idleMs` (a Content-Length larger than
 * what is sent, a client gone quiet) ends the call with 400 naming the body, before anything is
 * triggered, and its connection is closed: the rest of that body will not be read.
 */
export function webhookBody(limit: string, idleMs: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    let settled = false;
    let bytes = 0;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', restart);
      next(error);
    };
    const stalled = () => {
      const length = req.headers['content-length'];
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket.destroy());
      settle(
        AppError.validation([
          {
            path: 'body',
            message: `stopped coming for ${idleMs} ms after ${bytes}${length === undefined ? '' : ` of its ${length}`} bytes: send the whole body`,
          },
        ]),
      );
    };
    let timer = setTimeout(stalled, idleMs);
    function restart(chunk: Buffer): void {
      bytes += chunk.length;
      clearTimeout(timer);
      timer = setTimeout(stalled, idleMs);
    }
    raw(req, res, settle);
    // After the reader's own listener: this one only counts the bytes going by.
    if (!settled) req.on('data', restart);
  };
}
