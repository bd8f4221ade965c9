import { ApiError } from '@/lib/api';
import { ErrorNotice } from '../ui/error-notice';
import { AdministratorsOnly } from './administrators-only';

/**
 * A failed admin read. A 403 means this session is no longer an administrator's (the flag was
 * taken away since the page loaded), so it gets the same state as a non-administrator.
 */
export function AdminError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ApiError && error.code === 'FORBIDDEN') return <AdministratorsOnly />;
  return <ErrorNotice error={error} onRetry={onRetry} />;
}
