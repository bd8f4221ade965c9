import { CircleAlert } from 'lucide-react';
import { ApiError } from '@/lib/api';
import { errorTitle } from '@/lib/error-title';
import { Button } from './button';

interface ErrorNoticeProps {
  error: unknown;
  /** Replaces the headline derived from the error code where the page knows better. */
  title?: string | undefined;
  onRetry?: () => void;
}

/** An API or network failure: headline, the server's message and the request id to report. */
export function ErrorNotice({ error, title: titleOverride, onRetry }: ErrorNoticeProps) {
  const apiError = error instanceof ApiError ? error : null;
  const title =
    titleOverride ?? (apiError ? errorTitle(apiError.code) : 'The server cannot be reached');
  const message =
    error instanceof Error ? error.message : 'The request failed. Check your connection.';
  return (
    <div
      role="alert"
      className="flex items-start gap-2.5 rounded-md border border-danger/30 bg-danger/5 px-3 py-2.5 text-sm"
    >
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
      <div className="flex min-w-0 flex-1 flex-col gap-0.5">
        <p className="font-medium text-fg">{title}</p>
        {message !== title ? <p className="text-muted">{message}</p> : null}
        {apiError?.requestId ? (
          <p className="text-xs text-muted">
            Request ID <span className="font-mono select-all">{apiError.requestId}</span>
          </p>
        ) : null}
      </div>
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}
