import { CHECKOUT_LABEL, type ComposePlan, type PlanStep } from '@berth/compose';
import { stampOwner } from '../access/ownership.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { EngineError } from '../docker/engine-error.js';

/** How long a `depends_on` condition may take to hold before the deploy fails. */
const WAIT_TIMEOUT_MS = 120_000;
const WAIT_POLL_MS = 500;

export interface StepEvents {
  started(step: PlanStep): void;
  done(step: PlanStep): void;
  failed(step: PlanStep, message: string): void;
}

export interface RunResult {
  ok: boolean;
  /** The id of the step that failed, when one did. */
  failedStep?: string;
  error?: string;
}

/** How the images of a plan are got: pulled from their registry, or built from the stack's files. */
export interface ImageSources {
  pull(image: string): Promise<void>;
  build(step: Extract<PlanStep, { kind: 'build-image' }>): Promise<void>;
}

/** How a stack's repository files reach its containers (see `StackCheckoutPlacer`). */
export interface CheckoutPlacement {
  /** Fills a volume just made for a folder of the checkout (`.` for its root). */
  fill(volume: string, folder: string): Promise<void>;
  /** Writes the checkout files of `service`, if it has any, into its new container. */
  place(container: string, service: string): Promise<void>;
}

/**
 * Runs a plan on one engine: each step once every step it comes after is done, independent steps
 * at the same time. After a failure no new step starts; replacements created for containers that
 * are still running are removed again, so the previous containers keep running. The containers,
 * networks and volumes it creates carry the `owner` labels besides their own.
 */
export async function runPlan(
  engine: RegisteredEngine,
  plan: ComposePlan,
  images: ImageSources,
  events: StepEvents,
  owner: Record<string, string>,
  checkout?: CheckoutPlacement,
): Promise<RunResult> {
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failure: RunResult | undefined;
  const pending = [...plan.steps];
  while (pending.length > 0 || running.size > 0) {
    if (!failure) {
      for (const step of pending.filter((s) => s.after.every((id) => done.has(id)))) {
        pending.splice(pending.indexOf(step), 1);
        events.started(step);
        const work = runStep(engine, step, images, owner, checkout).then(
          () => {
            done.add(step.id);
            events.done(step);
          },
          (error: unknown) => {
            const message = messageOf(error);
            events.failed(step, message);
            failure ??= { ok: false, failedStep: step.id, error: message };
          },
        );
        running.set(
          step.id,
          work.finally(() => running.delete(step.id)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failure) {
    await removeUnusedReplacements(engine, plan, done);
    return failure;
  }
  if (pending.length > 0)
    return { ok: false, failedStep: pending[0]!.id, error: 'unreachable step' };
  return { ok: true };
}

/** A replacement whose old container was never stopped is removed: the old one keeps serving. */
async function removeUnusedReplacements(
  engine: RegisteredEngine,
  plan: ComposePlan,
  done: Set<string>,
) {
  for (const step of plan.steps) {
    if (step.kind !== 'create-container' || !step.replaces || !done.has(step.id)) continue;
    const stopId = plan.steps.find(
      (s) =>
        s.kind === 'stop-container' && s.after.length > 0 && s.containerId === step.replaces?.id,
    )?.id;
    if (stopId && done.has(stopId)) continue;
    try {
      await engine.client.changeContainer(step.name, 'remove', { force: true });
    } catch {
      // Left for the next deploy, which sees it as an orphan of no service.
    }
  }
}

async function runStep(
  engine: RegisteredEngine,
  step: PlanStep,
  images: ImageSources,
  owner: Record<string, string>,
  checkout: CheckoutPlacement | undefined,
): Promise<void> {
  const client = engine.client;
  switch (step.kind) {
    case 'create-network': {
      const { spec } = step;
      await client.createNetwork({
        Name: step.network,
        CheckDuplicate: true,
        ...(spec.driver ? { Driver: spec.driver } : {}),
        Internal: spec.internal,
        // Compose attaches standalone containers to every network it makes; only on an overlay
        // does the flag decide anything, and there the file's value is kept.
        Attachable: spec.driver === 'overlay' ? spec.attachable : true,
        EnableIPv6: spec.enableIpv6,
        Options: spec.driverOpts,
        Labels: stampOwner(step.labels, owner),
        ...(spec.ipam
          ? {
              IPAM: {
                ...(spec.ipam.driver ? { Driver: spec.ipam.driver } : {}),
                Config: spec.ipam.config.map((c) => ({
                  ...(c.subnet ? { Subnet: c.subnet } : {}),
                  ...(c.ipRange ? { IPRange: c.ipRange } : {}),
                  ...(c.gateway ? { Gateway: c.gateway } : {}),
                  ...(Object.keys(c.auxAddresses).length > 0
                    ? { AuxiliaryAddresses: c.auxAddresses }
                    : {}),
                })),
                Options: spec.ipam.options,
              },
            }
          : {}),
      });
      return;
    }
    case 'create-volume':
      await client.createVolume({
        Name: step.volume,
        Labels: stampOwner(step.labels, owner),
        ...(step.spec.driver ? { Driver: step.spec.driver } : {}),
        DriverOpts: step.spec.driverOpts,
      });
      await fillCheckoutVolume(engine, step.volume, step.labels[CHECKOUT_LABEL], checkout);
      return;
    case 'pull-image':
      return images.pull(step.image);
    case 'build-image':
      return images.build(step);
    case 'create-container':
      await client.createContainer({
        name: step.name,
        ...step.create.body,
        Labels: stampOwner(step.create.body.Labels, owner),
      } as Parameters<typeof client.createContainer>[0]);
      if (checkout) {
        // A container without its files would pass for current on the next deploy.
        await checkout.place(step.name, step.service).catch(async (error: unknown) => {
          await ignoring(['not_found'], () =>
            client.changeContainer(step.name, 'remove', { force: true }),
          );
          throw error;
        });
      }
      return;
    case 'connect-network':
      await client.connectNetwork(step.network, {
        Container: step.name,
        EndpointConfig: step.endpoint,
      });
      return;
    case 'stop-container':
      await ignoring(['not_modified'], () =>
        client.changeContainer(step.containerId ?? step.name, 'stop'),
      );
      return;
    case 'remove-container':
      await ignoring(['not_found'], () =>
        client.changeContainer(step.containerId, 'remove', { force: true }),
      );
      return;
    case 'rename-container':
      await client.renameContainer(step.from, step.to);
      return;
    case 'start-container':
      await ignoring(['not_modified'], () => client.changeContainer(step.name, 'start'));
      return;
    case 'wait-container':
      return waitFor(engine, step.name, step.condition);
    case 'remove-network':
      await ignoring(['not_found'], () => client.removeNetwork(step.network));
      return;
    case 'remove-volume':
      await ignoring(['not_found'], () => client.removeVolume(step.volume));
      return;
  }
}

/** A checkout volume is filled once made; one that could not be filled is removed again. */
async function fillCheckoutVolume(
  engine: RegisteredEngine,
  volume: string,
  folder: string | undefined,
  checkout: CheckoutPlacement | undefined,
): Promise<void> {
  if (folder === undefined) return;
  try {
    if (!checkout) throw new Error('the stack has no files to fill the volume with');
    await checkout.fill(volume, folder);
  } catch (error) {
    await ignoring(['not_found'], () => engine.client.removeVolume(volume));
    throw new Error(`${folder} could not be copied into volume ${volume}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

async function ignoring(kinds: string[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!kinds.includes(EngineError.from(error).kind)) throw error;
  }
}

async function waitFor(
  engine: RegisteredEngine,
  name: string,
  condition: 'service_healthy' | 'service_completed_successfully',
): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const state = (await engine.client.inspectContainer(name)).State;
    if (condition === 'service_healthy') {
      const health = state.Health?.Status;
      if (health === 'healthy') return;
      if (health === 'unhealthy') throw new Error(`${name} is unhealthy`);
      if (!health) throw new Error(`${name} has no healthcheck to wait on`);
      if (!state.Running)
        throw new Error(`${name} exited (${state.ExitCode}) before it was healthy`);
    } else if (!state.Running && state.Status === 'exited') {
      if (state.ExitCode === 0) return;
      throw new Error(`${name} exited with code ${state.ExitCode}`);
    }
    if (Date.now() > deadline) throw new Error(`${name}: ${condition} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
