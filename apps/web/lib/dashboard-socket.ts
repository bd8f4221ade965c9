import type {
  TBuildLog,
  ClientToServerEvents,
  ServerToClientEvents,
  SocketAck,
  SocketResult,
  TAttachStart,
  TExecStart,
  TPullProgress,
  TStackProgress,
} from '@berth/shared';
import { io, type Socket } from 'socket.io-client';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Requests that open a subscription; what they push is tagged with its id. */
export type SubscribeEvent =
  | 'logs.subscribe'
  | 'service-logs.subscribe'
  | 'stats.subscribe'
  | 'host-stats.subscribe'
  | 'events.subscribe'
  | 'containers.subscribe'
  | 'summary.subscribe';

export type RequestOf<E extends SubscribeEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<F> = F extends (request: never, ack: SocketAck<infer T>) => void ? T : never;
export type AckDataOf<E extends SubscribeEvent> = AckOf<ClientToServerEvents[E]>;

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** Pushes that belong to one subscription (by `subscriptionId`). */
const SUBSCRIPTION_EVENTS = [
  'logs.lines',
  'service-logs.lines',
  'stats.sample',
  'host-stats.sample',
  'engine.event',
  'containers.change',
  'fleet.summary',
  'subscription.end',
] as const;
export type SubscriptionEventName = (typeof SUBSCRIPTION_EVENTS)[number];
export type SubscriptionEvent = {
  [E in SubscriptionEventName]: { name: E; payload: Payload<E> };
}[SubscriptionEventName];

/** Pushes that belong to one console session (by `sessionId`). */
type SessionEvent =
  | { name: 'console.output'; payload: Payload<'console.output'> }
  | { name: 'console.exit'; payload: Payload<'console.exit'> };

type RoutedEvent = SubscriptionEvent | SessionEvent;

const ACK_TIMEOUT_MS = 15_000;
/** Leaving one page for another should not drop and reopen the connection. */
const IDLE_DISCONNECT_MS = 10_000;
/**
 * The server may push a subscription's first items (a replayed stats sample, early console output)
 * before its answer naming the id arrives; they wait here that long for their owner.
 */
const ORPHAN_TTL_MS = 10_000;
const ORPHAN_MAX_ITEMS = 2_000;

/**
 * The dashboard's socket: one connection shared by every live view and the shell's host status
 * feed, opened on first use and closed a little after the last user leaves. It routes each push to the
 * subscription or console session it belongs to.
 */
class LiveChannel {
  private socket: LiveSocket | null = null;
  private users = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly routes = new Map<string, (event: RoutedEvent) => void>();
  private readonly orphans = new Map<string, { at: number; items: RoutedEvent[] }>();
  private orphanCount = 0;
  private readonly pullListeners = new Set<(progress: TPullProgress) => void>();
  private readonly stackListeners = new Set<(progress: TStackProgress) => void>();
  private readonly buildListeners = new Set<(log: TBuildLog) => void>();

  acquire(): LiveSocket {
    this.users += 1;
    clearTimeout(this.idleTimer);
    this.socket ??= this.connect();
    return this.socket;
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.users > 0 || !this.socket) return;
      this.socket.disconnect();
      this.socket = null;
      this.routes.clear();
      this.orphans.clear();
      this.orphanCount = 0;
    }, IDLE_DISCONNECT_MS);
  }

  route(id: string, handler: (event: RoutedEvent) => void): void {
    this.routes.set(id, handler);
    const waiting = this.orphans.get(id);
    if (!waiting) return;
    this.orphans.delete(id);
    this.orphanCount -= waiting.items.length;
    for (const event of waiting.items) handler(event);
  }

  unroute(id: string): void {
    this.routes.delete(id);
  }

  onPullProgress(listener: (progress: TPullProgress) => void): () => void {
    this.pullListeners.add(listener);
    return () => this.pullListeners.delete(listener);
  }

  onStackProgress(listener: (progress: TStackProgress) => void): () => void {
    this.stackListeners.add(listener);
    return () => this.stackListeners.delete(listener);
  }

  onBuildLog(listener: (log: TBuildLog) => void): () => void {
    this.buildListeners.add(listener);
    return () => this.buildListeners.delete(listener);
  }

  private connect(): LiveSocket {
    // Same origin: the session cookie authenticates the socket like any API call. WebSocket
    // only, so behind a load balancer any replica can take the connection (no sticky sessions).
    const socket: LiveSocket = io({
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket'],
    });
    for (const name of SUBSCRIPTION_EVENTS) {
      socket.on(name, (payload: { subscriptionId: string }) => {
        this.dispatch(payload.subscriptionId, { name, payload } as SubscriptionEvent);
      });
    }
    socket.on('console.output', (payload) =>
      this.dispatch(payload.sessionId, { name: 'console.output', payload }),
    );
    socket.on('console.exit', (payload) =>
      this.dispatch(payload.sessionId, { name: 'console.exit', payload }),
    );
    // Plugin installs report their pull as image pulls do: the same listeners follow both.
    const toPullListeners = (progress: TPullProgress) => {
      for (const listener of this.pullListeners) listener(progress);
    };
    socket.on('image.pull', toPullListeners);
    socket.on('plugin.pull', toPullListeners);
    // Pushes and archive loads report progress in the same shape (`image` names what moves).
    socket.on('image.push', toPullListeners);
    socket.on('image.load', toPullListeners);
    socket.on('image.build', (log) => {
      for (const listener of this.buildListeners) listener(log);
    });
    socket.on('stack.progress', (progress) => {
      for (const listener of this.stackListeners) listener(progress);
    });
    socket.on('disconnect', () => {
      // Subscriptions end with the connection (their owners start new ones); consoles wait on
      // the server and are resumed after the reconnect.
      this.orphans.clear();
      this.orphanCount = 0;
    });
    return socket;
  }

  private dispatch(id: string, event: RoutedEvent): void {
    const handler = this.routes.get(id);
    if (handler) {
      handler(event);
      return;
    }
    const now = Date.now();
    for (const [key, waiting] of this.orphans) {
      if (now - waiting.at < ORPHAN_TTL_MS) continue;
      this.orphans.delete(key);
      this.orphanCount -= waiting.items.length;
    }
    if (this.orphanCount >= ORPHAN_MAX_ITEMS) return;
    const waiting = this.orphans.get(id) ?? { at: now, items: [] };
    waiting.items.push(event);
    this.orphans.set(id, waiting);
    this.orphanCount += 1;
  }
}

let channel: LiveChannel | null = null;

function liveChannel(): LiveChannel {
  channel ??= new LiveChannel();
  return channel;
}

/**
 * The dashboard's one socket for pushes outside subscriptions (host status): held open while the
 * caller needs it. Returns the socket and the function that lets it go.
 */
export function holdLiveSocket(): { socket: LiveSocket; release: () => void } {
  const live = liveChannel();
  return { socket: live.acquire(), release: () => live.release() };
}

/** Requests the server answers through an acknowledgement. */
type AckEvent = {
  [E in keyof ClientToServerEvents]: AckOf<ClientToServerEvents[E]> extends never ? never : E;
}[keyof ClientToServerEvents];
type AckRequest<E extends AckEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckData<E extends AckEvent> = AckOf<ClientToServerEvents[E]>;

/**
 * Sends a request and waits for its acknowledgement; socket.io rejects once `ACK_TIMEOUT_MS` pass
 * without one, which is said in the user's terms.
 */
async function ask<E extends AckEvent>(
  socket: LiveSocket,
  event: E,
  request: AckRequest<E>,
): Promise<SocketResult<AckData<E>>> {
  // The event map types `event` and `request` for callers; the generic form is beyond its helpers.
  const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(event: E, request: AckRequest<E>): Promise<SocketResult<AckData<E>>>;
  };
  try {
    return await timed.emitWithAck(event, request);
  } catch {
    throw new Error('The server did not answer in time.');
  }
}

export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'ended'; reason: string }
  | { state: 'error'; message: string };

export interface SubscriptionCallbacks<E extends SubscribeEvent> {
  /** Called once per (re)subscription, with the answer's data (the summary carries the first one). */
  onReady?: (data: AckDataOf<E>) => void;
  onEvent: (event: SubscriptionEvent) => void;
  onStatus?: (status: LiveStatus) => void;
  /** The request to send again after a reconnect (a log goes on after its last line). */
  resume?: (request: RequestOf<E>) => RequestOf<E>;
}

/**
 * Feeds whose pushes are changes to state the page fetched itself (or whose answer carries it):
 * a late joiner loses nothing by sharing the subscription another view opened. Logs and stats are
 * not among them, since each viewer needs its own replayed tail.
 */
const SHARED_FEEDS: ReadonlySet<SubscribeEvent> = new Set([
  'containers.subscribe',
  'summary.subscribe',
  'events.subscribe',
]);

interface SharedFeed {
  listeners: Set<SubscriptionCallbacks<SubscribeEvent>>;
  ready: { data: AckDataOf<SubscribeEvent> } | null;
  status: LiveStatus;
  close: () => void;
}
const sharedFeeds = new Map<string, SharedFeed>();

/**
 * Opens a subscription and keeps it open across reconnects. Views of one page asking for the same
 * shared feed (same event, same request) get one server subscription between them, closed with
 * its last listener. Returns the function that ends the caller's part.
 */
export function subscribe<E extends SubscribeEvent>(
  event: E,
  request: RequestOf<E>,
  callbacks: SubscriptionCallbacks<E>,
): () => void {
  if (!SHARED_FEEDS.has(event)) return openSubscription(event, request, callbacks);
  const key = `${event}\n${JSON.stringify(request)}`;
  // One callbacks type per event; the map holds every event's, keyed by it.
  const mine = callbacks as unknown as SubscriptionCallbacks<SubscribeEvent>;
  let feed = sharedFeeds.get(key);
  if (!feed) {
    const created: SharedFeed = {
      listeners: new Set(),
      ready: null,
      status: { state: 'connecting' },
      close: () => undefined,
    };
    created.close = openSubscription(event, request, {
      onReady: (data) => {
        created.ready = { data };
        for (const listener of created.listeners) listener.onReady?.(data);
      },
      onEvent: (pushed) => {
        for (const listener of created.listeners) listener.onEvent(pushed);
      },
      onStatus: (status) => {
        created.status = status;
        for (const listener of created.listeners) listener.onStatus?.(status);
      },
    });
    sharedFeeds.set(key, created);
    feed = created;
  } else {
    if (feed.ready) mine.onReady?.(feed.ready.data);
    mine.onStatus?.(feed.status);
  }
  feed.listeners.add(mine);
  const joined = feed;
  return () => {
    joined.listeners.delete(mine);
    if (joined.listeners.size > 0 || sharedFeeds.get(key) !== joined) return;
    sharedFeeds.delete(key);
    joined.close();
  };
}

/**
 * Opens one server subscription and keeps it open across reconnects (the server forgets
 * subscriptions when a connection drops). Returns the function that ends it.
 */
function openSubscription<E extends SubscribeEvent>(
  event: E,
  request: RequestOf<E>,
  callbacks: SubscriptionCallbacks<E>,
): () => void {
  const live = liveChannel();
  const socket = live.acquire();
  let closed = false;
  let attempt = 0;
  let subscriptionId: string | null = null;
  let answered = false;

  const drop = () => {
    if (subscriptionId) live.unroute(subscriptionId);
    subscriptionId = null;
  };
  const start = () => {
    const mine = ++attempt;
    drop();
    const asked = answered && callbacks.resume ? callbacks.resume(request) : request;
    ask(socket, event, asked).then(
      (result) => {
        if (closed || mine !== attempt) {
          if (result.ok) socket.emit('unsubscribe', { subscriptionId: result.data.subscriptionId });
          return;
        }
        if (!result.ok) {
          callbacks.onStatus?.({ state: 'error', message: result.error.message });
          return;
        }
        const id = result.data.subscriptionId;
        subscriptionId = id;
        answered = true;
        callbacks.onReady?.(result.data);
        callbacks.onStatus?.({ state: 'live' });
        live.route(id, (pushed) => {
          if (pushed.name !== 'subscription.end') {
            callbacks.onEvent(pushed as SubscriptionEvent);
            return;
          }
          live.unroute(id);
          if (subscriptionId === id) subscriptionId = null;
          callbacks.onStatus?.({ state: 'ended', reason: pushed.payload.reason });
        });
      },
      (error: unknown) => {
        if (closed || mine !== attempt) return;
        callbacks.onStatus?.({
          state: 'error',
          message: error instanceof Error ? error.message : 'The subscription failed.',
        });
      },
    );
  };
  const onDisconnect = () => {
    attempt += 1;
    drop();
    if (!closed) callbacks.onStatus?.({ state: 'connecting' });
  };

  socket.on('connect', start);
  socket.on('disconnect', onDisconnect);
  if (socket.connected) start();

  return () => {
    closed = true;
    socket.off('connect', start);
    socket.off('disconnect', onDisconnect);
    if (subscriptionId) socket.emit('unsubscribe', { subscriptionId });
    drop();
    live.release();
  };
}

export function onPullProgress(listener: (progress: TPullProgress) => void): () => void {
  const live = liveChannel();
  live.acquire();
  const stop = live.onPullProgress(listener);
  return () => {
    stop();
    live.release();
  };
}

/** Lines of the image builds this user started, as the engines print them. */
export function onBuildLog(listener: (log: TBuildLog) => void): () => void {
  const live = liveChannel();
  live.acquire();
  const stop = live.onBuildLog(listener);
  return () => {
    stop();
    live.release();
  };
}

/** Steps of the stack deployments this user started, as the server reports them. */
export function onStackProgress(listener: (progress: TStackProgress) => void): () => void {
  const live = liveChannel();
  live.acquire();
  const stop = live.onStackProgress(listener);
  return () => {
    stop();
    live.release();
  };
}

export type ConsoleStart =
  { kind: 'exec'; request: TExecStart } | { kind: 'attach'; request: TAttachStart };

export interface ConsoleCallbacks {
  onOpen: (info: { sessionId: string; tty: boolean }) => void;
  onOutput: (data: string) => void;
  /** The connection dropped; the session waits on the server while the socket reconnects. */
  onInterrupted?: () => void;
  /** Taken up again after a reconnect; the output missed meanwhile comes next through `onOutput`. */
  onResumed?: () => void;
  /** The process ended, the session was closed, or it could not be opened (`exitCode` null). */
  onExit: (exitCode: number | null, reason: string) => void;
}

export interface ConsoleHandle {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/**
 * Starts an exec or attach session; output arrives through the callbacks until it exits. The
 * session outlives a dropped connection on the server for a while: after the reconnect (to any
 * replica) it is resumed with how much output arrived, and what was missed is written first.
 */
export function openConsole(start: ConsoleStart, callbacks: ConsoleCallbacks): ConsoleHandle {
  const live = liveChannel();
  const socket = live.acquire();
  let sessionId: string | null = null;
  let finished = false;
  /** Characters of output received, which the server counts the same way. */
  let received = 0;
  /** Output pushed while a resume is unanswered: it comes after what the answer replays. */
  let held: string[] | null = null;
  /**
   * Keystrokes while the connection is down or the resume unanswered: the server takes them only
   * from the socket viewing the session, so they wait for the resume.
   */
  let typed: string[] = [];
  let size: { cols: number; rows: number } | null = null;
  const viewing = () => socket.connected && held === null;

  const output = (data: string) => {
    if (held) {
      held.push(data);
      return;
    }
    received += data.length;
    callbacks.onOutput(data);
  };
  const finish = (exitCode: number | null, reason: string) => {
    if (finished) return;
    finished = true;
    held = null;
    if (sessionId) live.unroute(sessionId);
    socket.off('disconnect', onDisconnect);
    socket.off('connect', onReconnect);
    live.release();
    callbacks.onExit(exitCode, reason);
  };
  const onDisconnect = () => {
    // Before the session's id came, there is nothing to resume.
    if (!sessionId) finish(null, 'the connection to Berth was lost');
    else callbacks.onInterrupted?.();
  };
  const onReconnect = () => {
    const id = sessionId;
    if (!id || finished) return;
    held = [];
    ask(socket, 'console.resume', { sessionId: id, after: received }).then(
      (result) => {
        if (finished) return;
        if (!result.ok) {
          finish(null, result.error.message);
          return;
        }
        const later = held ?? [];
        held = null;
        callbacks.onResumed?.();
        output(result.data.output);
        for (const data of later) output(data);
        if (size) socket.emit('console.resize', { sessionId: id, ...size });
        for (const data of typed) socket.emit('console.input', { sessionId: id, data });
        typed = [];
      },
      (error: unknown) =>
        finish(null, error instanceof Error ? error.message : 'the console could not be resumed'),
    );
  };
  socket.on('disconnect', onDisconnect);
  socket.on('connect', onReconnect);

  const opened =
    start.kind === 'exec'
      ? ask(socket, 'console.exec', start.request).then((result) =>
          result.ok ? { ok: true as const, sessionId: result.data.sessionId, tty: true } : result,
        )
      : ask(socket, 'console.attach', start.request).then((result) =>
          result.ok ? { ok: true as const, ...result.data } : result,
        );
  opened.then(
    (result) => {
      if (!result.ok) {
        finish(null, result.error.message);
        return;
      }
      if (finished) {
        socket.emit('console.close', { sessionId: result.sessionId });
        return;
      }
      sessionId = result.sessionId;
      callbacks.onOpen({ sessionId: result.sessionId, tty: result.tty });
      live.route(result.sessionId, (event) => {
        if (event.name === 'console.output') output(event.payload.data);
        else if (event.name === 'console.exit')
          finish(event.payload.exitCode, event.payload.reason);
      });
    },
    (error: unknown) =>
      finish(null, error instanceof Error ? error.message : 'the console could not be opened'),
  );

  return {
    input: (data) => {
      if (!sessionId || finished) return;
      if (viewing()) socket.emit('console.input', { sessionId, data });
      else typed.push(data);
    },
    resize: (cols, rows) => {
      size = { cols, rows };
      if (sessionId && !finished && viewing()) {
        socket.emit('console.resize', { sessionId, cols, rows });
      }
    },
    close: () => {
      // While the connection is down the server ends the session after its grace period.
      if (sessionId && !finished && !socket.connected) finish(null, 'closed');
      if (sessionId && !finished) socket.emit('console.close', { sessionId });
      // Without a session yet, the answer's handler closes it when it comes.
      if (!sessionId) finish(null, 'closed');
    },
  };
}
