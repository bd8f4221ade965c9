import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { EngineError } from './engine-error.js';
import { onJsonLines } from './json-lines.js';

/** One line of the engine's `/events` stream, as far as Berth reads it. */
export const ZEngineEventMessage = z.object({
  Type: z.string().optional(),
  Action: z.string().optional(),
  id: z.string().optional(),
  Actor: z
    .object({
      ID: z.string().optional(),
      Attributes: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});
export type EngineEventMessage = z.infer<typeof ZEngineEventMessage>;

/** Someone following a host's engine events. */
export interface EngineEventListener {
  event(event: EngineEventMessage): void;
  /** The stream ended or broke; the listener is already detached and subscribes again to go on. */
  end(reason: string): void;
}

interface Upstream {
  readonly listeners: Set<EngineEventListener>;
  /** Settles once the engine answered: open, or why not. */
  ready: Promise<void>;
  res: IncomingMessage | null;
  done: boolean;
}

/**
 * The one `/events` stream of a host, shared by everyone who follows it (the inventory, the
 * realtime events feed, …), on the model of `StreamHub`: opened by the first subscriber, closed
 * with the last, and ended for all when it breaks. The stream is unfiltered; each subscriber keeps
 * what it reads. A subscriber is attached before the stream opens, so one that lists what the
 * engine holds once `subscribe` resolves misses nothing that happens in between.
 */
export class EngineEvents {
  private current: Upstream | null = null;
  /** `/events` streams open to the engine now (0 or 1), for tests and diagnostics. */
  open = 0;

  constructor(private readonly openStream: () => Promise<IncomingMessage>) {}

  /**
   * Follows the host's events; resolves with how to stop once the stream is open, rejects with the
   * engine's failure (an EngineError) when it cannot be opened.
   */
  async subscribe(listener: EngineEventListener): Promise<() => void> {
    let upstream = this.current;
    if (!upstream || upstream.done) upstream = this.current = this.start();
    upstream.listeners.add(listener);
    const joined = upstream;
    try {
      await joined.ready;
    } catch (error) {
      joined.listeners.delete(listener);
      throw error;
    }
    return () => this.leave(joined, listener);
  }

  /** Ends the stream for everyone (the host was removed or changed). */
  close(reason: string): void {
    if (this.current) this.finish(this.current, reason);
  }

  private start(): Upstream {
    const upstream: Upstream = {
      listeners: new Set(),
      ready: Promise.resolve(),
      res: null,
      done: false,
    };
    upstream.ready = this.openStream().then(
      (res) => this.attach(upstream, res),
      (error: unknown) => {
        upstream.done = true;
        if (this.current === upstream) this.current = null;
        throw error;
      },
    );
    return upstream;
  }

  private attach(upstream: Upstream, res: IncomingMessage): void {
    if (upstream.done) {
      res.destroy();
      throw new EngineError('unreachable', 'the host event stream was closed', null);
    }
    upstream.res = res;
    this.open += 1;
    let reason = 'the host event stream ended';
    onJsonLines(res, (value) => {
      const parsed = ZEngineEventMessage.safeParse(value);
      if (!parsed.success) return;
      for (const listener of [...upstream.listeners]) deliver(() => listener.event(parsed.data));
    });
    res.on('error', () => {
      reason = 'the host event stream broke';
    });
    res.once('close', () => {
      this.open -= 1;
      this.finish(upstream, reason);
    });
  }

  private leave(upstream: Upstream, listener: EngineEventListener): void {
    if (!upstream.listeners.delete(listener) || upstream.listeners.size > 0) return;
    upstream.done = true;
    if (this.current === upstream) this.current = null;
    upstream.res?.destroy();
  }

  private finish(upstream: Upstream, reason: string): void {
    if (upstream.done && upstream.listeners.size === 0) return;
    upstream.done = true;
    if (this.current === upstream) this.current = null;
    // Still opening: the subscribers hear it as the rejection of `subscribe`.
    if (!upstream.res) return;
    const listeners = [...upstream.listeners];
    upstream.listeners.clear();
    upstream.res?.destroy();
    for (const listener of listeners) deliver(() => listener.end(reason));
  }
}

/** One listener's failure must not stop the others. */
function deliver(call: () => void): void {
  try {
    call();
  } catch {
    // a broken listener is its own problem
  }
}
