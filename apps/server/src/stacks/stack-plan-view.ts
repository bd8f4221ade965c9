import type { ComposePlan, PlanStep } from '@berth/compose';
import type { TStackPlan, TStackPlanStep } from '@berth/shared';

/** A plan as clients see it: each step's kind, what it acts on and why (no create bodies). */
export function planView(plan: ComposePlan): TStackPlan {
  return { steps: plan.steps.map(stepView), recreated: plan.recreated };
}

function stepView(step: PlanStep): TStackPlanStep {
  const base = { id: step.id, after: step.after, kind: step.kind };
  switch (step.kind) {
    case 'create-network':
    case 'remove-network':
      return { ...base, target: step.network };
    case 'create-volume':
    case 'remove-volume':
      return { ...base, target: step.volume };
    case 'pull-image':
      return { ...base, target: step.image };
    case 'build-image':
      return { ...base, target: step.image, service: step.service };
    case 'create-container':
      return {
        ...base,
        target: step.name,
        service: step.service,
        ...(step.replaces ? { reason: step.replaces.reason } : {}),
      };
    case 'remove-container':
      return { ...base, target: step.name, service: step.service, reason: step.reason };
    case 'rename-container':
      return { ...base, target: step.to, service: step.service };
    case 'connect-network':
      return { ...base, target: `${step.name} → ${step.network}`, service: step.service };
    case 'stop-container':
    case 'start-container':
      return { ...base, target: step.name, service: step.service };
    case 'wait-container':
      return { ...base, target: step.name, service: step.service, reason: step.condition };
  }
}
