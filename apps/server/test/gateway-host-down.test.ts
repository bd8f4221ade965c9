import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, THost } from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleetHost, fleetScript } from './support/fleet.js';

/**
 * Host b's engine is killed (kill -9, like a crash) while Berth runs, and started again. Host b
 * is started again after the test whatever happens, so the fleet is left up.
 */
jest.setTimeout(60_000);

describe('a host whose engine dies and comes back', () => {
  let berth: TestBerth;
  let token: string;
  let hostId: string;
  let gw: CliTarget;

  beforeAll(async () => {
    await fleetScript('start-host', 'b'); // in case an earlier run left it stopped
    berth = await TestBerth.start(TestBerth.QUICK_HEALTH);
    token = await berth.adminToken();
    hostId = (await berth.addHost(token, fleetHost('b').registration)).id;
    gw = { host: gatewayHost(berth.url, hostId), token };
  });

  afterAll(async () => {
    try {
      await fleetScript('start-host', 'b'); // a no-op when b already runs
    } finally {
      await berth?.stop();
    }
  });

  const statusOf = async () =>
    (await berth.api<THost>('GET', `/api/hosts/${hostId}`, { token })).body.status;

  it('turns down within 10 s, fails gateway calls fast, and serves again once it is back', async () => {
    await waitFor(async () => (await statusOf()) === 'up', 10_000, 'b up at the start');
    expect(await dockerOk(gw, ['info', '--format', '{{.Name}}'])).toBe('berth-b');
    try {
      // Measured from the kill: the script returns once dockerd is gone.
      const killedAt = Date.now();
      await fleetScript('stop-host', 'b', '--kill');
      await waitFor(async () => (await statusOf()) === 'down', 10_000, 'b down');
      const downAfterMs = Date.now() - killedAt;
      expect(downAfterMs).toBeLessThan(10_000);

      const started = performance.now();
      const res = await fetch(`${berth.url}/api/hosts/${hostId}/docker/v1.41/containers/json`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as ErrorBody & { message: string };
      const failedAfterMs = performance.now() - started;
      expect(res.status).toBe(502);
      expect(body.error).toMatchObject({ code: 'HOST_UNREACHABLE', details: { hostId } });
      expect(body.error.message).toBe('host b is unreachable: connection refused');
      expect(failedAfterMs).toBeLessThan(1_000);

      // The docker CLI prints the reason, not an empty "Error response from daemon:".
      const ps = await docker(gw, ['ps']);
      expect(ps.code).toBe(1);
      expect(ps.stderr).toContain('host b is unreachable: connection refused');
    } finally {
      await fleetScript('start-host', 'b');
    }
    // Measured from the moment the engine answers again (start-host waits for that).
    const upAfterMs = await waitFor(async () => (await statusOf()) === 'up', 10_000, 'b up');
    expect(upAfterMs).toBeLessThan(10_000);
    // The same Berth, with the same pooled connection setup, reaches the engine again.
    await dockerOk(gw, ['ps', '-a']);
    expect(await dockerOk(gw, ['info', '--format', '{{.Name}}'])).toBe('berth-b');
  });
});
