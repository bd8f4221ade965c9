import type { TStackPlan } from '@berth/shared';

/**
 * What a deploy would do: the images built, the services created, recreated and removed (and
 * why), then every engine step in order.
 */
export function StackPlanView({ plan }: { plan: TStackPlan }) {
  const built = plan.steps.filter((s) => s.kind === 'build-image');
  const created = plan.steps.filter((s) => s.kind === 'create-container' && !s.reason);
  // A recreate removes the old container too; that removal is listed as the recreate.
  const removed = plan.steps.filter(
    (s) => s.kind === 'remove-container' && s.reason !== 'recreate',
  );
  return (
    <section
      aria-label="Plan"
      className="flex flex-col gap-2 rounded-md border border-border bg-surface-2/50 px-3 py-2.5 text-xs"
    >
      <h3 className="text-sm font-medium text-fg">Plan</h3>
      {plan.steps.length === 0 ? (
        <p className="text-muted">Nothing to change: the stack already runs as written.</p>
      ) : null}
      {built.length + created.length + plan.recreated.length + removed.length > 0 ? (
        <ul aria-label="Service changes" className="flex flex-col gap-1">
          {built.map((step) => (
            <li key={step.id}>
              <span className="font-medium text-accent">build</span>{' '}
              <span className="font-mono">{step.service ?? step.target}</span> ({step.target}): a
              container is recreated only if the image comes out different
            </li>
          ))}
          {created.map((step) => (
            <li key={step.id}>
              <span className="font-medium text-ok">create</span>{' '}
              <span className="font-mono">{step.service ?? step.target}</span>
            </li>
          ))}
          {plan.recreated.map((r) => (
            <li key={`${r.service}-${r.number}`}>
              <span className="font-medium text-warn">recreate</span>{' '}
              <span className="font-mono">
                {r.service} #{r.number}
              </span>
              : {r.reason}
            </li>
          ))}
          {removed.map((step) => (
            <li key={step.id}>
              <span className="font-medium text-danger">remove</span>{' '}
              <span className="font-mono">{step.service ?? step.target}</span> ({step.target})
              {step.reason ? `: ${step.reason}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {plan.steps.length > 0 ? (
        <ol aria-label="Plan steps" className="flex flex-col gap-0.5 font-mono text-muted">
          {plan.steps.map((step) => (
            <li key={step.id}>
              {step.kind} {step.target}
              {step.reason ? ` (${step.reason})` : ''}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
