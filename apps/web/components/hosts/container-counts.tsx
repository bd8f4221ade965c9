import type { TEngineFacts } from '@berth/shared';

const STATES = [
  { key: 'running', dot: 'bg-ok' },
  { key: 'paused', dot: 'bg-warn' },
  { key: 'stopped', dot: 'bg-neutral' },
] as const;

/** Running / paused / stopped as three coloured counts, each named for screen readers. */
export function ContainerCounts({ containers }: { containers: TEngineFacts['containers'] }) {
  return (
    <span className="inline-flex gap-3 font-mono text-xs whitespace-nowrap tabular-nums">
      {STATES.map(({ key, dot }) => (
        <span key={key} title={key} className="inline-flex items-center gap-1">
          <span aria-hidden className={`size-1.5 rounded-full ${dot}`} />
          {containers[key]}
          <span className="sr-only"> {key}</span>
        </span>
      ))}
    </span>
  );
}
