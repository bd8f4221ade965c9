'use client';

import { ROUTES, type TLogsSubscribe } from '@berth/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  ArrowDownToLine,
  ChevronDown,
  ChevronUp,
  Download,
  Pause,
  Play,
  Search,
  Trash2,
} from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { routeUrl } from '@/lib/api';
import { MAX_LOG_LINES, useContainerLogs, type LogEntry } from '@/lib/container-live';
import { Button, buttonClassName } from '../ui/button';
import { inputClassName } from '../ui/input-class-name';
import { compactInputClassName } from './compact-input';
import { LiveStatusNote } from './live-status-note';

const TAILS = ['100', '500', '1000', '5000', 'all'] as const;
/** Within this many pixels of the end counts as "at the end": new lines keep it there. */
const STICK_PX = 48;

interface ContainerLogsProps {
  hostId: string;
  id: string;
  name: string;
  /** Changes when the container starts again, so a followed log picks up the new run. */
  runKey: string;
}

/** Live logs over socket.io: follow, tail, since, timestamps, search, pause and download. */
export function ContainerLogs({ hostId, id, name, runKey }: ContainerLogsProps) {
  const [follow, setFollow] = useState(true);
  const [tail, setTail] = useState<(typeof TAILS)[number]>('100');
  const [since, setSince] = useState('');
  const [timestamps, setTimestamps] = useState(false);
  const [search, setSearch] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [current, setCurrent] = useState(0);
  const [streamNames, setStreamNames] = useState(false);
  const [pausedAt, setPausedAt] = useState<number | null>(null);

  const sinceTime = since ? new Date(since) : null;
  const request: TLogsSubscribe = {
    hostId,
    containerId: id,
    follow,
    tail: tail === 'all' ? 'all' : Number(tail),
    timestamps,
    ...(sinceTime && !Number.isNaN(sinceTime.getTime()) ? { since: sinceTime.toISOString() } : {}),
  };
  const { lines, status, clear } = useContainerLogs(request, runKey);

  const held = pausedAt === null ? lines : lines.filter((line) => line.seq <= pausedAt);
  const waiting = lines.length - held.length;
  const needle = search.trim().toLowerCase();
  const shown =
    onlyMatches && needle ? held.filter((line) => line.text.toLowerCase().includes(needle)) : held;
  // Where the matching lines are among those shown, for stepping through them.
  const matchAt = needle
    ? shown.flatMap((line, index) => (line.text.toLowerCase().includes(needle) ? [index] : []))
    : [];
  const matches = matchAt.length;
  const step = (by: number) => {
    if (matches === 0) return;
    setCurrent((at) => (((at + by) % matches) + matches) % matches);
  };
  const focusIndex = matches > 0 ? matchAt[Math.min(current, matches - 1)] : undefined;

  // The server reads the whole range asked for from the engine, not only the lines loaded here.
  const downloadHref = routeUrl(ROUTES.downloadContainerLogs, {
    params: { hostId, id },
    query: {
      tail: tail === 'all' ? 'all' : Number(tail),
      timestamps: timestamps ? 'true' : 'false',
      prefix: streamNames ? 'true' : 'false',
      ...(sinceTime && !Number.isNaN(sinceTime.getTime())
        ? { since: Math.floor(sinceTime.getTime() / 1000) }
        : {}),
    },
  });

  const select = `${compactInputClassName} h-8 py-0`;
  return (
    <div className="flex flex-col gap-3">
      <div role="toolbar" aria-label="Log options" className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1.5 text-sm text-fg">
          <input
            type="checkbox"
            checked={follow}
            onChange={(event) => setFollow(event.target.checked)}
            className="size-4 accent-[var(--accent)]"
          />
          Follow
        </label>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          Last
          <select
            value={tail}
            onChange={(event) => setTail(event.target.value as (typeof TAILS)[number])}
            className={select}
          >
            {TAILS.map((value) => (
              <option key={value} value={value}>
                {value === 'all' ? 'all lines' : `${value} lines`}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          Since
          <input
            type="datetime-local"
            step={1}
            value={since}
            onChange={(event) => setSince(event.target.value)}
            className={`${compactInputClassName} h-8`}
          />
        </label>
        <label className="flex items-center gap-1.5 text-sm text-fg">
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(event) => setTimestamps(event.target.checked)}
            className="size-4 accent-[var(--accent)]"
          />
          Timestamps
        </label>
        <div className="relative min-w-48 flex-1 sm:max-w-xs">
          <Search
            aria-hidden
            className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted"
          />
          <input
            type="search"
            aria-label="Search the log"
            placeholder="Search…  ( / )"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setCurrent(0);
            }}
            onKeyDown={(event) => {
              if (event.key !== 'Enter') return;
              event.preventDefault();
              step(event.shiftKey ? -1 : 1);
            }}
            aria-keyshortcuts="Enter Shift+Enter"
            className={`${inputClassName} h-8 pl-8`}
          />
        </div>
        <Button
          size="sm"
          variant="ghost"
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          disabled={matches === 0}
          onClick={() => step(-1)}
        >
          <ChevronUp aria-hidden />
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-label="Next match"
          title="Next match (Enter)"
          disabled={matches === 0}
          onClick={() => step(1)}
        >
          <ChevronDown aria-hidden />
        </Button>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          <input
            type="checkbox"
            checked={onlyMatches}
            onChange={(event) => setOnlyMatches(event.target.checked)}
            className="size-4 accent-[var(--accent)]"
          />
          Only matching lines
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
        <LiveStatusNote status={status} label="Log stream" />
        <span>
          {held.length.toLocaleString()} line{held.length === 1 ? '' : 's'}
          {lines.length >= MAX_LOG_LINES ? ` (the newest ${MAX_LOG_LINES.toLocaleString()})` : ''}
        </span>
        {needle ? (
          <span aria-live="polite">
            {matches > 0 ? `${(Math.min(current, matches - 1) + 1).toLocaleString()} of ` : ''}
            {matches.toLocaleString()} match{matches === 1 ? '' : 'es'}
          </span>
        ) : null}
        <span className="inline-flex items-center gap-1">
          <span aria-hidden className="h-3 w-0.5 bg-danger" /> stderr
        </span>
        <span className="flex-1" />
        <Button
          size="sm"
          aria-pressed={pausedAt !== null}
          onClick={() => setPausedAt(pausedAt === null ? (lines.at(-1)?.seq ?? 0) : null)}
        >
          {pausedAt === null ? <Pause aria-hidden /> : <Play aria-hidden />}
          {pausedAt === null ? 'Pause' : `Resume${waiting > 0 ? ` (${waiting} new)` : ''}`}
        </Button>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          <input
            type="checkbox"
            checked={streamNames}
            onChange={(event) => setStreamNames(event.target.checked)}
            className="size-4 accent-[var(--accent)]"
          />
          Stream names in download
        </label>
        <a
          href={downloadHref}
          download={`${name}.log`}
          className={buttonClassName('secondary', 'sm')}
          title="The whole range asked for (last lines, since), read from the engine"
        >
          <Download aria-hidden />
          Download
        </a>
        <Button size="sm" variant="ghost" onClick={clear} disabled={lines.length === 0}>
          <Trash2 aria-hidden />
          Clear
        </Button>
      </div>
      <LogLines
        lines={shown}
        needle={needle}
        timestamps={timestamps}
        stick={pausedAt === null}
        focusIndex={focusIndex}
      />
    </div>
  );
}

interface LogLinesProps {
  lines: readonly LogEntry[];
  needle: string;
  timestamps: boolean;
  /** Keep the newest line in view while the reader is at the end. */
  stick: boolean;
  /** The line of the current search match: scrolled to and marked. */
  focusIndex: number | undefined;
}

function LogLines({ lines, needle, timestamps, stick, focusIndex }: LogLinesProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const [detached, setDetached] = useState(false);
  // The app does not run the React Compiler, whose memoisation this hook's API would defeat.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 20,
    overscan: 20,
  });

  useEffect(() => {
    if (stick && atEnd.current && lines.length > 0) {
      virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
    }
  }, [lines.length, stick, virtualizer]);

  // Stepping to a match leaves the end, so new lines do not pull the view away from it.
  useEffect(() => {
    if (focusIndex === undefined) return;
    atEnd.current = false;
    setDetached(true);
    virtualizer.scrollToIndex(focusIndex, { align: 'center' });
  }, [focusIndex, virtualizer]);

  function onScroll() {
    const element = scrollRef.current;
    if (!element) return;
    const end = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX;
    atEnd.current = end;
    setDetached(!end);
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative">
      <div
        ref={scrollRef}
        role="log"
        aria-label="Container logs"
        tabIndex={0}
        onScroll={onScroll}
        className="h-[calc(100vh-25rem)] min-h-72 overflow-auto rounded-lg border border-border bg-surface py-1 font-mono text-xs leading-5"
      >
        {lines.length === 0 ? (
          <p className="px-3 py-2 font-sans text-muted">No log lines yet.</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize() }} className="relative w-full">
            {items.map((item) => {
              const line = lines[item.index]!;
              const stderr = line.stream === 'stderr';
              const focused = item.index === focusIndex;
              return (
                <div
                  key={line.seq}
                  data-index={item.index}
                  data-stream={line.stream}
                  data-current-match={focused || undefined}
                  aria-current={focused || undefined}
                  ref={virtualizer.measureElement}
                  style={{ transform: `translateY(${item.start}px)` }}
                  className={`absolute top-0 left-0 flex w-full gap-3 border-l-2 px-3 ${
                    stderr ? 'border-danger bg-danger/5' : 'border-transparent'
                  } ${focused ? 'outline-2 -outline-offset-2 outline-warn' : ''}`}
                >
                  {timestamps && line.time ? (
                    <span className="shrink-0 text-muted select-none" title={line.time}>
                      {line.time.replace(/(\.\d{3})\d*/, '$1')}
                    </span>
                  ) : null}
                  {stderr ? <span className="sr-only">stderr: </span> : null}
                  <span className="min-w-0 break-all whitespace-pre-wrap text-fg">
                    {highlight(printable(line.text), needle)}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {detached && stick ? (
        <Button
          size="sm"
          className="absolute right-4 bottom-3 shadow"
          onClick={() => {
            atEnd.current = true;
            setDetached(false);
            virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
          }}
        >
          <ArrowDownToLine aria-hidden />
          Jump to the end
        </Button>
      ) : null}
    </div>
  );
}

/**
 * Terminal control sequences (colours, cursor moves) that a TTY's output carries, and other
 * control characters, which a log view cannot render. The download keeps them.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROL =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g;
/* eslint-enable no-control-regex */

export function printable(text: string): string {
  return text.replace(CONTROL, '');
}

/** The text with every case-insensitive occurrence of `needle` marked. */
function highlight(text: string, needle: string): ReactNode {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  let at = lower.indexOf(needle);
  while (at !== -1) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(
      <mark key={at} className="rounded-sm bg-warn/40 text-fg">
        {text.slice(at, at + needle.length)}
      </mark>,
    );
    from = at + needle.length;
    at = lower.indexOf(needle, from);
  }
  if (from === 0) return text;
  parts.push(text.slice(from));
  return parts;
}
