import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChunkCoalescer } from './chunk-coalescer.js';

/**
 * How long an answer may gather before its headers (and what came so far) go out and the rest is
 * streamed: most answers are complete by then, one that keeps the client waiting (`wait`, a quiet
 * `logs -f`, a slow engine) gets its headers after this.
 */
const GATHER_MS = 10;
/** Answers up to this size that end within GATHER_MS leave with their headers in one write. */
const MAX_GATHERED = 256 << 10;

/** Status line and headers as the client gets them (raw name/value pairs, hop headers dropped). */
export interface AnswerHead {
  status: number;
  message: string | undefined;
  headers: string[];
}

/**
 * A plain answer (a list, an inspect, a tar archive). One that ends soon and is small goes out as
 * one write with its length: the engine's chunked framing is a hop-by-hop matter, and re-framing
 * it costs the client a write per chunk and one for the end. Anything larger or slower is streamed
 * as it comes, after what gathered.
 */
export function relayAnswer(
  method: string,
  engineRes: IncomingMessage,
  res: ServerResponse,
  head: AnswerHead,
): void {
  const length = declaredLength(head.headers);
  const chunks: Buffer[] = [];
  let size = 0;
  const gather = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_GATHERED) stream();
  };
  const whole = () => {
    clearTimeout(timer);
    const headers = head.headers;
    if (length === null && carriesBody(method, head.status))
      headers.push('Content-Length', String(size));
    res.writeHead(head.status, head.message, headers);
    res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  };
  const stream = () => {
    clearTimeout(timer);
    engineRes.off('data', gather);
    engineRes.off('end', whole);
    res.writeHead(head.status, head.message, head.headers);
    if (chunks.length === 0) res.flushHeaders();
    for (const chunk of chunks) res.write(chunk);
    engineRes.pipe(res);
  };
  if (length !== null && length > MAX_GATHERED) {
    res.writeHead(head.status, head.message, head.headers);
    engineRes.pipe(res);
    cutWithEngine(engineRes, res, () => undefined);
    return;
  }
  const timer = setTimeout(stream, GATHER_MS);
  engineRes.on('data', gather);
  engineRes.once('end', whole);
  cutWithEngine(engineRes, res, () => clearTimeout(timer));
}

/**
 * Logs, events and stats reach the client as they come: the engine's line-sized chunks gathered
 * for a moment into fewer writes (`ChunkCoalescer`), the headers with the first of them, or alone
 * when none comes within GATHER_MS.
 */
export function relayLines(
  engineRes: IncomingMessage,
  res: ServerResponse,
  head: AnswerHead,
): void {
  res.writeHead(head.status, head.message, head.headers);
  const coalescer = new ChunkCoalescer();
  let started = false;
  coalescer.once('data', () => (started = true));
  const timer = setTimeout(() => {
    if (!started && !res.writableEnded) res.flushHeaders();
  }, GATHER_MS);
  engineRes.pipe(coalescer).pipe(res);
  cutWithEngine(engineRes, res, () => {
    clearTimeout(timer);
    coalescer.destroy();
  });
}

/**
 * An engine answer that breaks off cuts the client's connection (it cannot be told otherwise once
 * headers went out, and a gathered answer must not look complete); a client that leaves stops the
 * relay (the caller cancels the engine call).
 */
function cutWithEngine(engineRes: IncomingMessage, res: ServerResponse, stop: () => void): void {
  engineRes.once('close', () => {
    if (engineRes.complete) return;
    stop();
    res.destroy();
  });
  res.once('close', stop);
}

/** The engine's Content-Length, null when it sent none (a chunked answer). */
function declaredLength(headers: string[]): number | null {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]?.toLowerCase() === 'content-length') return Number(headers[i + 1]);
  }
  return null;
}

/** Whether an answer has a body to frame (RFC 9110 §6.4.1). */
function carriesBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
}
