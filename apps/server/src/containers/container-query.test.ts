import { describe, expect, it } from '@jest/globals';
import type { Logger } from 'pino';
import type { EngineRegistry } from '../hosts/engine-registry.js';
import { HostInventory } from '../inventory/host-inventory.js';
import { toInventoryEntry } from '../inventory/inventory-entry.js';
import { type ListFilter, pageRows, sortRows } from './container-query.js';

const STATES = ['running', 'exited', 'paused', 'created'];

/** Ten hosts of 500 containers each, as the engine would list them. */
function fleetOf(hosts: number, perHost: number): HostInventory[] {
  const at = new Date();
  return Array.from({ length: hosts }, (_, h) => {
    const host = new HostInventory(`host${h}`, {
      engines: {} as EngineRegistry,
      log: {} as Logger,
      timeoutMs: 1000,
      changed: () => undefined,
      gone: () => undefined,
    });
    host.name = `host-${String(h).padStart(2, '0')}`;
    host.stale = false;
    for (let i = 0; i < perHost; i += 1) {
      const id = `${h}`.padStart(4, '0') + `${i}`.padStart(60, '0');
      const entry = toInventoryEntry(
        {
          Id: id,
          Names: [`/app-${(i * 7919) % perHost}-${h}`],
          Image: i % 3 === 0 ? 'nginx:1.27' : `registry:5000/team/svc-${i % 17}:v${i % 5}`,
          Created: 1_700_000_000 + ((i * 104_729) % 100_000),
          State: STATES[i % STATES.length]!,
          Status: 'Up 2 hours',
          Labels: { team: `team-${i % 9}`, 'com.example.tier': i % 2 === 0 ? 'web' : 'worker' },
          Ports: [{ PrivatePort: 80, Type: 'tcp' }],
        },
        host.hostId,
        at,
      );
      host.entries.set(id, entry);
    }
    return host;
  });
}

const everyHost = (hosts: HostInventory[]): ListFilter => ({
  reach: new Map(hosts.map((h) => [h.hostId, { reach: 'all' as const, teamIds: [] }])),
  userId: 'u1',
});

describe('container list query', () => {
  const hosts = fleetOf(10, 500);

  // How fast this runs is measured by bench/fleet-list, not here.
  it('filters 5,000 containers over 10 hosts by state and text, every page in name order', () => {
    const rows = sortRows(hosts, 'name', 'asc');
    expect(rows).toHaveLength(5000);
    const filter: ListFilter = { ...everyHost(hosts), states: ['running'], q: 'team-3' };
    const seen: { name: string; state: string; team?: string }[] = [];
    let cursor: string | undefined;
    let total: number;
    do {
      const page = pageRows(rows, filter, { sort: 'name', order: 'asc', limit: 100, cursor });
      total = page.total;
      seen.push(...page.items.map((c) => ({ name: c.name, state: c.state, team: c.labels.team })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Running is every fourth container and team-3 every ninth: 1 in 36 per host, by index.
    const expected =
      hosts.length *
      Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 4 === 0 && i % 9 === 3).length;
    expect(total).toBe(expected);
    expect(seen).toHaveLength(expected);
    expect(seen.every((c) => c.state === 'running' && c.team === 'team-3')).toBe(true);
    const names = seen.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('walks every page once, in order, whatever the sort', () => {
    for (const sort of ['name', 'image', 'state', 'created', 'host'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const rows = sortRows(hosts, sort, order);
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = pageRows(rows, everyHost(hosts), { sort, order, limit: 333, cursor });
          expect(page.total).toBe(5000);
          ids.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(ids).toEqual(rows.map((r) => r.entry.summary.id));
        expect(new Set(ids).size).toBe(5000);
      }
    }
  });

  it('keeps a page boundary when containers come and go between pages', () => {
    const rows = sortRows(hosts, 'name', 'asc');
    const first = pageRows(rows, everyHost(hosts), { sort: 'name', order: 'asc', limit: 10 });
    // The first row of the next page is removed before it is asked for.
    const after = rows.filter((r) => r.entry.summary.id !== rows[10]!.entry.summary.id);
    const second = pageRows(after, everyHost(hosts), {
      sort: 'name',
      order: 'asc',
      limit: 10,
      cursor: first.nextCursor!,
    });
    expect(second.items[0]!.id).toBe(rows[11]!.entry.summary.id);
  });

  it('leaves out hosts without reach and containers the user does not own', () => {
    const rows = sortRows(hosts, 'host', 'asc');
    const owned = pageRows(
      rows,
      { reach: new Map([['host1', { reach: 'owned', teamIds: ['team-x'] }]]), userId: 'u1' },
      { sort: 'host', order: 'asc', limit: 10 },
    );
    expect(owned.total).toBe(0);
    const onlyOne = pageRows(
      rows,
      { reach: new Map([['host1', { reach: 'all', teamIds: [] }]]), userId: 'u1' },
      { sort: 'host', order: 'asc', limit: 10 },
    );
    expect(onlyOne.total).toBe(500);
    expect(onlyOne.items.every((c) => c.hostId === 'host1' && c.hostName === 'host-01')).toBe(true);
  });

  it('matches key=value words against labels exactly, every word having to match', () => {
    const rows = sortRows(hosts, 'name', 'asc');
    const total = (q: string) =>
      pageRows(rows, { ...everyHost(hosts), q }, { sort: 'name', order: 'asc', limit: 1 }).total;
    // team-3 is every ninth container from the fourth: 56 of 500 on each host.
    expect(total('team=team-3')).toBe(560);
    expect(total('TEAM=Team-3')).toBe(560);
    expect(total('team=team')).toBe(0);
    expect(total('team=')).toBe(5000);
    expect(total('team=team-3 com.example.tier=web')).toBe(280);
    // A plain word beside a label word must match too: team-3's are all nginx, none svc-.
    expect(total('team=team-3 nginx')).toBe(560);
    expect(total('team=team-3 svc-')).toBe(0);
    // Without a key=value word the text is matched whole, spaces and all.
    expect(total('team-3 nginx')).toBe(0);
  });
});
