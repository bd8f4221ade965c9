import { AsyncResource } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { API_ROUTES, BERTH_LABELS, BUILT_IN_ROLES, PERMISSION_NAMES } from '@berth/shared';
import { ENGINE_ROUTES } from '../src/gateway/engine-routes.js';
import { type Cell, readRoleMatrix } from './role-matrix.js';
import { PROBES, type Probe, type Seen } from './role-matrix.probes.js';
import { MatrixWorld, type Whose } from './role-matrix.world.js';
import { TestBerth } from './support/berth.js';

/**
 * Every built-in role against every catalog permission, on host a of the real fleet, through
 * REST, the Engine API gateway (the docker CLI for a few cells) and socket.io, judged against the
 * hand-written matrix in role-matrix.md. Each (role, permission) cell is one test.
 */
jest.setTimeout(60_000);

const matrix = readRoleMatrix();
/**
 * The server is started outside Jest's async context. Jest keeps its whole test tree (180 tests
 * here) in an AsyncLocalStorage store that every async resource made inside a test inherits, and
 * docker-modem `util.inspect`s its request options, agent and sockets included, on every call:
 * with that store reachable each dockerode call took seconds.
 */
const OUTSIDE_JEST = new AsyncResource('berth-role-matrix');
const SERVER_SOURCE = new URL('../src/', import.meta.url).pathname;

/** Where the server checks a permission outside the gateway's route table: file names. */
function serverFilesNaming(permission: string): string[] {
  return sourceFiles(SERVER_SOURCE)
    .filter((file) => !file.endsWith('.test.ts') && !file.endsWith('gateway/engine-routes.ts'))
    .filter((file) => readFileSync(file, 'utf8').includes(`'${permission}'`))
    .map((file) => file.slice(SERVER_SOURCE.length));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** REST routes that declare the permission: the server checks it before their handlers run. */
function restRoutesNeeding(permission: string): string[] {
  return API_ROUTES.filter((route) => route.permission === permission).map(
    (route) => `${route.method} ${route.path}`,
  );
}

function engineRoutesNeeding(permission: string): string[] {
  return ENGINE_ROUTES.filter((route) => route.permission === permission).map(
    (route) => `${route.method} ${route.path}`,
  );
}

function rowOf(permission: string) {
  return matrix.rows.find((row) => row.permission === permission);
}

describe('the expected matrix (role-matrix.md)', () => {
  it('has one row per catalog permission', () => {
    const rows = matrix.rows.map((row) => row.permission);
    expect([...rows].sort()).toEqual([...PERMISSION_NAMES].sort());
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('has one column per built-in role', () => {
    expect([...matrix.roles].sort()).toEqual([...BUILT_IN_ROLES].sort());
  });

  it('names exactly the channels the probes below exercise for each permission', () => {
    const named = Object.fromEntries(
      matrix.rows.map((row) => [row.permission, [...row.channels].sort()]),
    );
    const probed = Object.fromEntries(
      matrix.rows.map((row) => [
        row.permission,
        [
          ...new Set(PROBES.filter((p) => p.permission === row.permission).map((p) => p.channel)),
        ].sort(),
      ]),
    );
    expect(probed).toEqual(named);
  });

  it('marks the gateway for every permission an Engine API route needs', () => {
    const needed = [...new Set(ENGINE_ROUTES.map((route) => route.permission))];
    const unmarked = needed.filter(
      (permission) => !rowOf(permission)?.channels.includes('gateway'),
    );
    expect(unmarked).toEqual([]);
  });

  it('marks REST or socket.io for every permission the server checks outside the gateway', () => {
    const unmarked = PERMISSION_NAMES.filter((permission) => {
      const channels = rowOf(permission)?.channels ?? [];
      const checked =
        serverFilesNaming(permission).length > 0 || restRoutesNeeding(permission).length > 0;
      return checked && !channels.includes('rest') && !channels.includes('socket');
    });
    expect(unmarked).toEqual([]);
  });
});

describe('every role × permission on a real engine', () => {
  let berth: TestBerth;
  let world: MatrixWorld;

  beforeAll(async () => {
    berth = await OUTSIDE_JEST.runInAsyncScope(() => TestBerth.start());
    world = await MatrixWorld.create(berth, BUILT_IN_ROLES);
  }, 120_000);

  afterAll(async () => {
    await world?.cleanup();
    await berth?.stop();
  });

  /** A probe runs where the matrix grants what its route checks first. */
  const runsFor = (probe: Probe, role: string) =>
    (probe.after ?? []).every((first) => rowOf(first)?.cells[role] !== 'deny');

  describe.each([...BUILT_IN_ROLES])('%s', (role) => {
    it.each([...PERMISSION_NAMES])(`%s`, async (permission) => {
      const row = rowOf(permission);
      const cell = row?.cells[role];
      if (!row || !cell) throw new Error(`${role} × ${permission} is missing from role-matrix.md`);
      if (row.channels.length === 0) {
        // `none yet`: nothing may check it, or this cell would be claimed without being tested.
        expect({
          engineRoutes: engineRoutesNeeding(permission),
          restRoutes: restRoutesNeeding(permission),
          server: serverFilesNaming(permission),
        }).toEqual({ engineRoutes: [], restRoutes: [], server: [] });
        return;
      }
      const seen: Record<string, string> = {};
      const wanted: Record<string, string> = {};
      const probes = PROBES.filter((p) => p.permission === permission && runsFor(p, role));
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes) await judge(probe, role, cell, seen, wanted);
      expect(seen).toEqual(wanted);
    });
  });

  /** Runs one probe as the role's user and writes down what it saw next to what the cell wants. */
  async function judge(
    probe: Probe,
    role: string,
    cell: Cell,
    seen: Record<string, string>,
    wanted: Record<string, string>,
  ): Promise<void> {
    const as = world.accounts.get(role)!;
    const label = `${probe.channel}: ${probe.name}`;
    if (probe.on === 'host' || probe.on === 'list' || probe.on === 'create') {
      // A host-wide probe has no owner to limit it to; `own` cells judge the probes that do.
      if (cell === 'own' && probe.on === 'host') return;
      seen[label] = verdict(await probe.run(world, as, null, 'theirs'));
      wanted[label] = expectedOf(probe, cell);
      return;
    }
    // `allow` and `deny` act on a stranger's object; `own` on the user's own, then a stranger's.
    const whoses: Whose[] = cell === 'own' ? ['mine', 'theirs'] : ['theirs'];
    for (const whose of whoses) {
      const target = await world.target(probe.on, whose);
      seen[`${label} on ${whose}`] = verdict(await probe.run(world, as, target, whose));
      wanted[`${label} on ${whose}`] =
        cell === 'deny'
          ? `refused: ${probe.permission}`
          : cell === 'allow' || whose === 'mine'
            ? 'allowed'
            : 'hidden';
    }
  }

  function expectedOf(probe: Probe, cell: Cell): string {
    if (cell === 'deny') return `refused: ${probe.permission}`;
    if (probe.on === 'list')
      return cell === 'own' ? "lists only mine and my team's" : "lists everyone's";
    if (probe.on === 'create' && cell === 'own') return 'allowed, made mine';
    return 'allowed';
  }

  function verdict(seen: Seen): string {
    switch (seen.kind) {
      case 'refused':
        return `refused: ${seen.missing}`;
      case 'hidden':
        return 'hidden';
      case 'unexpected':
        return `unexpected: ${seen.detail}`;
      case 'allowed':
        break;
    }
    if (seen.listing) {
      const { listed, mine, theirs } = seen.listing;
      const showsMine = mine.every((id) => listed.includes(id));
      const showsTheirs = theirs.some((id) => listed.includes(id));
      if (showsMine) return showsTheirs ? "lists everyone's" : "lists only mine and my team's";
      return `lists ${showsTheirs ? 'theirs' : 'neither'} without mine`;
    }
    const labels = seen.labels ?? {};
    const mine =
      labels[BERTH_LABELS.owner] === world.standard.id &&
      labels[BERTH_LABELS.team] === world.teamId;
    return mine ? 'allowed, made mine' : 'allowed';
  }
});
