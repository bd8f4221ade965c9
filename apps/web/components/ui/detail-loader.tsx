import { ArrowLeft } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorNotice } from './error-notice';
import { Skeleton } from './skeleton';

interface DetailLoaderProps<T> {
  backHref: string;
  backLabel: string;
  query: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    data: T | undefined;
    refetch: () => unknown;
  };
  children: (data: T) => ReactNode;
}

/** A detail page: the way back, then a placeholder, the error, or the loaded object. */
export function DetailLoader<T>({ backHref, backLabel, query, children }: DetailLoaderProps<T>) {
  if (query.isPending) return <Skeleton className="h-64" />;
  return (
    <>
      <Link
        href={backHref}
        className="mb-3 inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
      >
        <ArrowLeft aria-hidden className="size-3.5" />
        {backLabel}
      </Link>
      {query.isError || query.data === undefined ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        children(query.data)
      )}
    </>
  );
}
