import type { PullState } from '@/lib/container-live';

const WORDS = {
  pull: { doing: 'Pulling', done: 'Pulled', failed: 'Pull failed' },
  push: { doing: 'Pushing', done: 'Pushed', failed: 'Push failed' },
  load: { doing: 'Loading', done: 'Loaded', failed: 'Load failed' },
} as const;

/**
 * An image pull a create started (or a push, or an archive load): a bar over the layers' bytes,
 * and the engine's last word.
 */
export function PullProgress({
  image,
  pull,
  action = 'pull',
}: {
  image: string;
  pull: PullState | null;
  action?: keyof typeof WORDS;
}) {
  const words = WORDS[action];
  const percent = pull?.fraction === null || !pull ? null : Math.round(pull.fraction * 100);
  return (
    <div className="flex flex-col gap-1.5 rounded-md border border-border bg-surface-2/50 px-3 py-2.5">
      <div className="flex items-baseline justify-between gap-3 text-xs">
        <span className="font-medium text-fg">
          {pull?.done ? (pull.error ? words.failed : words.done) : words.doing}{' '}
          <span className="font-mono">{image}</span>
        </span>
        <span className="font-mono text-muted tabular-nums">
          {percent === null ? '' : `${percent} %`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${words.doing} ${image}`}
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
