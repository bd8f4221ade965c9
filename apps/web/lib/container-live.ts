import type {
  TContainerStats,
  TEngineEvent,
  TEventsSubscribe,
  TFleetSummary,
  TLogLine,
  TLogsSubscribe,
  TPullProgress,
} from '@berth/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { containerKeys } from './container-queries';
import { STATS_KEPT_MS } from './stats-series';
import {
  onPullProgress,
  subscribe,
  type AckDataOf,
  type LiveStatus,
  type RequestOf,
  type SubscribeEvent,
  type SubscriptionEvent,
} from './dashboard-socket';

const CONNECTING: LiveStatus = { state: 'connecting' };

/**
 * Keeps one subscription open while `request` is given and the same (compared by value); a new
 * request ends the old subscription first. Returns where the subscription stands.
 */
export function useLiveSubscription<E extends SubscribeEvent>(
  event: E,
  request: RequestOf<E> | null,
  handlers: {
    onEvent: (event: SubscriptionEvent) => void;
    onReady?: (data: AckDataOf<E>) => void;
    resume?: (request: RequestOf<E>) => RequestOf<E>;
  },
  /** Changing this starts the subscription over with the same request. */
  epoch: string | number = 0,
): LiveStatus {
  const requestJson = request === null ? null : JSON.stringify(request);
  const key = requestJson === null ? null : `${epoch}\n${requestJson}`;
  const [status, setStatus] = useState<{ key: string | null; status: LiveStatus }>({
    key: null,
    status: CONNECTING,
  });
  const onEvent = useEffectEvent((pushed: SubscriptionEvent) => handlers.onEvent(pushed));
  const onReady = useEffectEvent((data: AckDataOf<E>) => handlers.onReady?.(data));
  const resume = useEffectEvent(
    (asked: RequestOf<E>): RequestOf<E> => handlers.resume?.(asked) ?? asked,
  );

  useEffect(() => {
    if (key === null) return;
    const json = key.slice(key.indexOf('\n') + 1);
    return subscribe(event, JSON.parse(json) as RequestOf<E>, {
      onEvent: (pushed) => onEvent(pushed),
      onReady: (data) => onReady(data),
      onStatus: (next) => setStatus({ key, status: next }),
      resume: (asked) => resume(asked),
    });
  }, [event, key]);

  return status.key === key ? status.status : CONNECTING;
}

/** Keeps the cached fleet summary current from the server's pushes. */
export function useFleetSummaryLive(): LiveStatus {
  const queryClient = useQueryClient();
  const store = (summary: TFleetSummary) =>
    queryClient.setQueryData(containerKeys.fleetSummary, summary);
  return useLiveSubscription(
    'summary.subscribe',
    {},
    {
      onReady: (data) => store(data.summary),
      onEvent: (pushed) => {
        if (pushed.name === 'fleet.summary') store(pushed.payload.summary);
      },
    },
  );
}

export interface EngineEventEntry extends TEngineEvent {
  seq: number;
}

/** The newest engine events first, at most `max`; `null` stops listening. */
export function useEngineEvents(request: TEventsSubscribe | null, max = 500) {
  const [events, setEvents] = useState<{ key: string | null; items: EngineEventEntry[] }>({
    key: null,
    items: [],
  });
  const key = request === null ? null : JSON.stringify(request);
  const status = useLiveSubscription('events.subscribe', request, {
    onEvent: (pushed) => {
      if (pushed.name !== 'engine.event') return;
      const entry = { ...pushed.payload.event, seq: nextSeq() };
      setEvents((previous) => ({
        key,
        items: [entry, ...(previous.key === key ? previous.items : [])].slice(0, max),
      }));
    },
  });
  const items = events.key === key ? events.items : [];
  return { events: items, status, clear: () => setEvents({ key, items: [] }) };
}

export interface LogEntry extends TLogLine {
  seq: number;
}

/** Oldest lines are dropped beyond this, so a chatty container cannot exhaust the tab. */
export const MAX_LOG_LINES = 20_000;

/**
 * Log lines of one container as they come; a new request (or epoch) starts over. After a
 * reconnect a followed log goes on after the last line received instead of sending its tail again.
 */
export function useContainerLogs(request: TLogsSubscribe | null, epoch: string | number = 0) {
  const key = request === null ? null : `${epoch}\n${JSON.stringify(request)}`;
  const [lines, setLines] = useState<{ key: string | null; items: LogEntry[] }>({
    key: null,
    items: [],
  });
  const cursor = useRef<{ key: string | null; at: string | null }>({ key: null, at: null });
  const status = useLiveSubscription(
    'logs.subscribe',
    request,
    {
      resume: (asked) => {
        const at = cursor.current.key === key ? cursor.current.at : null;
        return at === null ? asked : { ...asked, resumeAfter: at };
      },
      onEvent: (pushed) => {
        if (pushed.name !== 'logs.lines') return;
        if (pushed.payload.cursor) cursor.current = { key, at: pushed.payload.cursor };
        const batch = pushed.payload.lines.map((line) => ({ ...line, seq: nextSeq() }));
        setLines((previous) => {
          const kept = previous.key === key ? previous.items : [];
          const next = kept.concat(batch);
          return {
            key,
            items: next.length > MAX_LOG_LINES ? next.slice(next.length - MAX_LOG_LINES) : next,
          };
        });
      },
    },
    epoch,
  );
  const items = lines.key === key ? lines.items : [];
  return { lines: items, status, clear: () => setLines({ key, items: [] }) };
}

/**
 * Samples of one container since the subscription began, as far back as the longest chart range
 * (`STATS_KEPT_MS`); older ones are dropped as new ones come.
 */
export function useContainerStats(hostId: string, containerId: string, enabled: boolean) {
  const request = enabled ? { hostId, containerId } : null;
  const key = request === null ? null : JSON.stringify(request);
  const [samples, setSamples] = useState<{ key: string | null; items: TContainerStats[] }>({
    key: null,
    items: [],
  });
  const status = useLiveSubscription('stats.subscribe', request, {
    onEvent: (pushed) => {
      if (pushed.name !== 'stats.sample') return;
      const {
        subscriptionId: _id,
        hostId: _host,
        containerId: _container,
        ...sample
      } = pushed.payload;
      setSamples((previous) => {
        const kept = previous.key === key ? previous.items : [];
        const since = Date.parse(sample.at) - STATS_KEPT_MS;
        const first = kept.findIndex((s) => Date.parse(s.at) >= since);
        return { key, items: [...(first < 0 ? [] : kept.slice(first)), sample] };
      });
    },
  });
  return { samples: samples.key === key ? samples.items : [], status };
}

export interface PullState {
  status: string;
  /** Bytes per layer, for the layers whose size the engine reported. */
  layers: Readonly<Record<string, { current: number; total: number }>>;
  /** 0..1 over the layers whose size is known; null before any is. */
  fraction: number | null;
  done: boolean;
  error: string | null;
}

/** Without a tag the engine pulls `:latest`, and the progress events name it so. */
export function withDefaultTag(image: string): string {
  const trimmed = image.trim();
  if (trimmed.includes('@')) return trimmed;
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return last.includes(':') ? trimmed : `${trimmed}:latest`;
}

/**
 * Progress of the pull a create request causes, matched by host and image (the REST client
 * cannot tag its request id yet). `null` stops listening and forgets the progress.
 */
export function usePullProgress(target: { hostId: string; image: string } | null) {
  const [state, setState] = useState<{ key: string | null; pull: PullState | null }>({
    key: null,
    pull: null,
  });
  const key = target === null ? null : `${target.hostId}\n${withDefaultTag(target.image)}`;
  const onProgress = useEffectEvent((progress: TPullProgress) => {
    if (key === null || `${progress.hostId}\n${progress.image}` !== key) return;
    setState((previous) => ({
      key,
      pull: nextPull(previous.key === key ? previous.pull : null, progress),
    }));
  });
  useEffect(() => {
    if (key === null) return;
    return onPullProgress((progress) => onProgress(progress));
  }, [key]);
  return state.key === key ? state.pull : null;
}

function nextPull(previous: PullState | null, progress: TPullProgress): PullState {
  const layers = { ...previous?.layers };
  const layer = progress.layer;
  if (layer && progress.total) {
    layers[layer] = { current: progress.current ?? 0, total: progress.total };
  } else if (layer && layers[layer] && /complete|already exists/i.test(progress.status)) {
    layers[layer] = { ...layers[layer], current: layers[layer].total };
  }
  let current = 0;
  let total = 0;
  for (const known of Object.values(layers)) {
    current += known.current;
    total += known.total;
  }
  return {
    status: layer ? `${layer}: ${progress.status}` : progress.status,
    layers,
    fraction: progress.done ? 1 : total > 0 ? Math.min(1, current / total) : null,
    done: progress.done === true,
    error: progress.error ?? null,
  };
}

let seq = 0;
function nextSeq(): number {
  seq += 1;
  return seq;
}

/** Engine actions after which a container's inspect answer is out of date. */
const STATE_ACTIONS = [
  'start',
  'die',
  'stop',
  'kill',
  'pause',
  'unpause',
  'restart',
  'rename',
  'update',
  'health_status',
  'oom',
  'destroy',
];

/** Refetches one container's data whenever its engine reports a change of state. */
export function useContainerEventRefresh(hostId: string, containerId: string): LiveStatus {
  const queryClient = useQueryClient();
  return useLiveSubscription(
    'events.subscribe',
    { hostId, containerId, types: ['container'], actions: STATE_ACTIONS },
    {
      onEvent: (pushed) => {
        if (pushed.name !== 'engine.event') return;
        void queryClient.invalidateQueries({
          queryKey: containerKeys.container(hostId, containerId),
        });
      },
    },
  );
}
