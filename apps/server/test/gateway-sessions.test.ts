import { randomBytes } from 'node:crypto';
import { type ClientRequest, request } from 'node:http';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { TestBerth } from './support/berth.js';
import {
  type CliTarget,
  docker,
  dockerOk,
  dockerStream,
  gatewayHost,
} from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { type LimitedSshServer, startLimitedSshServer } from './support/ssh-server.js';

/** Long-lived gateway connections: many streams at once over SSH, and sessions open at shutdown. */
jest.setTimeout(60_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth.test=gateway-sessions-${RUN}`;
const own: CliTarget = { host: fleetHost('a').direct };

afterAll(async () => {
  const labelled = (await docker(own, ['ps', '-aq', '--filter', `label=${LABEL}`])).stdout;
  const ids = labelled.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(own, ['rm', '-f', ...ids]);
});

/** Opens a streaming GET and resolves once its headers are in; the stream stays open. */
function openStream(url: string, token: string): Promise<{ status: number; req: ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, req });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each([
  { maxSessions: 10, note: "OpenSSH's default, known in advance" },
  { maxSessions: 3, note: 'fewer: found out from refused channels' },
])(
  'an SSH host whose sshd allows $maxSessions sessions per connection ($note)',
  ({ maxSessions }) => {
    let berth: TestBerth | undefined;
    let ssh: LimitedSshServer | undefined;

    afterAll(async () => {
      await berth?.stop();
      await ssh?.close();
    });

    it('serves 15 concurrent streams over further connections', async () => {
      ssh = await startLimitedSshServer(fleetHost('d').direct.slice('unix://'.length), maxSessions);
      berth = await TestBerth.start(TestBerth.SSH_TIMEOUT);
      const token = await berth.adminToken();
      const host = await berth.addHost(token, {
        name: 'limited-ssh',
        url: ssh.url,
        ssh: { privateKey: ssh.privateKey },
      });
      expect(host.engine?.hostname).toBe('berth-d');

      // 15 event streams held open at once: each holds one SSH session channel.
      const eventsUrl = `${berth.url}/api/hosts/${host.id}/docker/v1.41/events`;
      const streams = await Promise.all(
        Array.from({ length: 15 }, () => openStream(eventsUrl, token)),
      );
      try {
        expect(streams.map((s) => s.status)).toEqual(Array.from({ length: 15 }, () => 200));
        // Ordinary calls still get through on top of them.
        const gw = { host: gatewayHost(berth.url, host.id), token };
        expect(await dockerOk(gw, ['info', '--format', '{{.Name}}'])).toBe('berth-d');
        expect(ssh.stats.peakSessions).toBe(maxSessions);
        expect(ssh.stats.connections).toBeGreaterThanOrEqual(Math.ceil(15 / maxSessions));
        if (maxSessions === 10) expect(ssh.stats.refused).toBe(0);
      } finally {
        for (const { req } of streams) req.destroy();
      }
    });
  },
);

describe('shutdown with an exec session open through the gateway', () => {
  it('ends the session and does not wait for it', async () => {
    const berth = await TestBerth.start();
    let stopped = false;
    try {
      const token = await berth.adminToken();
      // A unix socket host: closing its connection pool does not reach an upgraded socket.
      const { id } = await berth.addHost(token, fleetHost('a').registration);
      const gw = { host: gatewayHost(berth.url, id), token };
      const name = `session-${RUN}`;
      await dockerOk(gw, [
        'run',
        '-d',
        '--name',
        name,
        '--label',
        LABEL,
        fleet().image,
        'sleep',
        '300',
      ]);
      // stdin stays open, so the upgraded exec connection stays open too.
      const session = dockerStream(gw, ['exec', '-i', name, 'sh', '-c', 'echo ready; cat']);
      await session.waitForOutput(/^ready\n$/);

      const started = Date.now();
      stopped = true;
      const stopping = berth.stop().then(() => Date.now() - started);
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<number>(
        (resolve) => (timer = setTimeout(resolve, 10_000, Infinity)),
      );
      // 3 s is the grace period Berth gives plain HTTP streams when it stops.
      expect(
        await Promise.race([stopping, giveUp]).finally(() => clearTimeout(timer)),
      ).toBeLessThan(5_000);
      const ended = await session.stop();
      expect(ended.stdout).toBe('ready\n');
    } finally {
      if (!stopped) await berth.stop();
    }
  });
});
