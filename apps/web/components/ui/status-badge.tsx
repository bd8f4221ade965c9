import type { THostStatus } from '@berth/shared';

function statusLook(status: THostStatus): { label: string; tone: string } {
  switch (status) {
    case 'up':
      return { label: 'up', tone: 'text-ok bg-ok/10 ring-ok/25' };
    case 'down':
      return { label: 'down', tone: 'text-danger bg-danger/10 ring-danger/25' };
    case 'unauthorized':
      return { label: 'unauthorized', tone: 'text-warn bg-warn/10 ring-warn/30' };
    case 'tls_error':
      return { label: 'tls error', tone: 'text-warn bg-warn/10 ring-warn/30' };
    case 'host_key_mismatch':
      return { label: 'host key changed', tone: 'text-danger bg-danger/10 ring-danger/25' };
    case 'unknown':
      return { label: 'unknown', tone: 'text-neutral bg-neutral/10 ring-neutral/25' };
  }
}

export function StatusBadge({ status }: { status: THostStatus }) {
  const { label, tone } = statusLook(status);
  return (
    <span
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}
    >
      <span aria-hidden className="size-1.5 rounded-full bg-current" />
      {label}
    </span>
  );
}
