import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody } from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { grantedUserToken } from './support/granted-user.js';

/**
 * A container's logs downloaded through REST on the real fleet: the whole log from the engine
 * (thousands of lines, more than a viewer loads), stdout and stderr demultiplexed into plain text,
 * the stream named only when asked, tail and timestamps passed on, a TTY container's raw output,
 * the read-only role allowed (as in Portainer), a stranger's 404 and bad input named by field.
 */
jest.setTimeout(90_000);

const RUN = randomBytes(4).toString('hex');
const LINES = 3000;
const a: CliTarget = { host: fleetHost('a').direct };
const plain = `logs-${RUN}`;
const tty = `logs-tty-${RUN}`;

let berth: TestBerth;
let token: string;
let hostId: string;

const download = (name: string, query = '', as = token) =>
  berth.api<string>('GET', `/api/hosts/${hostId}/containers/${name}/logs${query}`, { token: as });
const linesOf = (text: string) => text.split('\n').slice(0, -1);

beforeAll(async () => {
  berth = await TestBerth.start();
  token = await berth.adminToken();
  hostId = (await berth.addHost(token, fleetHost('a').registration)).id;
  // The engine copies stdout and stderr apart: the pause keeps their order in the log certain.
  const script = `i=0; while [ $i -lt ${LINES} ]; do echo "line $i"; i=$((i+1)); done; sleep 1; echo oops >&2`;
  await dockerOk(a, ['run', '--name', plain, fleet().image, 'sh', '-c', script]);
  await dockerOk(a, ['run', '-t', '--name', tty, fleet().image, 'sh', '-c', 'echo on a tty']);
});

afterAll(async () => {
  await docker(a, ['rm', '-f', plain, tty]);
  await berth?.stop();
});

describe('downloading a container log', () => {
  it('answers the whole log as a text file, without stream prefixes', async () => {
    const res = await download(plain);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''${plain}.log`,
    );
    const lines = linesOf(res.body);
    expect(lines).toHaveLength(LINES + 1);
    expect(lines[0]).toBe('line 0');
    expect(lines.at(-2)).toBe(`line ${LINES - 1}`);
    expect(lines.at(-1)).toBe('oops');
    // No frame header bytes survive demultiplexing.
    expect([...res.body].filter((c) => c.charCodeAt(0) < 9)).toEqual([]);
  });

  it('names each line’s stream when asked, and passes tail and timestamps on', async () => {
    const prefixed = linesOf((await download(plain, '?prefix=true&tail=2')).body);
    expect(prefixed).toEqual([`stdout line ${LINES - 1}`, 'stderr oops']);
    const stamped = linesOf((await download(plain, '?timestamps=1&tail=3')).body);
    expect(stamped).toHaveLength(3);
    for (const line of stamped) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+ (line \d+|oops)$/);
  });

  it("passes a TTY container's output through as it was written", async () => {
    const res = await download(tty);
    expect(res.status).toBe(200);
    expect(linesOf(res.body)).toEqual(['on a tty']);
  });

  it('lets a read-only user download logs, and hides the host from a user without a grant', async () => {
    const reader = await grantedUserToken(berth, `reader-${RUN}`, hostId, 'read-only');
    const res = await download(plain, '?tail=1', reader);
    expect(res.status).toBe(200);
    expect(res.body).toBe('oops\n');
    const other = (await berth.addHost(token, fleetHost('b').registration)).id;
    const stranger = await grantedUserToken(berth, `stranger-${RUN}`, other, 'host-admin');
    const hidden = await download(plain, '', stranger);
    expect(hidden.status).toBe(404);
  });

  it('names the field of bad input and answers 404 for an unknown container', async () => {
    const bad = (await download(plain, '?tail=many')) as unknown as {
      status: number;
      body: ErrorBody;
    };
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues).toEqual([{ path: 'tail', message: expect.any(String) }]);
    const missing = await download(`missing-${RUN}`);
    expect(missing.status).toBe(404);
    expect((missing.body as unknown as ErrorBody).error.code).toBe('NOT_FOUND');
  });
});
