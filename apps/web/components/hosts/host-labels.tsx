import type { THost } from '@berth/shared';

/** Group and tags as small chips under the host name. */
export function HostLabels({ host }: { host: Pick<THost, 'group' | 'tags'> }) {
  if (!host.group && host.tags.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-1">
      {host.group ? (
        <span className="rounded bg-accent/10 px-1.5 py-px text-[11px] text-accent">
          {host.group}
        </span>
      ) : null}
      {host.tags.map((tag) => (
        <span
          key={tag}
          className="rounded border border-border px-1.5 py-px font-mono text-[11px] text-muted"
        >
          {tag}
        </span>
      ))}
    </div>
  );
}
