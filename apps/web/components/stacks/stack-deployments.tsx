'use client';

import type { TStackDeployment } from '@berth/shared';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { useId, useState } from 'react';
import { formatDateTime } from '@/lib/format';
import { useStackDeployments } from '@/lib/stack-queries';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { StackPlanView } from './stack-plan';

const STATUS_TONE: Record<TStackDeployment['status'], string> = {
  queued: 'text-muted',
  running: 'text-accent',
  succeeded: 'text-ok',
  failed: 'text-danger',
  skipped: 'text-muted',
};

/** The history of a stack's deployments, newest first; each opens to its plan, result and output. */
export function StackDeployments({ stackId }: { stackId: string }) {
  const deployments = useStackDeployments(stackId);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Panel title="Deployments" flush>
      {deployments.isError ? <ErrorNotice error={deployments.error} /> : null}
      {deployments.data?.items.length === 0 ? (
        <p className="px-4 py-3 text-xs text-muted">No deployment yet.</p>
      ) : null}
      <ol aria-label="Deployments" className="flex flex-col divide-y divide-border text-xs">
        {deployments.data?.items.map((d) => (
          <DeploymentItem
            key={d.id}
            deployment={d}
            open={open === d.id}
            onToggle={() => setOpen(open === d.id ? null : d.id)}
          />
        ))}
      </ol>
    </Panel>
  );
}

function DeploymentItem({
  deployment: d,
  open,
  onToggle,
}: {
  deployment: TStackDeployment;
  open: boolean;
  onToggle: () => void;
}) {
  const detailId = useId();
  const Chevron = open ? ChevronDown : ChevronRight;
  return (
    <li>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={detailId}
        onClick={onToggle}
        className="flex w-full items-start gap-2 px-4 py-2 text-left hover:bg-surface-2/50"
      >
        <Chevron aria-hidden className="mt-0.5 size-3.5 shrink-0 text-muted" />
        <span className="flex min-w-0 flex-col gap-0.5">
          <span>
            <span className="font-medium text-fg">{d.trigger}</span>{' '}
            <span className={STATUS_TONE[d.status]}>{d.status}</span>{' '}
            <span className="text-muted">{formatDateTime(d.createdAt)}</span>
            {d.commit ? (
              <span className="font-mono text-muted" title={d.commit}>
                {' '}
                · commit {d.commit.slice(0, 12)}
              </span>
            ) : d.fileVersion ? (
              <span className="font-mono text-muted" title="Compose file version (SHA-256)">
                {' '}
                · file {d.fileVersion}
              </span>
            ) : null}
          </span>
          {d.triggeredBy ? (
            <span className="truncate text-muted" title={d.triggeredBy}>
              by {d.triggeredBy}
            </span>
          ) : null}
          {d.failedStep ? (
            <span className="font-mono text-danger">failed at {d.failedStep}</span>
          ) : null}
        </span>
      </button>
      {open ? (
        <div
          id={detailId}
          role="region"
          aria-label={`Deployment ${d.id}`}
          className="flex flex-col gap-3 px-4 pt-1 pb-3 pl-9"
        >
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
            <dt className="text-muted">Result</dt>
            <dd className={STATUS_TONE[d.status]}>
              {d.status}
              {d.failedStep ? ` at ${d.failedStep}` : ''}
            </dd>
            <dt className="text-muted">Started</dt>
            <dd>{formatDateTime(d.createdAt)}</dd>
            <dt className="text-muted">Finished</dt>
            <dd>{d.finishedAt ? formatDateTime(d.finishedAt) : 'not yet'}</dd>
            {d.commit ? (
              <>
                <dt className="text-muted">Commit</dt>
                <dd className="font-mono">{d.commit}</dd>
              </>
            ) : null}
            {d.fileVersion ? (
              <>
                <dt className="text-muted">Compose file</dt>
                <dd className="font-mono">{d.fileVersion}</dd>
              </>
            ) : null}
          </dl>
          {d.plan ? (
            <StackPlanView plan={d.plan} />
          ) : (
            <p className="text-muted">No plan was recorded.</p>
          )}
          <div className="flex flex-col gap-1">
            <h3 className="text-sm font-medium text-fg">Output</h3>
            <pre
              aria-label="Output"
              className="max-h-72 overflow-auto rounded-md border border-border bg-surface-2/50 px-3 py-2 font-mono whitespace-pre-wrap"
            >
              {d.output || 'No output.'}
            </pre>
          </div>
        </div>
      ) : null}
    </li>
  );
}
