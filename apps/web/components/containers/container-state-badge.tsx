import type { TContainerState } from '@berth/shared';
import { stateTone, type StateTone } from '@/lib/container-format';

function toneClass(tone: StateTone): string {
  switch (tone) {
    case 'ok':
      return 'text-ok bg-ok/10 ring-ok/25';
    case 'warn':
      return 'text-warn bg-warn/10 ring-warn/30';
    case 'danger':
      return 'text-danger bg-danger/10 ring-danger/25';
    case 'neutral':
      return 'text-neutral bg-neutral/10 ring-neutral/25';
  }
}

/** A container's state as a coloured pill, like the host status badge. */
export function ContainerStateBadge({ state }: { state: TContainerState }) {
  return (
    <span
      data-state={state}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${toneClass(stateTone(state))}`}
    >
      <span aria-hidden className="size-1.5 rounded-full bg-current" />
      {state}
    </span>
  );
}
