import type { ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
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

/**
 * The clients an answer goes to: one, or several that share one engine call, with how long one of
 * several may take nothing while the others wait before it is cut (`fanOut`).
 */
export interface AnswerTargets {
  clients: readonly ServerResponse[];
  stallMs: number;
}

/** Starts the gathering window, which calls `close` when it ends; answers how to cancel it. */
function gatherFor(close: () => void): () => void {
  const timer = setTimeout(close, GATHER_MS);
  return () => clearTimeout(timer);
}

/**
 * A plain answer (a list, an inspect, a tar archive), to every client in `targets` (several when
 * they share one engine call). One that ends soon and is small goes out as one write with its
 * length: the engine's chunked framing is a hop-by-hop matter, and re-framing it costs the client a
 * write per chunk and one for the end. Anything larger or slower is streamed as it comes, after
 * what gathered.
 */
export function relayAnswer(
  method: string,
  engineRes: EngineAnswer,
  targets: AnswerTargets,
  head: AnswerHead,
): void {
  const { clients } = targets;
  const length = declaredLength(head.headers);
  if (length !== null && length > MAX_GATHERED) {
    for (const res of clients) res.writeHead(head.status, head.message, head.headers);
    passOn(engineRes.asStream(), targets);
    cutWithEngine(engineRes, clients, () => undefined);
    return;
  }
  gatherThenStream(method, engineRes, clients, head, true, (gathered, rest) => {
    for (const res of clients) {
      if (gathered.length === 0) res.flushHeaders();
      for (const chunk of gathered) res.write(chunk);
    }
    passOn(rest, targets);
    return () => undefined;
  });
}

/**
 * Logs, events and stats, to every client in `targets`. While other calls wait on the gateway
 * (`gather`), a finished log (usually whole within the window) goes out with the headers and its
 * length in one write, which spares the CPU a write per chunk when the CPU is what is short; a
 * followed one gets what came so far with its headers. Otherwise, and after that, lines are passed
 * on as they come: the first at once, those that follow gathered for a moment into fewer writes
 * (`ChunkCoalescer`). A gateway with nothing else to do thus shows a log's first lines as soon as
 * the engine sends them.
 */
export function relayLines(
  method: string,
  engineRes: EngineAnswer,
  targets: AnswerTargets,
  head: AnswerHead,
  gather = true,
): void {
  const { clients } = targets;
  gatherThenStream(method, engineRes, clients, head, gather, (gathered, rest) => {
    const first = gathered.length > 1 ? Buffer.concat(gathered) : gathered[0];
    const coalescer = new ChunkCoalescer();
    rest.pipe(coalescer);
    for (const res of clients) {
      if (first === undefined) res.flushHeaders();
      else res.write(first);
    }
    passOn(coalescer, targets);
    return () => coalescer.destroy();
  });
}

/** The rest of an answer, piped to its one client or fanned out to several. */
function passOn(source: Readable, { clients, stallMs }: AnswerTargets): void {
  if (clients.length === 1) source.pipe(clients[0]!);
  else fanOut(source, clients, stallMs);
}

/**
 * How far one client sharing an engine call may fall behind the fastest before the call waits for
 * it. The chunks are the same buffers for every client, so this bounds the memory a round keeps
 * for its slowest reader, not each reader's.
 */
export const MAX_LAG = 4 << 20;

/**
 * Passes `source` on to several clients. Each may fall up to `maxLag` bytes behind the fastest; the
 * source waits only for one further behind, so a reader slower than the others holds them up only
 * once it is that far behind (never, on an answer shorter than that). A client over the limit that
 * takes nothing for `stallMs` while another waits on it is cut, as a proxy cuts a client that stops
 * reading: one reader that stops must not hold up the others sharing its call.
 */
export function fanOut(
  source: Readable,
  clients: readonly Writable[],
  stallMs: number,
  maxLag = MAX_LAG,
): void {
  const open = new Set(clients.filter((client) => !client.destroyed));
  /** Clients too far behind, with what they still had to take when last looked at. */
  const behind = new Map<Writable, number>();
  let stall: NodeJS.Timeout | null = null;
  const goOn = () => {
    if (behind.size > 0) return;
    if (stall !== null) clearTimeout(stall);
    stall = null;
    source.resume();
  };
  const cutStalled = () => {
    stall = null;
    const stalled: Writable[] = [];
    for (const [client, left] of behind) {
      const now = client.writableLength;
      if (now <= maxLag) {
        behind.delete(client);
        continue;
      }
      behind.set(client, now);
      if (now >= left) stalled.push(client);
    }
    // Cut only those that took nothing while another could go on: nobody is held up when all are
    // stalled, and one that takes something, however slowly, is still reading.
    if (stalled.length < open.size) {
      for (const client of stalled) {
        behind.delete(client);
        client.destroy();
      }
    }
    if (behind.size > 0) stall = setTimeout(cutStalled, stallMs);
    else goOn();
  };
  for (const client of open) {
    client.on('drain', () => {
      behind.delete(client);
      goOn();
    });
    client.once('close', () => {
      open.delete(client);
      behind.delete(client);
      if (open.size > 0) goOn();
    });
  }
  source.on('data', (chunk: Buffer) => {
    for (const client of open) {
      client.write(chunk);
      const lag = client.writableLength;
      if (lag > maxLag) behind.set(client, lag);
    }
    if (behind.size === 0) return;
    source.pause();
    stall ??= setTimeout(cutStalled, stallMs);
  });
  source.once('end', () => {
    for (const client of open) client.end();
  });
  source.once('close', () => {
    if (stall !== null) clearTimeout(stall);
  });
}

/**
 * With `gather`, gathers the engine's answer for GATHER_MS. If it ends by then (and is no larger
 * than MAX_GATHERED), it is sent with its headers and length in one write to each target;
 * otherwise the headers go out and `stream` passes on what gathered and the rest (answering how to
 * stop it). Without, it streams from the start.
 */
function gatherThenStream(
  method: string,
  engineRes: EngineAnswer,
  targets: readonly ServerResponse[],
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
    const joined =
      chunks.length > 1 && total <= chunks.length * MAX_JOINED_CHUNK
        ? [Buffer.concat(chunks, total)]
        : chunks;
    for (const res of targets) {
      if (res.destroyed) continue;
      res.writeHead(head.status, head.message, headers);
      // Writes in one tick leave corked, in one `writev`: no copy into one buffer needed.
      for (let i = 0; i < joined.length - 1; i += 1) res.write(joined[i]);
      res.end(joined.at(-1));
    }
  };
  const startStream = () => {
    cancelWindow();
    const { kept, rest } = engineRes.release();
    for (const res of targets) res.writeHead(head.status, head.message, head.headers);
    stopStream = stream(kept, rest);
  };
  let cancelWindow: () => void = () => undefined;
  if (gather) {
    cancelWindow = gatherFor(startStream);
    engineRes.hold(MAX_GATHERED, whole, startStream);
  } else {
    startStream();
  }
  cutWithEngine(engineRes, targets, () => {
    cancelWindow();
    stopStream?.();
  });
}

/**
 * An engine answer that breaks off cuts every client's connection (it cannot be told otherwise
 * once headers went out, and a gathered answer must not look complete); once every client has
 * left, the relay stops (the caller cancels the engine call).
 */
function cutWithEngine(
  engineRes: EngineAnswer,
  targets: readonly ServerResponse[],
  stop: () => void,
): void {
  engineRes.whenBroken(() => {
    stop();
    for (const res of targets) res.destroy();
  });
  let open = targets.length;
  for (const res of targets) {
    res.once('close', () => {
      open -= 1;
      if (open === 0) stop();
    });
  }
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
