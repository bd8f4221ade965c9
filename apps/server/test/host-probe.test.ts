import { connect, type NetConnectOpts } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { THost } from '@berth/shared';
import { TestBerth, waitFor } from './support/berth.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, type FleetHostName, fleetHost, fleetScript } from './support/fleet.js';

/**
 * Hosts c (TCP + TLS) and d (SSH) are stopped gracefully, like `systemctl stop docker`, while
 * Berth holds pooled connections to them. A stopping dockerd refuses new connections within a
 * second but keeps answering the ones it has until its containers are stopped: 10 s here, for a
 * container that ignores SIGTERM. Both hosts are started again afterwards whatever happens.
 */
jest.setTimeout(120_000);

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 3000;
/** Polling the status through the API, and the probe's own round trip. */
const SLACK_MS = 500;

describe('the health probe of a host being shut down', () => {
  let berth: TestBerth;
  let token: string;
  const hosts = ['c', 'd'] as const;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all(hosts.map((name) => fleetScript('start-host', name)));
    berth = await TestBerth.start({
      BERTH_HEALTH_INTERVAL_MS: String(INTERVAL_MS),
      BERTH_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    token = await berth.adminToken();
    for (const name of hosts) {
      ids.set(name, (await berth.addHost(token, fleetHost(name).registration)).id);
    }
  });

  afterAll(async () => {
    try {
      await Promise.all(hosts.map((name) => fleetScript('start-host', name)));
    } finally {
      await berth?.stop();
    }
  });

  const hostOf = async (name: string) =>
    (await berth.api<THost>('GET', `/api/hosts/${ids.get(name)}`, { token })).body;
  const gateway = (name: string): CliTarget => ({
    host: gatewayHost(berth.url, ids.get(name)!),
    token,
  });

  it('shows it down within one interval plus the timeout of refusing connections, while pooled ones still get answers', async () => {
    for (const name of hosts) {
      await waitFor(async () => (await hostOf(name)).status === 'up', 10_000, `${name} up`);
    }
    // PID 1 ignores SIGTERM: dockerd waits its whole stop timeout, answering pooled connections.
    const containers = new Map<FleetHostName, string>();
    for (const name of hosts) {
      const run = ['run', '-d', '--label', 'berth-test=host-probe', fleet().image, 'sleep', '600'];
      containers.set(name, await dockerOk(gateway(name), run));
    }
    try {
      // The gateway's and dockerode's pools now hold idle keep-alive connections to both engines.
      for (const name of hosts) {
        await dockerOk(gateway(name), ['ps', '-q']);
        const path = `/api/hosts/${ids.get(name)}/containers/${containers.get(name)}/json`;
        expect((await berth.api('GET', path, { token })).status).toBe(200);
      }

      const stopped = new Set<string>();
      // What the probe reaches: c's TLS port, and the socket d's `docker system dial-stdio` dials.
      const refusing = [
        refusedSince({ host: '10.231.3.2', port: 2376 }),
        refusedSince({ path: new URL(fleet().d.socket).pathname }),
      ];
      // fleet.sh runs one command at a time: d stops once c has.
      const stopping = hosts.map((name) =>
        fleetScript('stop-host', name).then(() => stopped.add(name)),
      );
      try {
        const seen = await Promise.all(
          hosts.map(async (name, i) => {
            await waitFor(
              async () => (await hostOf(name)).status === 'down',
              40_000,
              `${name} down`,
            );
            const downAt = Date.now();
            // dockerd is still stopping its container: a probe on a pooled connection saw it up.
            expect(stopped.has(name)).toBe(false);
            return {
              name,
              afterMs: downAt - (await refusing[i]!),
              error: (await hostOf(name)).error,
            };
          }),
        );
        for (const { afterMs } of seen) {
          expect(afterMs).toBeLessThan(INTERVAL_MS + TIMEOUT_MS + SLACK_MS);
        }
        // TCP is refused; over SSH, dial-stdio cannot reach the engine's socket and hangs up.
        expect(seen.map(({ name, error }) => [name, error])).toEqual([
          ['c', 'connection refused'],
          ['d', 'ECONNRESET: socket hang up'],
        ]);
      } finally {
        await Promise.all(stopping);
      }
    } finally {
      await Promise.all(hosts.map((name) => fleetScript('start-host', name)));
      for (const [name, id] of containers) {
        await docker({ host: fleetHost(name).direct }, ['rm', '-f', id]);
      }
    }
    for (const name of hosts) {
      await waitFor(async () => (await hostOf(name)).status === 'up', 10_000, `${name} up again`);
    }
  });
});

/**
 * The time a new connection to `target` was first refused (polled every 50 ms); NaN when it was
 * still accepted after a minute.
 */
async function refusedSince(target: NetConnectOpts): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(target)
        .once('connect', () => {
          socket.destroy();
          resolve(true);
        })
        .once('error', () => resolve(false));
    });
    if (!accepted) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.NaN;
}
