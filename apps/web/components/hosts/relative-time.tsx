'use client';

import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';

/** "2 minutes ago", ticking; the exact time is in the tooltip. */
export function RelativeTime({
  iso,
  fallback = 'never',
}: {
  iso: string | null;
  fallback?: string;
}) {
  const now = useNow();
  if (!iso) return <span className="text-muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)} className="whitespace-nowrap">
      {formatRelativeTime(iso, now)}
    </time>
  );
}
