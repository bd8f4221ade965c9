'use client';

import { containerStatusAt, readContainerStatus, type TContainerSummary } from '@berth/shared';
import { useMemo } from 'react';
import { useNow } from '@/lib/use-now';

/**
 * The engine's status text ("Up 5 minutes", "Exited (0) 3 hours ago") ticking on from when the
 * engine listed it, so it keeps up with the Created column beside it and two registrations of
 * one engine say the same.
 */
export function ContainerStatusText({
  row,
}: {
  row: Pick<TContainerSummary, 'status' | 'updatedAt'>;
}) {
  const now = useNow();
  const facts = useMemo(
    () => readContainerStatus(row.status, Date.parse(row.updatedAt)),
    [row.status, row.updatedAt],
  );
  const text = containerStatusAt(facts, Math.max(now, Date.parse(row.updatedAt)));
  return (
    <span title={text} data-testid="container-status">
      {text}
    </span>
  );
}
