import type { TStackProgress } from './schemas/stacks.js';
import type { TServiceLogLine } from './schemas/swarm.js';
import { z } from 'zod';
import type { ErrorCode, FieldIssue } from './errors.js';
import type { TContainerSummary, TFleetSummary } from './schemas/containers.js';
import type { THostStatus } from './schemas/hosts.js';

// ------------------------------------------------- client → server requests ----
// Every request is checked with these schemas on the server; the same types type the client.

const ZHostId = z.string().min(1, 'required').max(128);
const ZContainerRef = z.string().min(1, 'required').max(256);

export const ZLogsSubscribe = z.object({
  hostId: ZHostId,
  containerId: ZContainerRef,
  /** Keep the stream open and send new lines as they are written. */
  follow: z.boolean().default(true),
  /** Lines from the end to start with; `all` for everything. */
  tail: z.union([z.number().int().min(0).max(100_000), z.literal('all')]).default(100),
  /** Only lines since this time: an ISO date or Unix seconds. */
  since: z.union([z.iso.datetime({ offset: true }), z.number().min(0)]).optional(),
  timestamps: z.boolean().default(false),
  /**
   * Going on after a reconnect: the `cursor` of the last `logs.lines` received. A followed log
   * then sends the lines written after it instead of the tail (those among the log's last 1,000
   * lines), also when another viewer opened the stream since from its own tail.
   */
  resumeAfter: z
    .string()
    .regex(/^\d{1,12}\.\d{9}$/, 'must be the cursor of a logs.lines event')
    .optional(),
});
export type TLogsSubscribe = z.input<typeof ZLogsSubscribe>;

export const ZServiceLogsSubscribe = z.object({
  hostId: ZHostId,
  serviceId: ZContainerRef,
  follow: z.boolean().default(true),
  /** Lines from the end of each task's log to start with; `all` for everything. */
  tail: z.union([z.number().int().min(0).max(100_000), z.literal('all')]).default(100),
  since: z.union([z.iso.datetime({ offset: true }), z.number().min(0)]).optional(),
  timestamps: z.boolean().default(false),
});
export type TServiceLogsSubscribe = z.input<typeof ZServiceLogsSubscribe>;

export const ZContainerStreamRequest = z.object({ hostId: ZHostId, containerId: ZContainerRef });
export type TContainerStreamRequest = z.input<typeof ZContainerStreamRequest>;

export const ZHostStreamRequest = z.object({ hostId: ZHostId });
export type THostStreamRequest = z.input<typeof ZHostStreamRequest>;

export const ZEventsSubscribe = z.object({
  /** One host; left out: every host the user may read events of. */
  hostId: ZHostId.optional(),
  /** Engine object types: container, image, volume, network, daemon, plugin… */
  types: z.array(z.string().min(1).max(32)).max(20).optional(),
  /** Actions such as start, die, pull; `health_status` matches every health status. */
  actions: z.array(z.string().min(1).max(64)).max(50).optional(),
  /** Only events about this container (id or name). */
  containerId: ZContainerRef.optional(),
});
export type TEventsSubscribe = z.input<typeof ZEventsSubscribe>;

export const ZContainersSubscribe = z.object({ hostId: ZHostId.optional() });
export type TContainersSubscribe = z.input<typeof ZContainersSubscribe>;

const ZTerminalSize = {
  cols: z.number().int().min(1).max(1000).default(80),
  rows: z.number().int().min(1).max(1000).default(24),
};

export const ZExecStart = z.object({
  hostId: ZHostId,
  containerId: ZContainerRef,
  /** The command to run; left out: the shell. */
  cmd: z.array(z.string().max(4096)).min(1).max(256).optional(),
  shell: z
    .string()
    .regex(/^\/[\w./-]*$/, 'an absolute path such as /bin/sh')
    .default('/bin/sh'),
  user: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+(:[a-zA-Z0-9_.-]+)?$/, 'user, uid, user:group or uid:gid')
    .optional(),
  workingDir: z.string().startsWith('/', 'an absolute path').optional(),
  ...ZTerminalSize,
});
export type TExecStart = z.input<typeof ZExecStart>;

export const ZAttachStart = z.object({
  hostId: ZHostId,
  containerId: ZContainerRef,
  ...ZTerminalSize,
});
export type TAttachStart = z.input<typeof ZAttachStart>;

export const ZConsoleInput = z.object({
  sessionId: z.string().min(1),
  data: z.string().max(1 << 16),
});
export type TConsoleInput = z.input<typeof ZConsoleInput>;

export const ZConsoleResize = z.object({ sessionId: z.string().min(1), ...ZTerminalSize });
export type TConsoleResize = z.input<typeof ZConsoleResize>;

export const ZSessionRef = z.object({ sessionId: z.string().min(1) });

export const ZConsoleResume = z.object({
  sessionId: z.string().min(1).max(128),
  /**
   * How much of the session's output (in characters, as `console.output` strings count them) this
   * viewer has received: what the server still keeps after it is sent again. Left out: what was
   * written since the session lost its viewer.
   */
  after: z.number().int().min(0).optional(),
});
export type TConsoleResume = z.input<typeof ZConsoleResume>;

/** The answer to `console.resume`: the session, and the output the viewer missed. */
export interface TConsoleResumed {
  sessionId: string;
  kind: 'exec' | 'attach';
  tty: boolean;
  /** Output written while the viewer was away (the last 64 KiB at most), to show before new output. */
  output: string;
}
export const ZSubscriptionRef = z.object({ subscriptionId: z.string().min(1) });

/** The answer to every request that takes an acknowledgement callback. */
export type SocketResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; issues?: FieldIssue[] } };
export type SocketAck<T> = (result: SocketResult<T>) => void;

export interface Subscribed {
  subscriptionId: string;
}

export interface ClientToServerEvents {
  /** Container log lines; one engine stream per (host, container, options), shared by all viewers. */
  'logs.subscribe': (request: TLogsSubscribe, ack: SocketAck<Subscribed>) => void;
  /** A swarm service's log merged across its tasks (swarm.view on the manager host). */
  'service-logs.subscribe': (request: TServiceLogsSubscribe, ack: SocketAck<Subscribed>) => void;
  /** Resource usage of one container, about once a second. */
  'stats.subscribe': (request: TContainerStreamRequest, ack: SocketAck<Subscribed>) => void;
  /** Summed resource usage of a host's running containers, every two seconds. */
  'host-stats.subscribe': (request: THostStreamRequest, ack: SocketAck<Subscribed>) => void;
  /** The engines' event feed, of one host or the whole fleet, filtered. */
  'events.subscribe': (request: TEventsSubscribe, ack: SocketAck<Subscribed>) => void;
  /** Changes to the container inventory (one host or every visible host). */
  'containers.subscribe': (request: TContainersSubscribe, ack: SocketAck<Subscribed>) => void;
  /** The fleet summary now and whenever it changes (debounced). */
  'summary.subscribe': (
    request: Record<string, never>,
    ack: SocketAck<Subscribed & { summary: TFleetSummary }>,
  ) => void;
  unsubscribe: (request: { subscriptionId: string }, ack?: SocketAck<null>) => void;
  /** Runs a command (the shell by default) in a TTY; output comes as `console.output`. */
  'console.exec': (
    request: TExecStart,
    ack: SocketAck<{ sessionId: string; execId: string }>,
  ) => void;
  /** Attaches to the container's main process. */
  'console.attach': (
    request: TAttachStart,
    ack: SocketAck<{ sessionId: string; tty: boolean }>,
  ) => void;
  /**
   * Takes over a console after a reconnect (on any replica): the same credential that opened it
   * gets the output it missed, and its typing reaches the session again. A console whose
   * connection dropped waits for this for BERTH_CONSOLE_GRACE_MS, then ends. Unknown, ended and
   * other users' sessions all answer NOT_FOUND `console ended`.
   */
  'console.resume': (request: TConsoleResume, ack: SocketAck<TConsoleResumed>) => void;
  'console.input': (request: TConsoleInput) => void;
  'console.resize': (request: TConsoleResize) => void;
  'console.close': (request: { sessionId: string }) => void;
}

// ------------------------------------------------------ server → client ----

export interface TLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** RFC 3339 time from the engine, when `timestamps` was asked for. */
  time?: string;
}

export interface TContainerStats {
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
  at: string;
}

export interface TEngineEvent {
  hostId: string;
  type: string;
  action: string;
  /** The object the event is about (container id, image reference, network id…). */
  id: string;
  name: string | null;
  attributes: Record<string, string>;
  time: string;
}

export interface TPullProgress {
  /** The X-Request-Id of the REST call that pulls; send your own to match. */
  requestId: string;
  hostId: string;
  image: string;
  status: string;
  /** The layer, when the line is about one. */
  layer?: string;
  current?: number;
  total?: number;
  done?: boolean;
  error?: string;
}

/** One line of a build's log, or its end, for a build started by one of your REST calls. */
export interface TBuildLog {
  /** The X-Request-Id of the REST call that builds; send your own to match. */
  requestId: string;
  hostId: string;
  /** What the engine printed (`Step 2/4 : RUN make`, the step's own output…), without the newline. */
  line?: string;
  done?: boolean;
  /** The built image's id, on the last event of a build that worked. */
  id?: string;
  /** Why it failed (the engine's words, with the step that failed), on the last event. */
  error?: string;
}

export type TInventoryChange =
  | { kind: 'upsert'; hostId: string; container: TContainerSummary }
  | { kind: 'remove'; hostId: string; id: string }
  | { kind: 'host'; hostId: string; stale: boolean; updatedAt: string | null };

/** Events the server pushes to dashboards, by name. Both sides are typed from this one map. */
export interface ServerToClientEvents {
  'host.status': (event: {
    hostId: string;
    status: THostStatus;
    error: string | null;
    at: string;
  }) => void;
  /** `cursor`, on a followed log: where these lines end, for `resumeAfter` after a reconnect. */
  'logs.lines': (event: { subscriptionId: string; lines: TLogLine[]; cursor?: string }) => void;
  /** Lines of a service's merged log, each with the task, node and slot it came from. */
  'service-logs.lines': (event: { subscriptionId: string; lines: TServiceLogLine[] }) => void;
  'stats.sample': (
    event: { subscriptionId: string; hostId: string; containerId: string } & TContainerStats,
  ) => void;
  'host-stats.sample': (
    event: { subscriptionId: string; hostId: string; containers: number } & TContainerStats,
  ) => void;
  'engine.event': (event: { subscriptionId: string; event: TEngineEvent }) => void;
  'containers.change': (event: { subscriptionId: string; change: TInventoryChange }) => void;
  'fleet.summary': (event: { subscriptionId: string; summary: TFleetSummary }) => void;
  /** A subscription ended on the server side (container gone, host down, stream finished). */
  'subscription.end': (event: { subscriptionId: string; reason: string }) => void;
  'console.output': (event: { sessionId: string; data: string }) => void;
  'console.exit': (event: { sessionId: string; exitCode: number | null; reason: string }) => void;
  /** Progress of an image pull started by one of your REST calls (container create, image pull). */
  'image.pull': (event: TPullProgress) => void;
  /** Progress of an image push started by one of your REST calls; `image` is the tag pushed. */
  'image.push': (event: TPullProgress) => void;
  /** The log of an image build started by one of your REST calls, line by line. */
  'image.build': (event: TBuildLog) => void;
  /** Progress of an image archive load started by one of your REST calls (`image`: `archive`). */
  'image.load': (event: TPullProgress) => void;
  /** Progress of a plugin install or upgrade started by one of your REST calls; `image` is the reference. */
  'plugin.pull': (event: TPullProgress) => void;
  /** Each step of a stack deployment you started, as it starts and ends. */
  'stack.progress': (event: TStackProgress) => void;
}
