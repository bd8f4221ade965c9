/** Someone watching a shared stream. */
export interface StreamViewer<T> {
  next(item: T): void;
  /** The upstream ended (or could not be opened); the viewer is already detached. */
  end(reason: string): void;
}

/** What an opener feeds items and the end into. */
export interface StreamSink<T> {
  next(item: T): void;
  end(reason: string): void;
}

/** Opens the one upstream for a key; resolves with how to close it. */
export type StreamOpener<T> = (sink: StreamSink<T>) => Promise<() => void>;

interface Shared<T> {
  viewers: Set<StreamViewer<T>>;
  close: (() => void) | null;
  /** Set once the last viewer left or the upstream ended; a late open is then closed at once. */
  done: boolean;
  recent: T[];
}

/**
 * Fans one upstream (an engine log, stats or event stream) out to every viewer of the same key.
 * The upstream is opened by the first viewer and closed when the last one leaves; viewers that
 * join later first get the last `replay` items, so a shared `tail` or the latest sample is not
 * lost on them.
 */
export class StreamHub<T> {
  private readonly streams = new Map<string, Shared<T>>();

  constructor(private readonly replay = 0) {}

  /** How many upstreams are open (or opening) now. */
  get upstreams(): number {
    return this.streams.size;
  }

  viewersOf(key: string): number {
    return this.streams.get(key)?.viewers.size ?? 0;
  }

  /** Adds a viewer; returns the function that removes it. */
  join(key: string, viewer: StreamViewer<T>, open: StreamOpener<T>): () => void {
    let shared = this.streams.get(key);
    if (shared) {
      shared.viewers.add(viewer);
      for (const item of shared.recent) viewer.next(item);
    } else {
      shared = { viewers: new Set([viewer]), close: null, done: false, recent: [] };
      this.streams.set(key, shared);
      this.open(key, shared, open);
    }
    const joined = shared;
    return () => this.leave(key, joined, viewer);
  }

  /** Closes every upstream; viewers hear `reason`. */
  closeAll(reason: string): void {
    for (const [key, shared] of [...this.streams]) this.finish(key, shared, reason);
  }

  private open(key: string, shared: Shared<T>, open: StreamOpener<T>): void {
    const sink: StreamSink<T> = {
      next: (item) => {
        if (shared.done) return;
        if (this.replay > 0) {
          shared.recent.push(item);
          if (shared.recent.length > this.replay) shared.recent.shift();
        }
        for (const viewer of shared.viewers) deliver(() => viewer.next(item));
      },
      end: (reason) => this.finish(key, shared, reason),
    };
    open(sink).then(
      (close) => {
        if (shared.done) close();
        else shared.close = close;
      },
      (error: unknown) =>
        this.finish(key, shared, error instanceof Error ? error.message : String(error)),
    );
  }

  private leave(key: string, shared: Shared<T>, viewer: StreamViewer<T>): void {
    if (!shared.viewers.delete(viewer) || shared.viewers.size > 0) return;
    shared.done = true;
    if (this.streams.get(key) === shared) this.streams.delete(key);
    shared.close?.();
    shared.close = null;
  }

  private finish(key: string, shared: Shared<T>, reason: string): void {
    if (shared.done) return;
    shared.done = true;
    if (this.streams.get(key) === shared) this.streams.delete(key);
    const viewers = [...shared.viewers];
    shared.viewers.clear();
    shared.close?.();
    shared.close = null;
    for (const viewer of viewers) deliver(() => viewer.end(reason));
  }
}

/** One viewer's failure must not stop the others. */
function deliver(call: () => void): void {
  try {
    call();
  } catch {
    // a broken viewer is its own problem
  }
}
