import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type {
  TLogLine,
  TServiceLogLine,
  ZServiceLogsQuery,
  ZServiceLogsSubscribe,
} from '@berth/shared';
import type { z } from 'zod';
import { CONFIG, type Config } from '../config/config.js';
import type { Caller } from '../containers/caller.js';
import { type Takeover, SharedStreams } from '../cluster/shared-streams.js';
import { FrameDemuxer, LineSplitter, engineTime, linesAfter } from '../realtime/log-frames.js';
import { StreamHub, type StreamOpener, type StreamSink } from '../realtime/stream-hub.js';
import { SwarmAccess, type SwarmPermit, engineCall } from './swarm-access.js';
import { SwarmServicesService } from './swarm-services.service.js';

type LogsQuery = z.output<typeof ZServiceLogsQuery>;
type LogsSubscribe = z.output<typeof ZServiceLogsSubscribe>;

/** Lines are sent in batches: at most this often, or sooner when a batch is full. */
const BATCH_MS = 50;
const BATCH_LINES = 500;
/** Lines kept for viewers who join a shared stream later (each still gets only its own tail). */
const REPLAY_LINES = 1000;
/** The REST tail answers at most this many lines (the engine's tail counts per task). */
const MAX_REST_LINES = 20_000;

export interface ServiceLogsViewer {
  lines(lines: TServiceLogLine[]): void;
  end(reason: string): void;
}

/**
 * A service's log merged across its tasks on every node, as the manager's engine merges it
 * (`/services/{id}/logs` with details): each line names its task, node and replica number. The
 * REST tail reads it once in time order; the socket subscription follows it live. Reading it
 * needs container.logs (as the gateway's service logs) and swarm.view on the manager host.
 */
@Injectable()
export class ServiceLogs implements OnApplicationShutdown {
  readonly hub = new StreamHub<TServiceLogLine>(REPLAY_LINES);

  constructor(
    private readonly swarm: SwarmAccess,
    private readonly services: SwarmServicesService,
    private readonly shared: SharedStreams,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationShutdown(): void {
    this.hub.closeAll('the server is stopping');
  }

  async tail(
    caller: Caller,
    hostId: string,
    ref: string,
    query: LogsQuery,
  ): Promise<{ lines: TServiceLogLine[] }> {
    const { permit, serviceId, slots } = await this.open(caller, hostId, ref);
    const lines: TServiceLogLine[] = [];
    await new Promise<void>((resolve, reject) => {
      this.read(permit, serviceId, slots, { follow: false, tail: query.tail, since: query.since })
        .then((res) => {
          res.on('data', (chunk: Buffer) => res.parser(chunk, (line) => lines.push(line)));
          res.on('end', () => {
            res.flush((line) => lines.push(line));
            resolve();
          });
          res.on('error', reject);
        })
        .catch(reject);
    });
    // Tasks on other nodes arrive in turns; the time each line carries puts them in order.
    lines.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
    const kept = lines.slice(-MAX_REST_LINES);
    return { lines: query.timestamps ? kept : kept.map(({ time: _time, ...line }) => line) };
  }

  /**
   * Follows the merged log; returns how to stop. Viewers of one service with the same options
   * share one engine stream (a followed one across replicas too, picked up after a dead holder's
   * last line); a viewer who joins later gets the last lines as far as its own tail.
   */
  async subscribe(
    caller: Caller,
    request: LogsSubscribe,
    viewer: ServiceLogsViewer,
  ): Promise<() => void> {
    const { permit, serviceId, slots } = await this.open(caller, request.hostId, request.serviceId);
    const since =
      request.since === undefined
        ? undefined
        : typeof request.since === 'number'
          ? String(Math.floor(request.since))
          : String(Math.floor(Date.parse(request.since) / 1000));
    const options = { follow: request.follow, tail: request.tail, since };
    const key = [request.hostId, serviceId, request.follow, request.tail, since ?? ''].join('/');
    // The engine's tail counts per task: a late viewer's share of the kept lines does too.
    const tail = request.tail === 'all' ? REPLAY_LINES : request.tail * Math.max(1, slots.size);
    const open = (
      sink: StreamSink<TServiceLogLine>,
      takeover: Takeover<TServiceLogLine> | null,
    ) => {
      const after = takeover?.last?.time === undefined ? null : engineTime(takeover.last.time);
      if (takeover && after !== null)
        return this.stream(
          permit,
          serviceId,
          slots,
          { ...options, tail: 'all', since: after },
          linesAfter(after, sink),
        );
      return this.stream(
        permit,
        serviceId,
        slots,
        takeover ? { ...options, tail: 0 } : options,
        sink,
      );
    };
    const opener: StreamOpener<TServiceLogLine> = request.follow
      ? this.shared.opener(`service-logs:${key}`, Math.min(tail, REPLAY_LINES), open)
      : (sink) => open(sink, null);

    let pending: TServiceLogLine[] = [];
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (stopped || pending.length === 0) return;
      const lines = pending;
      pending = [];
      viewer.lines(lines);
    };
    const add = (line: TServiceLogLine) => {
      if (stopped) return;
      pending.push(request.timestamps ? line : { ...line, time: undefined });
      if (pending.length >= BATCH_LINES) flush();
      else timer ??= setTimeout(flush, BATCH_MS);
    };
    const finish = (reason: string) => {
      flush();
      if (stopped) return;
      stopped = true;
      viewer.end(reason);
    };
    const replayed: TServiceLogLine[] = [];
    let joining = true;
    const leave = this.hub.join(
      key,
      { next: (line) => (joining ? replayed.push(line) : add(line)), end: finish },
      opener,
    );
    joining = false;
    for (const line of replayed.slice(Math.max(0, replayed.length - tail))) add(line);
    return () => {
      stopped = true;
      clearTimeout(timer);
      leave();
    };
  }

  /** Reads the merged log into `sink`; resolves with how to stop reading. */
  private async stream(
    permit: SwarmPermit,
    serviceId: string,
    slots: Map<string, number | null>,
    options: { follow: boolean; tail: number | 'all'; since: string | undefined },
    sink: StreamSink<TServiceLogLine>,
  ): Promise<() => void> {
    const res = await this.read(permit, serviceId, slots, options);
    const next = (line: TServiceLogLine) => sink.next(line);
    res.on('data', (chunk: Buffer) => res.parser(chunk, next));
    res.on('end', () => {
      res.flush(next);
      sink.end(options.follow ? 'the service was removed' : 'end of the log');
    });
    res.on('error', () => sink.end('the log stream broke'));
    return () => res.destroy();
  }

  private async open(caller: Caller, hostId: string, ref: string) {
    // The route (or the socket request) checked container.logs; the swarm needs swarm.view too.
    const permit = await this.swarm.manager(caller, hostId, 'container.logs', 'swarm.view');
    const service = await this.services.service(permit, ref);
    const tasks = await engineCall(permit, 'task', () =>
      permit.engine.client.listTasks({ service: [service.ID] }),
    );
    const slots = new Map(tasks.map((t) => [t.ID, t.Slot ?? null]));
    return { permit, serviceId: service.ID, slots };
  }

  private async read(
    permit: SwarmPermit,
    serviceId: string,
    slots: Map<string, number | null>,
    options: { follow: boolean; tail: number | 'all'; since: string | undefined },
  ) {
    const query = new URLSearchParams({
      stdout: '1',
      stderr: '1',
      details: '1',
      timestamps: '1',
      follow: options.follow ? '1' : '0',
      tail: String(options.tail),
      ...(options.since ? { since: options.since } : {}),
    });
    const res = await engineCall(permit, 'service', () =>
      permit.engine.client.stream({
        path: `/services/${encodeURIComponent(serviceId)}/logs?${query.toString()}`,
        timeoutMs: this.config.engineTimeoutMs,
      }),
    );
    const demux = new FrameDemuxer();
    const splitter = new LineSplitter(true);
    const toLine = (line: TLogLine) => serviceLine(line, slots);
    return Object.assign(res, {
      parser: (chunk: Buffer, emit: (line: TServiceLogLine) => void) =>
        demux.push(chunk, (stream, payload) =>
          splitter.push(stream, payload, (line) => emit(toLine(line))),
        ),
      flush: (emit: (line: TServiceLogLine) => void) =>
        splitter.flush((line) => emit(toLine(line))),
    });
  }
}

/** The engine's details before a line: `com.docker.swarm.node.id=…,…task.id=… `. */
const DETAILS = /^((?:com\.docker\.swarm\.[\w.-]+=[^,\s]*,?)+) /;

/** A line of the engine's service log: its details (`com.docker.swarm.task.id=…`) taken off. */
export function serviceLine(line: TLogLine, slots: Map<string, number | null>): TServiceLogLine {
  const match = DETAILS.exec(line.text);
  const details = new Map<string, string>();
  let text = line.text;
  if (match) {
    for (const pair of match[1]!.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) details.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    text = line.text.slice(match[0].length);
  }
  const taskId = details.get('com.docker.swarm.task.id') ?? null;
  return {
    stream: line.stream,
    text,
    ...(line.time ? { time: line.time } : {}),
    taskId,
    nodeId: details.get('com.docker.swarm.node.id') ?? null,
    slot: taskId ? (slots.get(taskId) ?? null) : null,
  };
}
