import type { ReactNode } from 'react';

export type TagTone = 'ok' | 'danger' | 'warn' | 'neutral' | 'accent';

function toneClass(tone: TagTone): string {
  switch (tone) {
    case 'ok':
      return 'text-ok bg-ok/10 ring-ok/25';
    case 'danger':
      return 'text-danger bg-danger/10 ring-danger/25';
    case 'warn':
      return 'text-warn bg-warn/10 ring-warn/30';
    case 'neutral':
      return 'text-muted bg-neutral/10 ring-neutral/25';
    case 'accent':
      return 'text-accent bg-accent/10 ring-accent/25';
  }
}

/** A small coloured label: a flag or a state in a table cell. */
export function Tag({ tone, children }: { tone: TagTone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-px text-xs font-medium whitespace-nowrap ring-1 ring-inset ${toneClass(tone)}`}
    >
      {children}
    </span>
  );
}
