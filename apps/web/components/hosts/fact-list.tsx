import type { ReactNode } from 'react';

export interface Fact {
  label: string;
  value: ReactNode;
  mono?: boolean;
}

/** Label/value pairs in a compact two-column grid. */
export function FactList({ facts }: { facts: readonly Fact[] }) {
  return (
    <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
      {facts.map((fact) => (
        <div key={fact.label} className="contents">
          <dt className="text-muted">{fact.label}</dt>
          <dd
            className={`min-w-0 break-words text-fg ${fact.mono ? 'font-mono text-xs leading-5' : ''}`}
          >
            {fact.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
