import type { TEngineFacts } from '@berth/shared';

/** Running / paused / stopped as three compact numbers, each named for screen readers. */
export function ContainerCounts({ containers }: { containers: TEngineFacts['containers'] }) {
  return (
    <span className="inline-flex gap-2.5 font-mono text-xs tabular-nums">
      <span title="running" className="text-ok">
        {containers.running}
        <span className="sr-only"> running</span>
        <span aria-hidden className="text-muted"> ▶</span>
      </span>
      <span title="paused" className="text-warn">
        {containers.paused}
        <span className="sr-only"> paused</span>
        <span aria-hidden className="text-muted"> ❚❚</span>
      </span>
      <span title="stopped" className="text-muted">
        {containers.stopped}
        <span className="sr-only"> stopped</span>
        <span aria-hidden> ■</span>
      </span>
    </span>
  );
}
