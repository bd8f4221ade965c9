'use client';

import { ErrorNotice } from '@/components/ui/error-notice';

/** A page that crashed while rendering; the navigation around it keeps working. */
export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorNotice error={error} title="This page failed to load" onRetry={retry} />;
}
