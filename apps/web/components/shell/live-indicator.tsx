import type { LiveState } from '@/lib/use-host-status-events';

function liveLook(state: LiveState): { label: string; dot: string } {
  switch (state) {
    case 'live':
      return { label: 'Live', dot: 'bg-ok' };
    case 'connecting':
      return { label: 'Connecting', dot: 'bg-neutral animate-pulse' };
    case 'offline':
      return { label: 'Offline', dot: 'bg-warn' };
  }
}

/** Whether host status changes are being pushed; when offline, data still refreshes by polling. */
export function LiveIndicator({ state }: { state: LiveState }) {
  const { label, dot } = liveLook(state);
  return (
    <span
      role="status"
      title={state === 'offline' ? 'Live updates paused; refreshing every 30 s' : undefined}
      className="hidden items-center gap-1.5 text-xs text-muted sm:inline-flex"
    >
      <span aria-hidden className={`size-2 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
