'use client';

import { useState } from 'react';
import { textDiff, type DiffRow, type UnifiedLine } from '@/lib/stack-diff';
import { SegmentedButtons } from '../ui/segmented-buttons';

type Layout = 'unified' | 'split';

const LAYOUTS: Record<Layout, string> = { unified: 'Unified', split: 'Side by side' };

const TONE = {
  added: 'bg-ok/10',
  removed: 'bg-danger/10',
  changed: '',
  same: '',
} as const;

const SIGN = { added: '+', removed: '-', same: ' ' } as const;

interface StackDiffProps {
  files: { name: string; before: string; after: string }[];
}

/** The edit's diff, file by file (compose file, variables), unified or side by side. */
export function StackDiff({ files }: StackDiffProps) {
  const [layout, setLayout] = useState<Layout>('unified');
  const diffs = files
    .map((file) => ({ ...file, diff: textDiff(file.before, file.after) }))
    .filter((file) => file.before !== '' || file.after !== '');
  return (
    <section aria-label="Changes" className="flex flex-col gap-2 text-xs">
      <div className="flex items-center justify-between gap-3">
        <h3 className="text-sm font-medium text-fg">Changes</h3>
        <SegmentedButtons
          label="Diff layout"
          options={(Object.keys(LAYOUTS) as Layout[]).map((l) => ({ value: l, label: LAYOUTS[l] }))}
          value={layout}
          onChange={setLayout}
        />
      </div>
      {diffs.map(({ name, diff }) => (
        <div
          key={name}
          role="region"
          aria-label={`Diff of ${name}`}
          className="overflow-hidden rounded-md border border-border"
        >
          <div className="flex justify-between gap-3 border-b border-border bg-surface-2/50 px-3 py-1.5 font-mono">
            <span className="text-fg">{name}</span>
            <span>
              <span className="text-ok">+{diff.added}</span>{' '}
              <span className="text-danger">-{diff.removed}</span>
            </span>
          </div>
          {diff.added + diff.removed === 0 ? (
            <p className="px-3 py-2 text-muted">No change.</p>
          ) : layout === 'unified' ? (
            <Unified lines={diff.unified} />
          ) : (
            <Split rows={diff.rows} />
          )}
        </div>
      ))}
    </section>
  );
}

function Folded({ count }: { count: number }) {
  return (
    <div className="bg-surface-2/40 px-3 py-0.5 text-muted select-none">
      ⋯ {count} unchanged line{count === 1 ? '' : 's'}
    </div>
  );
}

function Unified({ lines }: { lines: UnifiedLine[] }) {
  return (
    <div className="overflow-x-auto font-mono leading-5">
      {lines.map((line, index) =>
        line.kind === 'folded' ? (
          <Folded key={index} count={line.count} />
        ) : (
          <div key={index} data-change={line.kind} className={`flex ${TONE[line.kind]}`}>
            <span className="w-10 shrink-0 pr-2 text-right text-muted select-none">
              {line.number}
            </span>
            <span className="w-4 shrink-0 text-muted select-none">{SIGN[line.kind]}</span>
            <span className="whitespace-pre text-fg">{line.text}</span>
          </div>
        ),
      )}
    </div>
  );
}

function Split({ rows }: { rows: DiffRow[] }) {
  return (
    <div className="overflow-x-auto font-mono leading-5">
      {rows.map((row, index) =>
        row.kind === 'folded' ? (
          <Folded key={index} count={row.count} />
        ) : (
          <div key={index} data-change={row.kind} className="grid grid-cols-2">
            <SplitCell
              number={row.oldNumber}
              text={row.oldText}
              tone={row.kind === 'same' || row.oldText === null ? '' : TONE.removed}
            />
            <SplitCell
              number={row.newNumber}
              text={row.newText}
              tone={row.kind === 'same' || row.newText === null ? '' : TONE.added}
            />
          </div>
        ),
      )}
    </div>
  );
}

function SplitCell({
  number,
  text,
  tone,
}: {
  number: number | null;
  text: string | null;
  tone: string;
}) {
  return (
    <div className={`flex min-w-0 border-r border-border last:border-r-0 ${tone}`}>
      <span className="w-10 shrink-0 pr-2 text-right text-muted select-none">{number ?? ''}</span>
      <span className="whitespace-pre text-fg">{text ?? ''}</span>
    </div>
  );
}
