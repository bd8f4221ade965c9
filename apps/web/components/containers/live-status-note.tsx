import type { LiveStatus } from '@/lib/dashboard-socket';

function look(status: LiveStatus): { label: string; dot: string } {
  switch (status.state) {
    case 'connecting':
      return { label: 'Connecting…', dot: 'bg-neutral animate-pulse' };
    case 'live':
      return { label: 'Live', dot: 'bg-ok' };
    case 'ended':
      return { label: `Ended: ${status.reason}`, dot: 'bg-neutral' };
    case 'error':
      return { label: status.message, dot: 'bg-danger' };
  }
}

/** Where a live stream stands: connecting, live, ended (and why) or failed. */
export function LiveStatusNote({ status, label }: { status: LiveStatus; label?: string }) {
  const { label: text, dot } = look(status);
  return (
    <span
      role="status"
      className={`inline-flex min-w-0 items-center gap-1.5 text-xs ${status.state === 'error' ? 'text-danger' : 'text-muted'}`}
    >
      <span aria-hidden className={`size-2 shrink-0 rounded-full ${dot}`} />
      <span className="truncate">
        {label ? `${label}: ` : ''}
        {text}
      </span>
    </span>
  );
}
