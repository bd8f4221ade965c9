import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TLogLine, ZLogsSubscribe } from '@berth/shared';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { SharedStreams } from '../cluster/shared-streams.js';
import { CONFIG, type Config } from '../config/config.js';
import { ContainerAccess } from '../containers/container-access.js';
import { engineError } from '../containers/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { AppError } from '../common/app-error.js';
import {
  FrameDemuxer,
  LineSplitter,
  compareEngineTimes,
  engineTime,
  linesAfter,
} from './log-frames.js';
import { resumeLines } from './resume-lines.js';
import { StreamHub, type StreamOpener, type StreamSink } from './stream-hub.js';

export type LogsRequest = z.output<typeof ZLogsSubscribe>;

/** Lines kept for viewers who join a shared stream later (each still gets only its own tail). */
const REPLAY_LINES = 1000;
/** Lines are sent in batches: at most this often, or sooner when a batch is full. */
const BATCH_MS = 25;
const BATCH_LINES = 500;
/** How a read of the log ends when the engine's answer broke off. */
const LOG_BROKE = 'the log stream broke';

export interface LogsViewer {
  /** `cursor`, on a followed log: the engine time of the last line, for `resumeAfter`. */
  lines(lines: TLogLine[], cursor?: string): void;
  end(reason: string): void;
}

/**
 * Container logs for dashboards. All viewers of the same container with the same options share
 * one engine stream (the `StreamHub`), which closes when the last of them leaves; a followed log
 * is shared so across replicas too (`SharedStreams`).
 */
@Injectable()
export class LogStreams implements OnApplicationShutdown {
  readonly hub = new StreamHub<TLogLine>(REPLAY_LINES);

  constructor(
    private readonly access: ContainerAccess,
    private readonly shared: SharedStreams,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationShutdown(): void {
    this.hub.closeAll('the server is stopping');
  }

  /** Checks `container.logs` and joins the shared stream; returns how to leave it. */
  async subscribe(
    principal: Principal,
    request: LogsRequest,
    viewer: LogsViewer,
  ): Promise<() => void> {
    const { permit, container } = await this.access.requireContainer(
      principal,
      request.hostId,
      request.containerId,
      'container.logs',
    );
    const since = sinceOf(request.since);
    const key = [
      request.hostId,
      container.id,
      request.follow,
      request.tail,
      since,
      request.timestamps,
    ].join('/');
    const batch = new LineBatcher(viewer, request.timestamps, request.follow);
    let leave = () => {};
    const batched: StreamSink<TLogLine> = {
      next: (line) => batch.add(line),
      // The stream's end has taken the viewer off it already; a failed read of its own has not.
      end: (reason) => {
        batch.end(reason);
        leave();
      },
    };
    // A viewer coming back after a reconnect gets what it has not had, not the tail again.
    const resume = request.follow ? request.resumeAfter : undefined;
    if (resume !== undefined) await this.checkCursor(permit.engine, resume);
    const reading = new AbortController();
    const sink =
      resume === undefined
        ? batched
        : resumeLines(resume, batched, (until) =>
            this.readRange(permit.engine, container.id, request, resume, until, reading.signal),
          );
    // Lines replayed to a late viewer arrive inside `join`; keep only as many as its own tail.
    const replayed: TLogLine[] = [];
    let joining = true;
    leave = this.hub.join(
      key,
      {
        next: (line) => (joining ? replayed.push(line) : sink.next(line)),
        end: (reason) => sink.end(reason),
      },
      this.opener(key, permit.engine, container.id, request, since, resume),
    );
    joining = false;
    const tail = request.tail === 'all' || resume !== undefined ? replayed.length : request.tail;
    for (const line of replayed.slice(Math.max(0, replayed.length - tail))) sink.next(line);
    return () => {
      batch.stop();
      reading.abort();
      leave();
    };
  }

  /**
   * A followed log is read once for every replica's viewers. Its lines carry the engine's time
   * (taken off again for viewers who did not ask for it): a replica taking over from a dead
   * holder asks the engine for the lines since the last one passed on and skips those, and a
   * viewer coming back after a reconnect names the last line it got.
   */
  private opener(
    key: string,
    engine: RegisteredEngine,
    id: string,
    request: LogsRequest,
    since: number,
    /** The viewer opening it comes back after a reconnect: from there rather than the tail. */
    resume: string | undefined,
  ): StreamOpener<TLogLine> {
    if (!request.follow) return (sink) => this.open(engine, id, request, since, sink);
    const replay = request.tail === 'all' ? REPLAY_LINES : Math.min(request.tail, REPLAY_LINES);
    const timed = { ...request, timestamps: true };
    const shared = this.shared.opener<TLogLine>(`logs:${key}`, replay, (sink, takeover) => {
      // At most the lines kept for late viewers: a cursor long ago does not read the whole log.
      if (!takeover && resume !== undefined)
        return this.open(engine, id, { ...timed, tail: REPLAY_LINES }, resume, sink);
      if (!takeover) return this.open(engine, id, timed, since, sink);
      const last = takeover.last?.time;
      const after = last === undefined ? null : engineTime(last);
      // Nothing seen yet: from now on.
      if (after === null) return this.open(engine, id, { ...timed, tail: 0 }, since, sink);
      return this.open(engine, id, { ...timed, tail: 'all' }, after, linesAfter(after, sink));
    });
    return shared;
  }

  /**
   * A cursor is the engine's time of a line it wrote, so never later than the engine's clock. A
   * later one would open the stream every viewer of the log shares from a time no line reaches.
   */
  private async checkCursor(engine: RegisteredEngine, cursor: string): Promise<void> {
    let info: { SystemTime?: string };
    try {
      info = (await engine.client.info()) as { SystemTime?: string };
    } catch (error) {
      throw engineError(error, 'host', engine.name);
    }
    const now = info.SystemTime === undefined ? null : engineTime(info.SystemTime);
    if (now !== null && compareEngineTimes(cursor, now) > 0) {
      throw AppError.validation([
        {
          path: 'resumeAfter',
          message: "must be the cursor of a logs.lines event: it is later than the engine's clock",
        },
      ]);
    }
  }

  /**
   * The lines of a log from `since` to `until` (both included; to the end without it) among its
   * last `REPLAY_LINES`, read once with their times. A failed read rejects with the reason a
   * viewer of a stream that fails so is given.
   */
  private readRange(
    engine: RegisteredEngine,
    id: string,
    request: LogsRequest,
    since: string,
    until: string | undefined,
    signal: AbortSignal,
  ): Promise<TLogLine[]> {
    const once = { ...request, follow: false, tail: REPLAY_LINES, timestamps: true };
    const lines: TLogLine[] = [];
    return new Promise((resolve, reject) => {
      const sink: StreamSink<TLogLine> = {
        next: (line) => lines.push(line),
        end: (reason) => (reason === LOG_BROKE ? reject(new Error(reason)) : resolve(lines)),
      };
      this.open(engine, id, once, since, sink, until).then(
        (close) =>
          signal.aborted ? close() : signal.addEventListener('abort', close, { once: true }),
        reject,
      );
    });
  }

  private async open(
    engine: RegisteredEngine,
    id: string,
    request: LogsRequest,
    /** Unix seconds, or the engine's `seconds.nanoseconds`. */
    since: number | string,
    sink: StreamSink<TLogLine>,
    /** The engine's `seconds.nanoseconds` of the last line to read (with `follow` off). */
    until?: string,
  ): Promise<() => void> {
    let tty: boolean;
    try {
      const info = await engine.client.inspectContainer(id);
      tty = Boolean(info.Config?.Tty);
    } catch (error) {
      throw engineError(error, 'container', engine.name);
    }
    const query = new URLSearchParams({
      stdout: '1',
      stderr: '1',
      follow: request.follow ? '1' : '0',
      tail: String(request.tail),
      since: String(since),
      timestamps: request.timestamps ? '1' : '0',
    });
    if (until !== undefined) query.set('until', until);
    const res = await engine.client.stream({
      path: `/containers/${encodeURIComponent(id)}/logs?${query.toString()}`,
      timeoutMs: this.config.engineTimeoutMs,
    });
    const lines = new LineSplitter(request.timestamps);
    const demux = new FrameDemuxer();
    const emit = (line: TLogLine) => sink.next(line);
    res.on('data', (chunk: Buffer) => {
      // With a TTY the engine sends the raw terminal output, all of it on stdout.
      if (tty) lines.push('stdout', chunk, emit);
      else demux.push(chunk, (stream, payload) => lines.push(stream, payload, emit));
    });
    res.on('end', () => {
      lines.flush(emit);
      sink.end(request.follow ? 'the container stopped' : 'end of the log');
    });
    res.on('error', () => sink.end(LOG_BROKE));
    return () => res.destroy();
  }
}

/** Unix seconds for the engine's `since`; 0 means from the start. */
function sinceOf(since: string | number | undefined): number {
  if (since === undefined) return 0;
  if (typeof since === 'number') return Math.floor(since);
  return Math.floor(Date.parse(since) / 1000);
}

/** Collects lines for one viewer and sends them in batches. */
class LineBatcher {
  private pending: TLogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly viewer: LogsViewer,
    /** Whether the viewer asked for each line's time (a followed log's lines always have it). */
    private readonly timestamps: boolean,
    /** Whether each batch says where it ends (followed logs). */
    private readonly cursor: boolean,
  ) {}

  add(line: TLogLine): void {
    if (this.stopped) return;
    this.pending.push(line);
    if (this.pending.length >= BATCH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  end(reason: string): void {
    this.flush();
    if (this.stopped) return;
    this.stopped = true;
    this.viewer.end(reason);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending = [];
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const last = lines[lines.length - 1]?.time;
    const cursor = this.cursor && last !== undefined ? (engineTime(last) ?? undefined) : undefined;
    this.viewer.lines(
      this.timestamps ? lines : lines.map(({ stream, text }) => ({ stream, text })),
      cursor,
    );
  }
}
