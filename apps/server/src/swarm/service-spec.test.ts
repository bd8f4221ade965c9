import { describe, expect, it } from '@jest/globals';
import { SECRET_MASK, ZCreateServiceRequest } from '@berth/shared';
import type Docker from 'dockerode';
import { AppError } from '../common/app-error.js';
import { maskedSpec, serviceSpecOf } from './service-spec.js';
import { requireManager } from './swarm-access.js';

const noRefs = { secrets: new Map(), configs: new Map() };

describe('serviceSpecOf', () => {
  it('makes the engine spec: durations in nanoseconds, secret env names in a label', () => {
    const request = ZCreateServiceRequest.parse({
      name: 'web',
      image: 'local/busybox:latest',
      replicas: 3,
      env: [
        { name: 'A', value: '1' },
        { name: 'TOKEN', value: 'hidden', secret: true },
      ],
      ports: [{ published: 8080, target: 80 }],
      constraints: ['node.role==worker'],
      placementPreferences: ['node.labels.zone'],
      resources: { limits: { cpus: 0.5, memory: '64m' } },
      updateConfig: { parallelism: 2, delaySeconds: 1.5, order: 'start-first' },
    });
    const spec = serviceSpecOf(request, noRefs);
    const template = spec.TaskTemplate as Docker.ContainerTaskSpec;
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(spec.Labels).toEqual({ 'berth.secret-env': 'TOKEN' });
    expect(template.ContainerSpec?.Env).toEqual(['A=1', 'TOKEN=hidden']);
    expect(template.Placement).toEqual({
      Constraints: ['node.role==worker'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
    });
    expect(template.Resources).toEqual({
      Limits: { NanoCPUs: 500_000_000, MemoryBytes: 67_108_864 },
    });
    expect(spec.UpdateConfig).toMatchObject({
      Parallelism: 2,
      Delay: 1_500_000_000,
      Order: 'start-first',
    });
    expect(spec.EndpointSpec?.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
    ]);
    const masked = maskedSpec(spec)!.TaskTemplate as Docker.ContainerTaskSpec;
    expect(masked.ContainerSpec?.Env).toEqual(['A=1', `TOKEN=${SECRET_MASK}`]);
  });

  it('runs a global service on every node, without replicas', () => {
    const request = ZCreateServiceRequest.parse({ name: 'agent', image: 'a:1', mode: 'global' });
    expect(serviceSpecOf(request, noRefs).Mode).toEqual({ Global: {} });
    const refused = ZCreateServiceRequest.safeParse({
      name: 'x',
      image: 'a:1',
      mode: 'global',
      replicas: 2,
    });
    expect(refused.error?.issues.map((i) => i.path.join('.'))).toEqual(['replicas']);
  });
});

describe('requireManager', () => {
  const refusal = (info: Parameters<typeof requireManager>[0]) => {
    try {
      requireManager(info, 'h');
    } catch (error) {
      return error as AppError;
    }
    throw new Error('no refusal');
  };

  it('passes a manager with its node and cluster', () => {
    expect(
      requireManager(
        {
          Swarm: {
            LocalNodeState: 'active',
            ControlAvailable: true,
            NodeID: 'n',
            Cluster: { ID: 'c' },
          },
        },
        'h',
      ),
    ).toEqual({ nodeId: 'n', clusterId: 'c' });
  });

  it('says what a host is instead: no swarm, a worker, locked', () => {
    expect(refusal({ Swarm: { LocalNodeState: 'inactive' } })).toMatchObject({
      code: 'NOT_A_SWARM_MANAGER',
      message: 'host h is not a swarm manager: its engine is not part of a swarm',
    });
    const worker = refusal({
      Swarm: {
        LocalNodeState: 'active',
        ControlAvailable: false,
        RemoteManagers: [{ Addr: '10.231.9.1:2377' }],
      },
    });
    expect(worker.message).toBe(
      'host h is a worker node of a swarm, not a manager; open the swarm on a manager host (managers at 10.231.9.1:2377)',
    );
    expect(worker.details).toEqual({ swarmState: 'active', role: 'worker' });
    expect(refusal({ Swarm: { LocalNodeState: 'locked' } }).message).toContain('locked');
  });
});
