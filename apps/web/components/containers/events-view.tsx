'use client';

import type { TEventsSubscribe } from '@berth/shared';
import { ArrowLeft, Pause, Play, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { containerHref, shortId } from '@/lib/container-format';
import { useEngineEvents, type EngineEventEntry } from '@/lib/container-live';
import { useFleetSummary } from '@/lib/container-queries';
import { Button } from '../ui/button';
import { compactInputClassName } from './compact-input';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { Table, Td, Th } from '../ui/table';
import { LiveStatusNote } from './live-status-note';

const TYPES = ['container', 'image', 'volume', 'network', 'daemon', 'plugin'] as const;
const FILTER_DEBOUNCE_MS = 400;
const KEPT = 500;

const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The engines' event feed, fleet-wide or for one host, filtered by type, action and container. */
export function EventsView({ initialHostId }: { initialHostId: string }) {
  const hosts = useFleetSummary().data?.perHost ?? [];
  const [hostId, setHostId] = useState(initialHostId);
  const [type, setType] = useState('');
  const [actions, setActions] = useState('');
  const [container, setContainer] = useState('');
  const [typed, setTyped] = useState({ actions: '', container: '' });
  const [paused, setPaused] = useState(false);

  // Free-text filters wait for a pause in typing: each change starts a new subscription.
  useEffect(() => {
    const timer = setTimeout(() => setTyped({ actions, container }), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [actions, container]);

  const actionList = typed.actions
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const request: TEventsSubscribe = {
    ...(hostId ? { hostId } : {}),
    ...(type ? { types: [type] } : {}),
    ...(actionList.length > 0 ? { actions: actionList } : {}),
    ...(typed.container.trim() ? { containerId: typed.container.trim() } : {}),
  };
  const { events, status, clear } = useEngineEvents(paused ? null : request, KEPT);
  const hostName = (id: string) => hosts.find((h) => h.hostId === id)?.name ?? id;

  const select = `${compactInputClassName} h-8 py-0`;
  return (
    <>
      <Link
        href="/containers"
        className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
      >
        <ArrowLeft aria-hidden className="size-3.5" />
        Containers
      </Link>
      <PageHeader
        title="Events"
        description="What the engines report as it happens: containers starting and dying, images pulled, volumes and networks created."
      />
      <div className="flex flex-col gap-3">
        <div role="group" aria-label="Event filters" className="flex flex-wrap items-center gap-2">
          <select
            aria-label="Host"
            value={hostId}
            onChange={(event) => setHostId(event.target.value)}
            className={select}
          >
            <option value="">All hosts</option>
            {hosts.map((host) => (
              <option key={host.hostId} value={host.hostId}>
                {host.name}
              </option>
            ))}
          </select>
          <select
            aria-label="Type"
            value={type}
            onChange={(event) => setType(event.target.value)}
            className={select}
          >
            <option value="">All types</option>
            {TYPES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <input
            type="search"
            aria-label="Actions (comma-separated)"
            placeholder="Actions: start, die, pull…"
            value={actions}
            onChange={(event) => setActions(event.target.value)}
            className={`${compactInputClassName} h-8 w-56`}
          />
          <input
            aria-label="Container name or id"
            placeholder="Container name or id"
            value={container}
            onChange={(event) => setContainer(event.target.value)}
            className={`${compactInputClassName} h-8 w-56 font-mono text-[13px]`}
          />
          <span className="flex-1" />
          <Button size="sm" aria-pressed={paused} onClick={() => setPaused(!paused)}>
            {paused ? <Play aria-hidden /> : <Pause aria-hidden />}
            {paused ? 'Resume' : 'Pause'}
          </Button>
          <Button size="sm" variant="ghost" onClick={clear} disabled={events.length === 0}>
            <Trash2 aria-hidden />
            Clear
          </Button>
        </div>
        <div className="flex items-center gap-4 text-xs text-muted">
          {paused ? (
            <span>Paused: new events are not collected.</span>
          ) : (
            <LiveStatusNote status={status} label="Feed" />
          )}
          <span>
            {events.length} event{events.length === 1 ? '' : 's'} (the newest {KEPT} are kept)
          </span>
        </div>
        <Panel flush>
          {events.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-muted">
              No events yet. Start, stop or create something on a host to see it here.
            </p>
          ) : (
            <Table label="Engine events">
              <thead>
                <tr>
                  <Th>Time</Th>
                  <Th>Host</Th>
                  <Th>Type</Th>
                  <Th>Action</Th>
                  <Th>Object</Th>
                  <Th>Details</Th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <EventRow key={event.seq} event={event} hostName={hostName(event.hostId)} />
                ))}
              </tbody>
            </Table>
          )}
        </Panel>
      </div>
    </>
  );
}

/** Attributes worth a glance; the rest are labels, which the container page shows. */
const DETAIL_KEYS = ['image', 'exitCode', 'signal', 'driver', 'type', 'container'];

function EventRow({ event, hostName }: { event: EngineEventEntry; hostName: string }) {
  const details = DETAIL_KEYS.filter((key) => event.attributes[key] !== undefined).map((key) => {
    const value = event.attributes[key] ?? '';
    return `${key}=${/^[0-9a-f]{64}$/.test(value) ? shortId(value) : value}`;
  });
  const object = event.name ?? (event.id.length === 64 ? shortId(event.id) : event.id);
  return (
    <tr className="hover:bg-surface-2/50">
      <Td className="font-mono text-xs whitespace-nowrap tabular-nums">
        <time dateTime={event.time}>{time.format(new Date(event.time))}</time>
      </Td>
      <Td className="text-xs whitespace-nowrap">{hostName}</Td>
      <Td className="text-xs">{event.type}</Td>
      <Td className="font-mono text-xs whitespace-nowrap">{event.action}</Td>
      <Td className="max-w-64 font-mono text-xs break-all">
        {event.type === 'container' && event.action !== 'destroy' ? (
          <Link
            href={containerHref(event.hostId, event.id)}
            className="text-fg hover:text-accent hover:underline"
          >
            {object}
          </Link>
        ) : (
          object
        )}
      </Td>
      <Td className="font-mono text-[11px] break-all text-muted">{details.join(' ')}</Td>
    </tr>
  );
}
