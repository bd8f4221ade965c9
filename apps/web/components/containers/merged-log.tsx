'use client';

import { Trash2 } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { SearchBox } from '../ui/list-filters';
import { Panel } from '../ui/panel';
import { printable } from './container-logs';

/** Lines rendered at once; older ones stay in memory for search but are not drawn. */
const SHOWN_LINES = 1000;
/** Within this many pixels of the end counts as "at the end": new lines keep it there. */
const STICK_PX = 48;

/** One colour per source name, the same on every visit. */
const COLOURS = [
  'text-sky-700 dark:text-sky-300',
  'text-emerald-700 dark:text-emerald-300',
  'text-violet-700 dark:text-violet-300',
  'text-amber-700 dark:text-amber-300',
  'text-rose-700 dark:text-rose-300',
  'text-teal-700 dark:text-teal-300',
  'text-fuchsia-700 dark:text-fuchsia-300',
  'text-lime-700 dark:text-lime-300',
] as const;

export function colourOf(label: string): string {
  let hash = 0;
  for (const char of label) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length]!;
}

/** A line of a log merged from several sources (a stack's containers, a service's tasks). */
export interface MergedLogLine {
  seq: number;
  source: string;
  stream: string;
  time?: string | undefined;
  text: string;
}

/**
 * A merged log in its panel: Clear, what the log is reading (`sources`: its streams and their
 * status), a filter over sources and text, and the lines.
 */
export function MergedLogPanel({
  label,
  lines,
  clear,
  sources,
  sourceWidth,
}: {
  /** `Stack logs`, `Service logs`: the log's accessible name. */
  label: string;
  lines: readonly MergedLogLine[];
  clear: () => void;
  sources: ReactNode;
  sourceWidth: number;
}) {
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const matching = needle
    ? lines.filter((line) => `${line.source} ${line.text}`.toLowerCase().includes(needle))
    : lines;
  return (
    <Panel
      title="Logs"
      actions={
        <Button size="sm" variant="ghost" onClick={clear} disabled={lines.length === 0}>
          <Trash2 aria-hidden />
          Clear
        </Button>
      }
    >
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
          {sources}
          <span className="flex-1" />
          <SearchBox
            label={`Filter the ${label.toLowerCase()}`}
            placeholder="Filter…"
            value={search}
            onChange={setSearch}
            onDone={() => undefined}
          />
        </div>
        <MergedLog label={label} lines={matching} total={lines.length} sourceWidth={sourceWidth} />
      </div>
    </Panel>
  );
}

/**
 * The lines of several sources in one scrolling log, each led by its source in its colour; the
 * view follows new lines while it is scrolled to the end. `lines` are those that match the filter.
 */
export function MergedLog({
  label,
  lines,
  total,
  sourceWidth,
}: {
  /** The log's accessible name. */
  label: string;
  lines: readonly MergedLogLine[];
  /** Lines received, matching or not (the view follows them too). */
  total: number;
  /** Characters the source column is padded to. */
  sourceWidth: number;
}) {
  const shown = lines.slice(-SHOWN_LINES);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useEffect(() => {
    const element = scrollRef.current;
    if (element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [shown.length, total]);

  return (
    <>
      <div
        ref={scrollRef}
        role="log"
        aria-label={label}
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          atEnd.current =
            element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX;
        }}
        className="h-80 overflow-auto rounded-lg border border-border bg-surface py-1 font-mono text-xs leading-5"
      >
        {shown.length === 0 ? (
          <p className="px-3 py-2 font-sans text-muted">No log lines yet.</p>
        ) : (
          shown.map((line) => (
            <div
              key={line.seq}
              data-source={line.source}
              data-stream={line.stream}
              className={`flex gap-3 border-l-2 px-3 ${line.stream === 'stderr' ? 'border-danger bg-danger/5' : 'border-transparent'}`}
            >
              <span
                className={`shrink-0 whitespace-pre select-none ${colourOf(line.source)}`}
                title={line.time}
              >
                {line.source.padEnd(sourceWidth)} |
              </span>
              <span className="min-w-0 break-all whitespace-pre-wrap text-fg">
                {printable(line.text)}
              </span>
            </div>
          ))
        )}
      </div>
      {lines.length > SHOWN_LINES ? (
        <p className="text-xs text-muted">
          Showing the newest {SHOWN_LINES.toLocaleString()} of {lines.length.toLocaleString()}{' '}
          lines.
        </p>
      ) : null}
    </>
  );
}
