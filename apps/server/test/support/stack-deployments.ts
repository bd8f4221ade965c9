import { expect } from '@jest/globals';
import type { TStackDeploymentList } from '@berth/shared';
import { type TestBerth, waitFor } from './berth.js';
import { type CliTarget, docker } from './docker-cli.js';

export type StackDeployment = TStackDeploymentList['items'][number];

/** The stack's deployments, newest first. */
export async function stackDeployments(
  berth: TestBerth,
  token: string,
  stackId: string,
): Promise<StackDeployment[]> {
  const res = await berth.api<TStackDeploymentList>('GET', `/api/stacks/${stackId}/deployments`, {
    token,
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

const ended = (d: StackDeployment) => d.status !== 'running' && d.status !== 'queued';

/** Waits for the deployment to end and answers it. */
export async function settledDeployment(
  berth: TestBerth,
  token: string,
  stackId: string,
  deploymentId: string,
): Promise<StackDeployment> {
  let found: StackDeployment | undefined;
  await waitFor(
    async () => {
      found = (await stackDeployments(berth, token, stackId)).find((d) => d.id === deploymentId);
      return found !== undefined && ended(found);
    },
    90_000,
    `deployment ${deploymentId}`,
  );
  return found!;
}

/** Waits until no deployment of the stack is queued or running. */
export async function stackIdle(berth: TestBerth, token: string, stackId: string): Promise<void> {
  await waitFor(
    async () => (await stackDeployments(berth, token, stackId)).every(ended),
    90_000,
    'the stack to be idle',
  );
}

/**
 * Removes what a compose project left on an engine, by its labels and Compose's names: its
 * containers, its default network and the named volumes given. Missing ones are fine.
 */
export async function removeComposeProject(
  target: CliTarget,
  project: string,
  volumes: readonly string[] = [],
): Promise<void> {
  const ids = (
    await docker(target, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker(target, ['rm', '-f', ...ids]);
  await docker(target, ['network', 'rm', `${project}_default`]);
  for (const volume of volumes) await docker(target, ['volume', 'rm', `${project}_${volume}`]);
}
