import { describe, expect, it } from '@jest/globals';
import { type EngineDiskUsage, diskUsageOf, prunePlan } from './prune-plan.js';

const df: EngineDiskUsage = {
  LayersSize: 1000,
  Images: [
    { Id: 'img-used', RepoTags: ['app:1'], Size: 400, SharedSize: 100, Containers: 1 },
    { Id: 'img-only-stopped', RepoTags: ['old:1'], Size: 300, SharedSize: 0, Containers: 1 },
    { Id: 'img-dangling', RepoTags: ['<none>:<none>'], Size: 200, SharedSize: 0, Containers: 0 },
  ],
  Containers: [
    {
      Id: 'c-run',
      Names: ['/web'],
      ImageID: 'img-used',
      State: 'running',
      SizeRw: 5,
      Mounts: [{ Type: 'volume', Name: 'v-kept' }],
      NetworkSettings: { Networks: { app: { NetworkID: 'n-used' } } },
    },
    {
      Id: 'c-stopped',
      Names: ['/old'],
      ImageID: 'img-only-stopped',
      State: 'exited',
      SizeRw: 7,
      Mounts: [{ Type: 'volume', Name: 'v-stopped' }],
      NetworkSettings: { Networks: { spare: { NetworkID: 'n-spare' } } },
    },
    { Id: 'c-paused', Names: ['/paused'], ImageID: 'img-used', State: 'paused', SizeRw: 1 },
  ],
  Volumes: [
    { Name: 'v-kept', Driver: 'local', UsageData: { Size: 10, RefCount: 1 } },
    { Name: 'v-stopped', Driver: 'local', UsageData: { Size: 20, RefCount: 1 } },
    { Name: 'v-plugin', Driver: 'berth-vol', UsageData: { Size: -1, RefCount: 0 } },
  ],
  BuildCache: [
    { ID: 'b1', Size: 50, InUse: false, Shared: false },
    { ID: 'b2', Size: 60, InUse: true, Shared: false },
  ],
};
const networks = [
  { Id: 'n-bridge', Name: 'bridge' },
  { Id: 'n-used', Name: 'app' },
  { Id: 'n-spare', Name: 'spare' },
  { Id: 'n-swarm', Name: 'overlay', Scope: 'swarm' },
];
const all = {
  images: 'dangling',
  containers: true,
  networks: true,
  volumes: true,
  buildCache: true,
} as const;

describe('prune plan', () => {
  it('counts what stopped containers held as unused once they go, as the engine prunes in order', () => {
    const plan = prunePlan(df, networks, all);
    expect(plan.containers.map((c) => c.name)).toEqual(['old']);
    expect(plan.volumes.map((v) => v.name)).toEqual(['v-stopped']);
    expect(plan.networks.map((n) => n.name)).toEqual(['spare']);
    expect(plan.images.map((i) => i.id)).toEqual(['img-dangling']);
    expect(plan.buildCache.map((b) => b.id)).toEqual(['b1']);
    expect(plan.reclaimable).toBe(7 + 20 + 200 + 50);
  });

  it('keeps what the kept containers use when containers are not pruned', () => {
    const plan = prunePlan(df, networks, { ...all, containers: false, images: 'all' });
    expect(plan.containers).toEqual([]);
    expect(plan.volumes).toEqual([]);
    expect(plan.images.map((i) => i.id)).toEqual(['img-dangling']);
    // A network only a stopped container is attached to has no endpoint: the engine prunes it.
    expect(plan.networks.map((n) => n.name)).toEqual(['spare']);
  });

  it('takes every unused image with images=all, and nothing of a kind left out', () => {
    const plan = prunePlan(df, networks, {
      ...all,
      images: 'all',
      networks: false,
      buildCache: false,
    });
    expect(plan.images.map((i) => i.id)).toEqual(['img-only-stopped', 'img-dangling']);
    expect(plan.networks).toEqual([]);
    expect(plan.buildCache).toEqual([]);
  });

  it('limits every kind to a label and leaves the unlabelled build cache alone', () => {
    const labelled: EngineDiskUsage = {
      ...df,
      Containers: df.Containers!.map((c) =>
        c.Id === 'c-stopped' ? { ...c, Labels: { run: 'x' } } : c,
      ),
    };
    const plan = prunePlan(labelled, networks, { ...all, label: 'run=x' });
    expect(plan.containers.map((c) => c.id)).toEqual(['c-stopped']);
    expect(plan.volumes).toEqual([]);
    expect(plan.images).toEqual([]);
    expect(plan.buildCache).toEqual([]);
    expect(prunePlan(labelled, networks, { ...all, label: 'run=y' }).containers).toEqual([]);
  });
});

describe('disk usage', () => {
  it('reports in use and reclaimable per kind like docker system df', () => {
    expect(diskUsageOf(df)).toEqual({
      images: { count: 3, active: 2, size: 1000, reclaimable: 1000 - 300 - 300 },
      containers: { count: 3, active: 2, size: 13, reclaimable: 7 },
      volumes: { count: 3, active: 2, size: 30, reclaimable: 0 },
      buildCache: { count: 2, active: 1, size: 110, reclaimable: 50 },
    });
  });
});
