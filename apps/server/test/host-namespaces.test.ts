import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, THost, THostPolicy } from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { createUser, signIn, tokenFor, USER_PASSWORD } from './support/identity.js';

/**
 * The host's UTS, user and cgroup namespaces are policy switches like PID, IPC and network: a
 * user who is not a global administrator gets them neither through the gateway nor through a
 * REST recreate of a container that has them, unless the host's policy allows them.
 */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `test.run=${RUN}`;
const IMAGE = fleet().image;
const direct: CliTarget = { host: fleetHost('a').direct };

const NAMESPACES = [
  ['--uts', 'UTSMode', 'forbidHostUts'],
  ['--userns', 'UsernsMode', 'forbidHostUserns'],
  ['--cgroupns', 'CgroupnsMode', 'forbidHostCgroupns'],
] as const;

describe('host UTS, user and cgroup namespaces', () => {
  let berth: TestBerth;
  let admin: string;
  let host: THost;
  let user: { id: string; token: string };

  beforeAll(async () => {
    berth = await TestBerth.start();
    admin = await berth.adminToken();
    host = await berth.addHost(admin, fleetHost('a').registration);
    const account = await createUser(berth, admin, `ns-${RUN}`);
    const grant = await berth.api('POST', '/api/grants', {
      token: admin,
      body: { userId: account.id, hostId: host.id, role: 'standard' },
    });
    expect(grant.status).toBe(201);
    const { session } = await signIn(berth, account.username, USER_PASSWORD);
    user = { id: account.id, token: await tokenFor(berth, session!) };
  });

  afterAll(async () => {
    const ids = (await docker(direct, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(direct, ['rm', '-f', ...ids]);
    await berth?.stop();
  });

  const gateway = (token: string): CliTarget => ({ host: gatewayHost(berth.url, host.id), token });
  const create = (token: string, flags: string[]) =>
    docker(gateway(token), ['create', '--label', LABEL, ...flags, IMAGE, 'true']);
  const setPolicy = (body: Partial<THostPolicy>) =>
    berth.api<THostPolicy>('PUT', `/api/hosts/${host.id}/policy`, { token: admin, body });

  it('refuses each to a non-administrator through the gateway, naming the field', async () => {
    for (const [flag, field] of NAMESPACES) {
      const refused = await create(user.token, [flag, 'host']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`HostConfig.${field}`);
    }
    expect((await create(user.token, [])).code).toBe(0);
    // A global administrator is not bound by the policy.
    expect((await create(admin, ['--uts', 'host'])).code).toBe(0);
  });

  it('lets each through once the policy allows it, and only that one', async () => {
    for (const [flag, field, key] of NAMESPACES) {
      expect((await setPolicy({ [key]: false })).status).toBe(200);
      expect((await create(user.token, [flag, 'host'])).code).toBe(0);
      const others = NAMESPACES.filter(([, other]) => other !== field);
      for (const [otherFlag, otherField] of others) {
        const refused = await create(user.token, [otherFlag, 'host']);
        expect(refused.stderr).toContain(`HostConfig.${otherField}`);
      }
    }
    expect((await setPolicy({})).status).toBe(200);
  });

  it('lets a non-administrator recreate their own plain container under the default policy', async () => {
    // The engine reports its own defaults (masked /proc paths, on cgroup v1 the host cgroup
    // namespace) in every inspect: they are not choices the policy weighs.
    const id = await dockerOk(direct, [
      'create',
      '--label',
      LABEL,
      '--label',
      `berth.owner=${user.id}`,
      IMAGE,
      'true',
    ]);
    const recreated = await berth.api<{ id: string }>(
      'POST',
      `/api/hosts/${host.id}/containers/${id}/recreate`,
      { token: user.token, body: {} },
    );
    expect(recreated.status).toBe(200);
    expect(recreated.body.id).not.toBe(id);
  });

  it('refuses a REST recreate of their own container that is in the host UTS namespace', async () => {
    const id = await dockerOk(direct, [
      'create',
      '--label',
      LABEL,
      '--label',
      `berth.owner=${user.id}`,
      '--uts',
      'host',
      IMAGE,
      'true',
    ]);
    const refused = await berth.api<ErrorBody>(
      'POST',
      `/api/hosts/${host.id}/containers/${id}/recreate`,
      { token: user.token, body: {} },
    );
    expect(refused.status).toBe(403);
    // The same rule as the gateway's; other fields the engine reports may be named too.
    expect(refused.body.error.details?.issues).toContainEqual({
      path: 'HostConfig.UTSMode',
      message: "the host's UTS namespace (its hostname) is not allowed on this host",
    });
  });
});
