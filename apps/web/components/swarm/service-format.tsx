import type { TServiceSummary, TServiceUpdateStatus } from '@berth/shared';

/** A service's page. */
export function serviceHref(hostId: string, id: string, tab?: string): string {
  const path = `/services/${encodeURIComponent(hostId)}/${encodeURIComponent(id)}`;
  return tab ? `${path}?tab=${tab}` : path;
}

/** Replicas running of desired as a small bar with the numbers beside it. */
export function ReplicasBar({ replicas }: { replicas: TServiceSummary['replicas'] }) {
  const { running, desired } = replicas;
  const share = desired === 0 ? (running === 0 ? 1 : 0) : Math.min(running / desired, 1);
  const tone =
    running === desired ? 'bg-ok' : running === 0 && desired > 0 ? 'bg-danger' : 'bg-warn';
  return (
    <span
      className="inline-flex items-center gap-2"
      data-testid="service-replicas"
      data-running={running}
      data-desired={desired}
      title={`${running} of ${desired} tasks running`}
    >
      <span className="h-1.5 w-14 overflow-hidden rounded-full bg-surface-2" aria-hidden>
        <span className={`block h-full ${tone}`} style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span className="font-mono text-xs tabular-nums">
        {running}/{desired}
      </span>
    </span>
  );
}

/** Published ports as `8080→80/tcp`, host-mode ones marked. */
export function portsText(ports: TServiceSummary['ports']): string {
  return ports
    .map(
      (port) =>
        `${port.published ?? '?'}→${port.target}/${port.protocol}${port.mode === 'host' ? ' (host)' : ''}`,
    )
    .join(', ');
}

const UPDATE_TONE: Record<string, string> = {
  updating: 'text-accent',
  rollback_started: 'text-warn',
  paused: 'text-danger',
  rollback_paused: 'text-danger',
  completed: 'text-ok',
  rollback_completed: 'text-ok',
};

/** The engine's UpdateStatus in words. */
export function UpdateStatusText({ status }: { status: TServiceUpdateStatus | null }) {
  if (status === null) return <span className="text-muted">—</span>;
  return (
    <span
      className={`text-xs ${UPDATE_TONE[status.state] ?? 'text-muted'}`}
      title={status.message ?? undefined}
      data-testid="update-status"
    >
      {status.state.replace('_', ' ')}
    </span>
  );
}
