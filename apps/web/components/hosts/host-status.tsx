import type { THost } from '@berth/shared';
import { StatusBadge } from '../ui/status-badge';

/** The status badge with the reason as text, so a failing host says why without a hover. */
export function HostStatus({ host }: { host: Pick<THost, 'status' | 'error'> }) {
  return (
    <div className="flex min-w-0 flex-col items-start gap-1">
      <StatusBadge status={host.status} />
      {host.error && host.status !== 'up' ? (
        <span className="line-clamp-2 max-w-64 text-xs break-words text-muted" title={host.error}>
          {host.error}
        </span>
      ) : null}
    </div>
  );
}
