import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TestBerth } from './support/berth.js';
import {
  type CliTarget,
  docker,
  dockerOk,
  dockerStream,
  gatewayHost,
} from './support/docker-cli.js';
import { type FleetHost, fleet, fleetHost } from './support/fleet.js';

/**
 * The real docker CLI (Debian's 20.10) through Berth's gateway against each kind of host: a unix
 * socket (a), TCP + mutual TLS (c) and SSH (d). Every test runs its check on the three hosts at
 * once (they are separate engines) and names the host that failed. Everything a test creates
 * carries one label and a random name, and is removed through the engine's own socket afterwards,
 * pass or fail.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const LABEL = `berth.test=gateway-cli-${RUN}`;
const IMAGE = fleet().image;

interface Host extends FleetHost {
  /** Berth's id of the host. */
  id: string;
  token: string;
  /** The docker CLI pointed at the gateway, with an admin API token. */
  gw: CliTarget;
  /** The docker CLI pointed at the engine's own socket, bypassing Berth. */
  own: CliTarget;
}

let berth: TestBerth;
const hosts: Host[] = [];

beforeAll(async () => {
  berth = await TestBerth.start();
  const token = await berth.adminToken();
  for (const name of ['a', 'c', 'd'] as const) {
    const host = fleetHost(name);
    const { id } = await berth.addHost(token, host.registration);
    hosts.push({
      ...host,
      id,
      token,
      gw: { host: gatewayHost(berth.url, id), token },
      own: { host: host.direct },
    });
  }
  const { address, username, password } = fleet().registry;
  const stored = await berth.api('POST', '/api/registries', {
    token,
    body: { name: 'fleet registry', serverAddress: address, username, password },
  });
  expect(stored.status).toBe(201);
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => removeLabelled(host.own)));
  await berth?.stop();
});

/** Runs one check on every host at once; the error names each host that failed. */
async function onEveryHost(check: (host: Host) => Promise<void>): Promise<void> {
  expect(hosts.map((host) => host.name)).toEqual(['a', 'c', 'd']);
  const results = await Promise.allSettled(hosts.map(check));
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected'
      ? [
          `host ${hosts[i]?.name} (${hosts[i]?.kind}): ${(result.reason as Error).message ?? String(result.reason)}`,
        ]
      : [],
  );
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}

function unique(prefix: string): string {
  return `${prefix}-${RUN}-${randomBytes(3).toString('hex')}`;
}

describe('docker CLI through the gateway on hosts a (unix), c (TLS) and d (SSH)', () => {
  it('info reports the engine behind each host', () =>
    onEveryHost(async ({ gw, engineName }) => {
      expect(await dockerOk(gw, ['info', '--format', '{{.Name}}'])).toBe(engineName);
    }));

  it('run -d, ps, stop and rm manage a container', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('ps');
      const id = await dockerOk(gw, [
        'run',
        '-d',
        '--name',
        name,
        '--label',
        LABEL,
        IMAGE,
        'sleep',
        '300',
      ]);
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const format = ['--no-trunc', '--filter', `name=^${name}$`, '--format', '{{.ID}} {{.State}}'];
      expect(await dockerOk(gw, ['ps', ...format])).toBe(`${id} running`);

      expect(await dockerOk(gw, ['stop', '-t', '1', name])).toBe(name);
      expect(await dockerOk(gw, ['ps', ...format])).toBe('');
      expect(await dockerOk(gw, ['ps', '-a', ...format])).toBe(`${id} exited`);

      expect(await dockerOk(gw, ['rm', name])).toBe(name);
      const gone = await docker(gw, ['inspect', name]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`No such object: ${name}`);
    }));

  it('run -i pipes stdin in and the output back, end of input included', () =>
    onEveryHost(async ({ gw }) => {
      // 2000 random lines (66 kB): many reads on every hop, so order and flow control count.
      const input = Array.from({ length: 2000 }, () => randomBytes(16).toString('hex')).join('\n');
      const marker = unique('eof');
      const command = ['sh', '-c', `cat; echo; echo ${marker}`];
      const out = await dockerOk(gw, ['run', '-i', '--rm', '--label', LABEL, IMAGE, ...command], {
        input,
      });
      // The marker is printed only after cat saw the end of input: the half-close went through.
      expect(out).toBe(`${input}\n${marker}`);
    }));

  it('exec -i pipes stdin into a running container and passes the exit code back', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('exec');
      await dockerOk(gw, ['run', '-d', '--name', name, '--label', LABEL, IMAGE, 'sleep', '300']);
      const input = `${unique('stdin')}\n`.repeat(500);
      const command = ['sh', '-c', 'cat > /tmp/in; wc -c < /tmp/in'];
      expect(Number(await dockerOk(gw, ['exec', '-i', name, ...command], { input }))).toBe(
        input.length,
      );
      expect(await dockerOk(gw, ['exec', name, 'cat', '/tmp/in'])).toBe(input.trim());
      const failed = await docker(gw, ['exec', name, 'sh', '-c', 'echo oops >&2; exit 7']);
      expect(failed).toMatchObject({ code: 7, stdout: '', stderr: 'oops\n' });
      await dockerOk(gw, ['rm', '-f', name]);
    }));

  it('logs -f shows a new line while following, and ends when the CLI is stopped', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('logs');
      const later = unique('later');
      // The second line is written only once the test creates /tmp/go, i.e. while logs -f runs.
      const script = `echo first; until [ -f /tmp/go ]; do sleep 0.1; done; echo ${later}; sleep 300`;
      await dockerOk(gw, [
        'run',
        '-d',
        '--name',
        name,
        '--label',
        LABEL,
        IMAGE,
        'sh',
        '-c',
        script,
      ]);
      const logs = dockerStream(gw, ['logs', '-f', name]);
      try {
        await logs.waitForOutput(/^first\n$/);
        await dockerOk(gw, ['exec', name, 'touch', '/tmp/go']);
        await logs.waitForOutput(new RegExp(`^first\\n${later}\\n$`));
      } finally {
        const started = Date.now();
        await logs.stop();
        expect(Date.now() - started).toBeLessThan(2_000);
      }
      await dockerOk(gw, ['rm', '-f', name]);
    }));

  it('wait answers its headers at once and its body when the container exits', async () => {
    const [{ id, token, gw }] = hosts as [Host];
    const name = unique('wait');
    await dockerOk(gw, ['run', '-d', '--name', name, '--label', LABEL, IMAGE, 'sleep', '3']);
    try {
      const started = Date.now();
      const res = await fetch(`${berth.url}/api/hosts/${id}/docker/v1.41/containers/${name}/wait`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      // fetch resolves with the headers: well before the container's three seconds are up.
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await res.json()).toMatchObject({ StatusCode: 0 });
      expect(Date.now() - started).toBeGreaterThan(1_000);
    } finally {
      await docker(gw, ['rm', '-f', name]);
    }
  });

  it('events streams container events as they happen', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('events');
      // --since lets the create event arrive even if the stream reaches the engine after it; the
      // destroy event is made once the stream has delivered something, so it can only come live.
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const filters = ['--filter', 'type=container', '--filter', `container=${name}`];
      const format = ['--format', '{{.Action}} {{.Actor.Attributes.name}}'];
      const events = dockerStream(gw, ['events', '--since', since, ...filters, ...format]);
      try {
        await dockerOk(gw, ['create', '--name', name, '--label', LABEL, IMAGE, 'true']);
        await events.waitForOutput(new RegExp(`^create ${name}\\n`));
        await dockerOk(gw, ['rm', name]);
        await events.waitForOutput(new RegExp(`^create ${name}\\ndestroy ${name}\\n$`));
      } finally {
        await events.stop();
      }
    }));

  it('network create, ls and rm', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('net');
      const id = await dockerOk(gw, ['network', 'create', '--label', LABEL, name]);
      const ls = ['network', 'ls', '--no-trunc', '--filter', `name=^${name}$`];
      expect(await dockerOk(gw, [...ls, '--format', '{{.ID}} {{.Driver}}'])).toBe(`${id} bridge`);
      expect(await dockerOk(gw, ['network', 'rm', name])).toBe(name);
      expect(await dockerOk(gw, ls.concat('-q'))).toBe('');
    }));

  it('volume create, ls and rm', () =>
    onEveryHost(async ({ gw }) => {
      const name = unique('vol');
      expect(await dockerOk(gw, ['volume', 'create', '--label', LABEL, name])).toBe(name);
      const ls = ['volume', 'ls', '--filter', `name=^${name}$`];
      expect(await dockerOk(gw, [...ls, '--format', '{{.Name}} {{.Driver}}'])).toBe(
        `${name} local`,
      );
      expect(await dockerOk(gw, ['volume', 'rm', name])).toBe(name);
      expect(await dockerOk(gw, ls.concat('-q'))).toBe('');
    }));

  it('build uploads a context (classic builder); the image runs and holds the file', () =>
    onEveryHost(async ({ gw }) => {
      const tag = `${unique('built')}:1`;
      const content = unique('content');
      const context = mkdtempSync(join(tmpdir(), 'berth-build-'));
      try {
        const dockerfile = `FROM ${IMAGE}\nCOPY greeting.txt /greeting.txt\nRUN wc -c < /greeting.txt >> /greeting.txt\n`;
        writeFileSync(join(context, 'Dockerfile'), dockerfile);
        writeFileSync(join(context, 'greeting.txt'), `${content}\n`);
        // 256 kB of noise so the context spans many chunks on its way through the gateway.
        writeFileSync(join(context, 'noise.bin'), randomBytes(256 * 1024));
        const out = await dockerOk(gw, ['build', '--label', LABEL, '-t', tag, context], {
          env: { DOCKER_BUILDKIT: '0' },
        });
        expect(out).toMatch(/^Sending build context to Docker daemon +2\d\d(\.\d+)?kB$/m);
        expect(out).toContain(`Successfully tagged ${tag}`);
        const cat = await dockerOk(gw, [
          'run',
          '--rm',
          '--label',
          LABEL,
          tag,
          'cat',
          '/greeting.txt',
        ]);
        // COPY brought the file from the context; RUN appended its length inside the engine.
        expect(cat).toBe(`${content}\n${content.length + 1}`);
      } finally {
        rmSync(context, { recursive: true, force: true });
        await docker(gw, ['rmi', tag]);
      }
    }));

  it('push and pull through the test registry with the credentials stored in Berth', () =>
    onEveryHost(async ({ gw }) => {
      const ref = `${fleet().registry.address}/${unique('team')}/busybox:1.0`;
      await dockerOk(gw, ['tag', IMAGE, ref]);
      try {
        const pushed = await dockerOk(gw, ['push', ref]);
        expect(pushed).toMatch(/^1\.0: digest: sha256:[0-9a-f]{64} size: \d+$/m);
        await dockerOk(gw, ['rmi', ref]);
        expect((await docker(gw, ['image', 'inspect', ref])).code).toBe(1);

        const pulled = await dockerOk(gw, ['pull', ref]);
        expect(pulled).toContain(`Status: Downloaded newer image for ${ref}`);
        const idOf = (image: string) => dockerOk(gw, ['image', 'inspect', '-f', '{{.Id}}', image]);
        expect(await idOf(ref)).toBe(await idOf(IMAGE));
      } finally {
        await docker(gw, ['rmi', ref]);
      }
    }));
});

describe('what the gateway prints equals what the engine socket prints', () => {
  it('ps -a, images and inspect on hosts a, c and d', () =>
    onEveryHost(async ({ gw, own }) => {
      const running = unique('same-up');
      const created = unique('same-new');
      const tag = `${unique('same')}:1`;
      const labels = ['--label', LABEL, '--label', 'purpose=equality'];
      const publish = ['-p', '127.0.0.1::80'];
      await dockerOk(own, [
        'run',
        '-d',
        '--name',
        running,
        ...labels,
        ...publish,
        IMAGE,
        'sleep',
        '300',
      ]);
      await dockerOk(own, ['create', '--name', created, ...labels, '-v', '/data', IMAGE, 'true']);
      await dockerOk(own, ['tag', IMAGE, tag]);
      // Only what this test made (other tests may use the same engines meanwhile), and only
      // absolute fields: .Status and .RunningFor ("Up 3 seconds") change between two calls, and
      // .Labels lists a Go map, in a different order each time.
      const ps = [
        'ps',
        '-a',
        '--no-trunc',
        '--filter',
        `label=${LABEL}`,
        '--format',
        '{{.ID}}|{{.Image}}|{{.Command}}|{{.CreatedAt}}|{{.State}}|{{.Ports}}|{{.Names}}|{{.Label "berth.test"}}|{{.Label "purpose"}}|{{.Mounts}}|{{.Networks}}',
      ];
      const images = [
        'images',
        '-a',
        '--no-trunc',
        '--digests',
        '--filter',
        `reference=${IMAGE}`,
        '--filter',
        `reference=${tag}`,
        '--format',
        '{{.ID}}|{{.Repository}}|{{.Tag}}|{{.Digest}}|{{.CreatedAt}}|{{.Size}}',
      ];
      // Lists are compared as sets of lines: rows with equal sort keys (two tags of one image,
      // containers created in the same second) come in either order, even from the engine alone.
      const lines = (text: string) => text.split('\n').sort();
      for (const args of [ps, images]) {
        const [through, direct] = await Promise.all([dockerOk(gw, args), dockerOk(own, args)]);
        expect(lines(through)).toEqual(lines(direct));
      }
      const inspect = ['inspect', running, created, tag];
      const [through, direct] = await Promise.all([dockerOk(gw, inspect), dockerOk(own, inspect)]);
      expect(through).toBe(direct);
      const listed = (await dockerOk(gw, ps)).split('\n');
      expect(listed).toHaveLength(2);
      expect(listed).toContainEqual(
        expect.stringMatching(`\\|running\\|127\\.0\\.0\\.1:\\d+->80/tcp\\|${running}\\|`),
      );
      expect(listed).toContainEqual(expect.stringContaining(`|created||${created}|`));
      const repositories = (await dockerOk(gw, images)).split('\n').map((l) => l.split('|')[1]);
      expect(repositories.sort()).toEqual([IMAGE.split(':')[0], tag.split(':')[0]].sort());
      await dockerOk(own, ['rm', '-f', '-v', running, created]);
      await dockerOk(own, ['rmi', tag]);
    }));
});

/** Removes every container, network, volume and image this file made on one engine. */
async function removeLabelled(target: CliTarget): Promise<void> {
  const filter = ['--filter', `label=${LABEL}`];
  const list = async (args: string[]) =>
    [...new Set((await docker(target, args)).stdout.split('\n'))].filter(Boolean);
  const containers = await list(['ps', '-aq', ...filter]);
  if (containers.length > 0) await docker(target, ['rm', '-f', '-v', ...containers]);
  const networks = await list(['network', 'ls', '-q', ...filter]);
  if (networks.length > 0) await docker(target, ['network', 'rm', ...networks]);
  const volumes = await list(['volume', 'ls', '-q', ...filter]);
  if (volumes.length > 0) await docker(target, ['volume', 'rm', ...volumes]);
  // Built images carry the label; tags of the base image (pushed, compared) carry the run id.
  const tags = await list(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  const images = [
    ...(await list(['images', '-q', ...filter])),
    ...tags.filter((t) => t.includes(RUN)),
  ];
  if (images.length > 0) await docker(target, ['rmi', '-f', ...images]);
}
