'use client';

import type { TStackDeployResponse, TStackDeployment } from '@berth/shared';
import Link from 'next/link';
import { useStackDeployments, type StepProgress } from '@/lib/stack-queries';

interface DeployProgressProps {
  /** The deployment as the server recorded it (its plan and, once finished, its status). */
  deployment: TStackDeployment | null;
  /** Where each step stands, from the `stack.progress` pushes. */
  steps: Map<string, StepProgress>;
}

/** A deployment's steps as a bar (finished steps of the plan) and the step the engine is on. */
export function DeployProgress({ deployment, steps }: DeployProgressProps) {
  const planned = deployment?.plan?.steps.length ?? 0;
  const finished = [...steps.values()].filter((s) => s.status !== 'started').length;
  const over =
    deployment !== null && deployment.status !== 'running' && deployment.status !== 'queued';
  const failed =
    deployment?.status === 'failed' || [...steps.values()].some((s) => s.status === 'failed');
  const total = Math.max(planned, finished);
  const percent = over && !failed ? 100 : total === 0 ? 0 : Math.round((finished / total) * 100);
  const last = [...steps.entries()].at(-1);
  const label = over ? (failed ? 'Deployment failed' : 'Deployed') : 'Deploying';
  return (
    <div
      className="flex flex-col gap-1.5 rounded-md border border-border bg-surface-2/50 px-3 py-2.5"
      aria-live="polite"
      data-testid="deploy-progress"
    >
      <div className="flex items-baseline justify-between gap-3 text-xs">
        <span className="font-medium text-fg">{label}</span>
        <span className="font-mono text-muted tabular-nums">
          {finished} / {total} steps
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Deployment"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-1.5 overflow-hidden rounded-full bg-surface-2"
      >
        <div
          className={`h-full rounded-full transition-[width] ${failed ? 'bg-danger' : 'bg-accent'}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="truncate font-mono text-[11px] text-muted">
        {deployment?.failedStep
          ? `${deployment.failedStep}: ${steps.get(deployment.failedStep)?.message ?? 'failed'}`
          : last
            ? `${last[1].status} ${last[0]}`
            : 'Waiting for the engine…'}
      </p>
    </div>
  );
}

/** A deployment this page started, followed until it ends. */
export function DeploymentFollower({
  started,
  stepsOf,
  link = true,
}: {
  started: TStackDeployResponse;
  stepsOf: (deploymentId: string) => Map<string, StepProgress>;
  /** Shown once the deployment has ended (a link to the stack). */
  link?: boolean;
}) {
  const deployments = useStackDeployments(started.id);
  const deployment = deployments.data?.items.find((d) => d.id === started.deploymentId) ?? null;
  const over = deployment?.status === 'succeeded' || deployment?.status === 'failed';
  return (
    <div className="flex flex-col gap-2">
      <DeployProgress deployment={deployment} steps={stepsOf(started.deploymentId)} />
      {over && link ? (
        <Link href={`/stacks/${started.id}`} className="text-sm text-accent hover:underline">
          Open the stack
        </Link>
      ) : null}
    </div>
  );
}
