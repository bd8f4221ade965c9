import type { PullState } from '@/lib/container-live';

/** The image pull a create started: a bar over the layers' bytes, and the engine's last word. */
export function PullProgress({ image, pull }: { image: string; pull: PullState | null }) {
  const percent = pull?.fraction === null || !pull ? null : Math.round(pull.fraction * 100);
  return (
    <div className="flex flex-col gap-1.5 rounded-md border border-border bg-surface-2/50 px-3 py-2.5">
      <div className="flex items-baseline justify-between gap-3 text-xs">
        <span className="font-medium text-fg">
          {pull?.done ? (pull.error ? 'Pull failed' : 'Pulled') : 'Pulling'}{' '}
          <span className="font-mono">{image}</span>
        </span>
        <span className="font-mono text-muted tabular-nums">
          {percent === null ? '' : `${percent} %`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`Pulling ${image}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        className="h-1.5 overflow-hidden rounded-full bg-surface-2"
      >
        <div
          className={`h-full rounded-full ${pull?.error ? 'bg-danger' : 'bg-accent'} ${percent === null ? 'w-1/3 animate-pulse' : 'transition-[width]'}`}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <p className="truncate font-mono text-[11px] text-muted">
        {pull?.error ?? pull?.status ?? 'Waiting for the engine…'}
      </p>
    </div>
  );
}
