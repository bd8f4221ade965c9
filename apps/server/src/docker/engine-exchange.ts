import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** What the gateway sends on: method, path, headers, and the body as it has it. */
export interface EngineExchangeRequest {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** Nothing, the checked body, or the client's body streamed as it comes. */
  body: Buffer | Readable | null;
}

/** How an exchange ends before its body; exactly one is called. */
export interface ExchangeOutcome {
  /** The engine answered: status and headers are known, the body follows on `answer`. */
  answered(answer: EngineAnswer): void;
  /** No answer came: the connection failed or broke, or the exchange was aborted first. */
  failed(error: Error): void;
}

/** A call under way; `abort` gives it up whether or not the engine answered. */
export interface EngineExchange {
  abort(reason?: Error): void;
}

/** An answer's body kept in memory, and what its holder does when it ends or grows too large. */
interface Held {
  chunks: Buffer[];
  size: number;
  limit: number;
  ended: ((chunks: Buffer[], size: number) => void) | null;
  overflowed: (() => void) | null;
}

/** The part of an answer's body that streams, with backpressure on the engine connection. */
class AnswerStream extends Readable {
  constructor(private readonly answer: EngineAnswer) {
    super();
  }

  override _read(): void {
    this.answer.controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A reader that gives up (a stalled rewrite, a relay that stopped) gives up the engine call.
    if (!this.answer.complete) {
      this.answer.controller.abort(error ?? new Error('the answer was not read'));
    }
    callback(error);
  }
}

/**
 * The engine's answer to a gateway call: status and headers, then the body. The body is kept in
 * memory from the start, and its reader either takes it whole when it ends (`hold`), or goes on
 * with a stream (`release`, `asStream`), made only then. Keeping costs an array push per chunk
 * where streaming costs stream events: a finished log of a hundred lines arrives as a hundred
 * chunks.
 */
export class EngineAnswer {
  /** True once the engine's answer ended as framed. */
  complete = false;
  /** True once it broke off before its end (the engine connection failed or was given up). */
  broken = false;
  private held: Held | null = {
    chunks: [],
    size: 0,
    limit: Infinity,
    ended: null,
    overflowed: null,
  };
  private stream: AnswerStream | null = null;
  private onBreak: (() => void) | null = null;

  constructor(
    readonly statusCode: number,
    readonly statusMessage: string,
    /** Name/value pairs as the engine sent them. */
    readonly rawHeaders: string[],
    /** @internal */
    readonly controller: Dispatcher.DispatchController,
  ) {}

  /**
   * `ended` gets the whole body if it ends before `release` (at once if it has ended already);
   * `overflowed` is called once it grows past `limit` (its holder then releases it).
   */
  hold(limit: number, ended: NonNullable<Held['ended']>, overflowed: () => void): void {
    const held = this.held;
    // One that broke off already is cut by whoever watches `whenBroken`.
    if (this.broken) return;
    if (!held) throw new Error('the answer streams already');
    Object.assign(held, { limit, ended, overflowed });
    if (this.complete) this.endHeld(held);
    else if (held.size > limit) overflowed();
  }

  /** Stops keeping: answers what was kept, and the stream of what comes after it. */
  release(): { kept: Buffer[]; rest: Readable } {
    const kept = this.held?.chunks ?? [];
    this.held = null;
    return { kept, rest: this.streamOn([]) };
  }

  /** The whole body as a stream, what was kept first. */
  asStream(): Readable {
    const kept = this.held?.chunks ?? [];
    this.held = null;
    return this.streamOn(kept);
  }

  /** Calls `listener` when the answer breaks off (at once if it has). */
  whenBroken(listener: () => void): void {
    if (this.broken) listener();
    else this.onBreak = listener;
  }

  /** @internal The exchange passes the engine's chunks here. */
  receive(chunk: Buffer): void {
    const held = this.held;
    if (!held) {
      if (this.stream?.push(chunk) === false) this.controller.pause();
      return;
    }
    held.chunks.push(chunk);
    held.size += chunk.length;
    if (held.size > held.limit) held.overflowed?.();
  }

  /** @internal The engine's answer ended as framed. */
  finish(): void {
    this.complete = true;
    const held = this.held;
    if (!held) this.stream?.push(null);
    else if (held.ended) this.endHeld(held);
  }

  /** @internal The engine's answer broke off. */
  break(): void {
    if (this.complete || this.broken) return;
    this.broken = true;
    this.held = null;
    this.stream?.destroy();
    this.onBreak?.();
  }

  /** The stream the rest of the body goes to, starting with `first`. */
  private streamOn(first: Buffer[]): AnswerStream {
    if (this.stream) throw new Error('the answer streams already');
    const stream = new AnswerStream(this);
    this.stream = stream;
    for (const chunk of first) stream.push(chunk);
    if (this.complete) stream.push(null);
    else if (this.broken) stream.destroy();
    return stream;
  }

  private endHeld(held: Held): void {
    this.held = null;
    held.ended?.(held.chunks, held.size);
  }
}

/**
 * One call through the host's undici pool (`EngineConnection.dispatcher`): the gateway's path
 * for every ordinary request. undici parses the engine's answers with llhttp and hands over body
 * chunks without a stream per response, which is most of what a proxied call costs in Node.
 * Upgrades (attach, exec) go through `hijackEngine` instead.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: EngineExchangeRequest,
  outcome: ExchangeOutcome,
): EngineExchange {
  let controller: Dispatcher.DispatchController | null = null;
  let answer: EngineAnswer | null = null;
  let abortedWith: Error | null = null;
  let settled = false;
  const fail = (error: Error) => {
    if (answer) {
      answer.break();
      return;
    }
    if (settled) return;
    settled = true;
    outcome.failed(error);
  };
  dispatcher.dispatch(
    {
      method: request.method,
      path: request.path,
      headers: request.headers as Record<string, string | string[]>,
      body: request.body,
      // Logs and events stream as long as the client wants them; `wait` waits as long as the
      // container runs. A client that leaves aborts the call.
      headersTimeout: 0,
      bodyTimeout: 0,
    },
    {
      onRequestStart(started) {
        controller = started;
        if (abortedWith) started.abort(abortedWith);
      },
      onResponseStart(started, statusCode, _headers, statusMessage) {
        // 1xx answers (100 Continue) are the connection's business, not the client's.
        if (statusCode < 200) return;
        settled = true;
        answer = new EngineAnswer(
          statusCode,
          statusMessage ?? '',
          rawPairs(started.rawHeaders),
          started,
        );
        outcome.answered(answer);
      },
      onResponseData(_controller, chunk) {
        answer?.receive(chunk);
      },
      onResponseEnd() {
        answer?.finish();
      },
      onResponseError(_controller, error) {
        fail(error);
      },
    },
  );
  return {
    abort(reason = new Error('the call was given up')) {
      abortedWith = reason;
      if (controller) controller.abort(reason);
      else fail(reason);
    },
  };
}

/** undici's raw header list (names and values alternating) as strings. */
function rawPairs(raw: Dispatcher.DispatchController['rawHeaders']): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item: Buffer | string) =>
    typeof item === 'string' ? item : item.toString('latin1'),
  );
}
