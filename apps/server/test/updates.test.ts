import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  TContainerListResponse,
  TContainerUpdate,
  TRecreateContainerResponse,
  TRegistry,
  TUpdateList,
} from '@berth/shared';
import { ContainerInventory } from '../src/inventory/container-inventory.js';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, removeLabelled } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';
import {
  manifestEntry,
  pushIndexOf,
  pushTinyImage,
  type UploadTarget,
} from './support/registry-upload.js';

/**
 * Update detection against the fleet's registries: images built on host b and pushed through
 * Berth, run on host a. A new image under the same tag is reported and pull-and-recreate brings
 * it; an index where only another platform's image changed is not reported; an image built on
 * the host is unknown; the token registry is asked with the stored login and a wrong one is a
 * clear status; a read-only user cannot pull and recreate.
 */
jest.setTimeout(240_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth-test-updates=${RUN}`;
const f = fleet();
const a: CliTarget = { host: fleetHost('a').direct };
const b: CliTarget = { host: fleetHost('b').direct };
const basic: UploadTarget = { ...f.registry };

let berth: TestBerth;
let token: string;
let hostA = '';
let hostB = '';
/** Every reference built or pulled, removed from both hosts at the end. */
const references = new Set<string>();

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostA = (await berth.addHost(token, fleetHost('a').registration)).id;
  hostB = (await berth.addHost(token, fleetHost('b').registration)).id;
  await storeRegistry('fleet', f.registry);
});

afterAll(async () => {
  try {
    await removeLabelled(a, LABEL);
    for (const target of [a, b]) await docker(target, ['rmi', '-f', ...references]);
  } finally {
    await berth?.stop();
  }
});

async function storeRegistry(
  name: string,
  login: { address: string; username: string; password: string },
): Promise<TRegistry> {
  const stored = await berth.api<TRegistry>('POST', '/api/registries', {
    token,
    body: {
      name: `${name}-${RUN}`,
      serverAddress: login.address,
      username: login.username,
      password: login.password,
    },
  });
  expect(stored.status).toBe(201);
  return stored.body;
}

/** Builds an image of its own on host b under `reference` and pushes it through Berth. */
async function buildAndPush(reference: string, seed: string): Promise<string> {
  references.add(reference);
  await dockerOk(b, ['build', '-q', '-t', reference, '-'], {
    input: `FROM ${f.image}\nRUN echo ${seed} > /seed\n`,
    env: { DOCKER_BUILDKIT: '0' },
    timeoutMs: 120_000,
  });
  const pushed = await berth.api('POST', `/api/hosts/${hostB}/images/push`, {
    token,
    body: { reference },
  });
  expect(pushed.status).toBe(200);
  return dockerOk(b, ['image', 'inspect', '-f', '{{.Id}}', reference]);
}

/** Pulls `reference` on host a through Berth and runs a container of it there. */
async function runOnA(name: string, reference: string): Promise<string> {
  references.add(reference);
  const pulled = await berth.api('POST', '/api/images/pull', {
    token,
    body: { reference, hostIds: [hostA] },
  });
  expect(pulled.status).toBe(200);
  return runLabelled(name, reference);
}

/** Runs a container on host a and waits until the inventory, which the check reads, has it. */
async function runLabelled(name: string, reference: string): Promise<string> {
  const labelled = ['--name', name, '--label', LABEL];
  const id = await dockerOk(a, ['run', '-d', ...labelled, reference, 'sleep', '3600']);
  await waitFor(
    async () => {
      const listed = await berth.api<TContainerListResponse>(
        'GET',
        `/api/containers?hostId=${hostA}&q=${name}`,
        { token },
      );
      return listed.body.items.some((item) => item.id === id && item.state === 'running');
    },
    10_000,
    `${name} in the inventory`,
  );
  return id;
}

async function check(name: string, as = token): Promise<TContainerUpdate> {
  const checked = await berth.api<TUpdateList>('POST', `/api/hosts/${hostA}/updates/check`, {
    token: as,
    body: { containers: [name] },
  });
  expect(checked.status).toBe(200);
  expect(checked.body.items).toHaveLength(1);
  return checked.body.items[0]!;
}

describe('a tag that names a new image', () => {
  const name = `upd-app-${RUN}`;
  const reference = `${f.registry.address}/berth-test/upd-${RUN}:stable`;
  let containerId = '';
  let newImage = '';

  it('is up to date while the registry holds what the container runs', async () => {
    await buildAndPush(reference, `one-${RUN}`);
    containerId = await runOnA(name, reference);
    const result = await check(name);
    expect(result).toMatchObject({
      hostId: hostA,
      containerId,
      containerName: name,
      image: reference,
      status: 'up_to_date',
      localDigest: expect.stringMatching(/^sha256:/),
    });
    expect(result.remoteDigest).toBe(result.localDigest);
  });

  it('is reported as an update once another image is pushed under the tag', async () => {
    newImage = await buildAndPush(reference, `two-${RUN}`);
    const result = await check(name);
    expect(result.status).toBe('update_available');
    expect(result.remoteDigest).not.toBe(result.localDigest);
    const listed = await berth.api<TUpdateList>('GET', `/api/updates?hostId=${hostA}`, { token });
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ containerId, status: 'update_available' }),
    );
  });

  it('cannot be pulled and recreated by a read-only user, who still sees the status', async () => {
    const readOnly = await grantedUserToken(berth, `upd-ro-${RUN}`, hostA, 'read-only');
    const refused = await berth.api('POST', `/api/hosts/${hostA}/containers/${name}/recreate`, {
      token: readOnly,
      body: { pull: true },
    });
    expect(refused.status).toBe(403);
    expect(await dockerOk(a, ['inspect', '-f', '{{.Id}}', name])).toBe(containerId);
    const seen = await berth.api<TUpdateList>('GET', '/api/updates', { token: readOnly });
    expect(seen.body.items).toContainEqual(
      expect.objectContaining({ containerId, status: 'update_available' }),
    );
  });

  it('is up to date after pull and recreate, under the same name', async () => {
    const recreated = await berth.api<TRecreateContainerResponse>(
      'POST',
      `/api/hosts/${hostA}/containers/${name}/recreate`,
      { token, body: { pull: true, t: 1 } },
    );
    expect(recreated.status).toBe(200);
    expect(recreated.body).toMatchObject({ name, previousId: containerId, started: true });
    expect(await dockerOk(a, ['inspect', '-f', '{{.Image}}', name])).toBe(newImage);
    const result = await check(name);
    expect(result).toMatchObject({ containerId: recreated.body.id, status: 'up_to_date' });
  });

  it('is checked when named before the inventory has it, as the dashboard does right after a recreate', async () => {
    const id = await dockerOk(a, ['inspect', '-f', '{{.Id}}', name]);
    // As if the engine's start event had not reached the inventory yet.
    berth.server.app.get(ContainerInventory).host(hostA)!.entries.delete(id);
    const result = await check(id);
    expect(result).toMatchObject({ containerId: id, containerName: name, status: 'up_to_date' });
  });
});

describe('an index of several platforms', () => {
  const repository = `berth-test/upd-multi-${RUN}`;
  const reference = `${f.registry.address}/${repository}:multi`;
  const name = `upd-multi-${RUN}`;
  let own = '';
  let other = '';
  let ownEntry: Awaited<ReturnType<typeof manifestEntry>>;

  it('is up to date when only another platform’s image changed', async () => {
    own = await dockerOk(a, ['version', '-f', '{{.Server.Arch}}']);
    other = own === 'arm64' ? 'amd64' : 'arm64';
    await buildAndPush(`${f.registry.address}/${repository}:${own}-1`, `multi-one-${RUN}`);
    ownEntry = await manifestEntry(basic, repository, `${own}-1`, own);
    const otherEntry = await pushTinyImage(basic, repository, `${other}-1`, other, '2026-01-01');
    const first = await pushIndexOf(basic, repository, 'multi', [ownEntry, otherEntry]);
    await runOnA(name, reference);
    // Pulled by tag from an index, the engine records the index's digest.
    expect(await dockerOk(a, ['image', 'inspect', '-f', '{{json .RepoDigests}}', reference])).toBe(
      JSON.stringify([`${f.registry.address}/${repository}@${first}`]),
    );
    expect(await check(name)).toMatchObject({ status: 'up_to_date', remoteDigest: first });

    const otherChanged = await pushTinyImage(basic, repository, `${other}-2`, other, '2026-02-02');
    const second = await pushIndexOf(basic, repository, 'multi', [ownEntry, otherChanged]);
    expect(second).not.toBe(first);
    const result = await check(name);
    expect(result).toMatchObject({ status: 'up_to_date', remoteDigest: second });
    expect(result.message).toMatch(/other platforms/);
  });

  it('reports an update when the image for the host’s platform changed', async () => {
    await buildAndPush(`${f.registry.address}/${repository}:${own}-2`, `multi-two-${RUN}`);
    const ownChanged = await manifestEntry(basic, repository, `${own}-2`, own);
    const otherEntry = await pushTinyImage(basic, repository, `${other}-2`, other, '2026-02-02');
    await pushIndexOf(basic, repository, 'multi', [ownChanged, otherEntry]);
    expect(await check(name)).toMatchObject({
      status: 'update_available',
      message: expect.stringContaining(`linux/${own}`),
    });
  });
});

it('calls an image built on the host unknown, not an update', async () => {
  const reference = `berth-test/upd-local-${RUN}:latest`;
  references.add(reference);
  await dockerOk(a, ['build', '-q', '-t', reference, '-'], {
    input: `FROM ${f.image}\nRUN echo local-${RUN} > /seed\n`,
    env: { DOCKER_BUILDKIT: '0' },
    timeoutMs: 120_000,
  });
  const name = `upd-local-${RUN}`;
  const id = await runLabelled(name, reference);
  const result = await check(name);
  expect(result).toMatchObject({ containerId: id, status: 'unknown', localDigest: null });
  expect(result.message).toMatch(/no registry digest/);
});

describe('the token registry', () => {
  const tokenRegistry = f.tokenRegistry!;
  const reference = `${tokenRegistry.address}/berth-test/upd-${RUN}:v1`;
  const name = `upd-token-${RUN}`;
  let registry: TRegistry;

  it('is asked with the stored login', async () => {
    registry = await storeRegistry('token', tokenRegistry);
    await buildAndPush(reference, `token-${RUN}`);
    await runOnA(name, reference);
    expect(await check(name)).toMatchObject({ status: 'up_to_date' });
  });

  it('answers a wrong stored password as a status with the registry’s reason', async () => {
    const wrong = `wrong-${RUN}-password`;
    const changed = await berth.api('PATCH', `/api/registries/${registry.id}`, {
      token,
      body: { password: wrong },
    });
    expect(changed.status).toBe(200);
    const result = await check(name);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/token service refused the login: 401/);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });
});
