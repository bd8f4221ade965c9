import Link from 'next/link';
import type { ReactNode } from 'react';

interface SummaryCardProps {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  /** Tailwind text colour of the small dot before the label. */
  tone?: string;
  /** Where the number leads: the list it counts. */
  href?: string;
}

export function SummaryCard({ label, value, detail, tone, href }: SummaryCardProps) {
  return (
    <div className="flex flex-col gap-1 rounded-lg border border-border bg-surface px-4 py-3">
      <dt className="flex items-center gap-1.5 text-xs font-medium text-muted">
        {tone ? <span aria-hidden className={`size-1.5 rounded-full bg-current ${tone}`} /> : null}
        {label}
      </dt>
      <dd className="text-2xl font-semibold tracking-tight text-fg tabular-nums">
        {href ? (
          <Link href={href} className="rounded hover:text-accent">
            {value}
          </Link>
        ) : (
          value
        )}
      </dd>
      {detail ? <dd className="text-xs text-muted">{detail}</dd> : null}
    </div>
  );
}
