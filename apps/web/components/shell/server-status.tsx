'use client';

import { useHealth } from '@/lib/queries';

/** Berth's version and database health, at the foot of the navigation. */
export function ServerStatus() {
  const health = useHealth();
  if (!health.data) return null;
  const { version, database } = health.data;
  return (
    <p className="flex items-center gap-1.5 border-t border-border px-4 py-3 text-[11px] text-muted">
      <span
        aria-hidden
        className={`size-1.5 rounded-full ${database.ok ? 'bg-ok' : 'bg-danger'}`}
      />
      <span>
        Berth <span className="font-mono">{version}</span> · {database.provider}
        {database.ok ? '' : ' unreachable'}
      </span>
    </p>
  );
}
