import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { EngineAnswer } from '../docker/engine-exchange.js';
import { ChunkCoalescer } from './chunk-coalescer.js';

/**
 * How long an answer may gather before its headers (and what came so far) go out and the rest is
 * streamed: most answers, finished logs included, are complete by then; one that keeps the client
 * waiting (`wait`, `logs -f`, events, a slow engine) gets its headers after this.
 */
const GATHER_MS = 10;
/** Answers up to this size that end while they gather leave with their headers in one write. */
const MAX_GATHERED = 256 << 10;
/**
 * A gathered answer of chunks this small on average (a log's lines) is copied into one buffer
 * rather than written chunk by chunk; larger chunks (a list) are written as they are.
 */
const MAX_JOINED_CHUNK = 1024;

/** Status line and headers as the client gets them (raw name/value pairs, hop headers dropped). */
export interface AnswerHead {
  status: number;
  message: string | undefined;
  headers: string[];
}

/** Starts the gathering window, which calls `close` when it ends; answers how to cancel it. */
function gatherFor(close: () => void): () => void {
  const timer = setTimeout(close, GATHER_MS);
  return () => clearTimeout(timer);
}

/**
 * A plain answer (a list, an inspect, a tar archive). One that ends soon and is small goes out as
 * one write with its length: the engine's chunked framing is a hop-by-hop matter, and re-framing
 * it costs the client a write per chunk and one for the end. Anything larger or slower is streamed
 * as it comes, after what gathered.
 */
export function relayAnswer(
  method: string,
  engineRes: EngineAnswer,
  res: ServerResponse,
  head: AnswerHead,
): void {
  const length = declaredLength(head.headers);
  if (length !== null && length > MAX_GATHERED) {
    res.writeHead(head.status, head.message, head.headers);
    engineRes.asStream().pipe(res);
    cutWithEngine(engineRes, res, () => undefined);
    return;
  }
  gatherThenStream(method, engineRes, res, head, true, (gathered, rest) => {
    if (gathered.length === 0) res.flushHeaders();
    for (const chunk of gathered) res.write(chunk);
    rest.pipe(res);
    return () => undefined;
  });
}

/**
 * Logs, events and stats. While other calls wait on the gateway (`gather`), a finished log
 * (usually whole within the window) goes out with the headers and its length in one write, which
 * spares the CPU a write per chunk when the CPU is what is short; a followed one gets what came so
 * far with its headers. Otherwise, and after that, lines are passed on as they come: the first at
 * once, those that follow gathered for a moment into fewer writes (`ChunkCoalescer`). A gateway
 * with nothing else to do thus shows a log's first lines as soon as the engine sends them.
 */
export function relayLines(
  method: string,
  engineRes: EngineAnswer,
  res: ServerResponse,
  head: AnswerHead,
  gather = true,
): void {
  gatherThenStream(method, engineRes, res, head, gather, (gathered, rest) => {
    if (gathered.length === 0) res.flushHeaders();
    else res.write(gathered.length === 1 ? gathered[0] : Buffer.concat(gathered));
    const coalescer = new ChunkCoalescer();
    rest.pipe(coalescer).pipe(res);
    return () => coalescer.destroy();
  });
}

/**
 * With `gather`, gathers the engine's answer for GATHER_MS. If it ends by then (and is no larger
 * than MAX_GATHERED), it is sent with its headers and length in one write; otherwise the headers
 * go out and `stream` passes on what gathered and the rest (answering how to stop it). Without,
 * it streams from the start.
 */
function gatherThenStream(
  method: string,
  engineRes: EngineAnswer,
  res: ServerResponse,
  head: AnswerHead,
  gather: boolean,
  stream: (gathered: Buffer[], rest: Readable) => () => void,
): void {
  let stopStream: (() => void) | null = null;
  const whole = (chunks: Buffer[], total: number) => {
    cancelWindow();
    const headers = head.headers;
    if (declaredLength(headers) === null && carriesBody(method, head.status))
      headers.push('Content-Length', String(total));
    res.writeHead(head.status, head.message, headers);
    if (chunks.length > 1 && total <= chunks.length * MAX_JOINED_CHUNK) {
      res.end(Buffer.concat(chunks, total));
      return;
    }
    // Writes in one tick leave corked, in one `writev`: no copy into one buffer needed.
    for (let i = 0; i < chunks.length - 1; i += 1) res.write(chunks[i]);
    res.end(chunks.at(-1));
  };
  const startStream = () => {
    cancelWindow();
    const { kept, rest } = engineRes.release();
    res.writeHead(head.status, head.message, head.headers);
    stopStream = stream(kept, rest);
  };
  let cancelWindow: () => void = () => undefined;
  if (gather) {
    cancelWindow = gatherFor(startStream);
    engineRes.hold(MAX_GATHERED, whole, startStream);
  } else {
    startStream();
  }
  cutWithEngine(engineRes, res, () => {
    cancelWindow();
    stopStream?.();
  });
}

/**
 * An engine answer that breaks off cuts the client's connection (it cannot be told otherwise once
 * headers went out, and a gathered answer must not look complete); a client that leaves stops the
 * relay (the caller cancels the engine call).
 */
function cutWithEngine(engineRes: EngineAnswer, res: ServerResponse, stop: () => void): void {
  engineRes.whenBroken(() => {
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
