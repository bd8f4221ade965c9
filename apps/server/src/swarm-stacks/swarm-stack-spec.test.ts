import { describe, expect, it } from '@jest/globals';
import { loadSwarmProject, type SwarmProject } from '@berth/compose';
import { SPEC_HASH_LABEL, serviceSpec, stackNetworks } from './swarm-stack-spec.js';

function project(): SwarmProject {
  const result = loadSwarmProject({
    projectName: 'shop',
    files: [
      {
        name: 'compose.yaml',
        content: `services:
  web:
    image: registry.example/web:1
    entrypoint: ["/bin/web"]
    command: ["--port", "80"]
    environment: { B: "2", A: "1" }
    ports: ["8080:80", { target: 443, published: 8443, mode: host }]
    volumes: ["data:/data:ro", "/etc/hosts.d:/hosts:ro"]
    extra_hosts: ["db.local:10.0.0.5"]
    secrets: [{ source: key, target: api_key, mode: 0400 }]
    deploy:
      mode: global
      endpoint_mode: dnsrr
      resources: { limits: { cpus: "0.5", memory: 64m } }
      update_config: { parallelism: 2, delay: 10s, order: start-first }
volumes:
  data: {}
secrets:
  key: { environment: KEY }
`,
      },
    ],
    environment: { KEY: 'k' },
    workingDir: '/s',
    projectFiles: 'none',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.swarm;
}

const ids = { secrets: { key: { id: 'sec1', name: 'shop_key' } }, configs: {} };

describe('serviceSpec', () => {
  it('maps a compose service to the swarm spec docker stack deploy makes', () => {
    const spec = serviceSpec(project(), 'web', ids);
    expect(spec.Name).toBe('shop_web');
    expect(spec.Labels).toMatchObject({
      'com.docker.stack.namespace': 'shop',
      'com.docker.stack.image': 'registry.example/web:1',
    });
    expect(spec.Mode).toEqual({ Global: {} });
    expect(spec.TaskTemplate.ContainerSpec).toMatchObject({
      Image: 'registry.example/web:1',
      Command: ['/bin/web'],
      Args: ['--port', '80'],
      Env: ['A=1', 'B=2'],
      Hosts: ['10.0.0.5 db.local'],
      Mounts: [
        expect.objectContaining({
          Type: 'volume',
          Source: 'shop_data',
          Target: '/data',
          ReadOnly: true,
        }),
        expect.objectContaining({ Type: 'bind', Source: '/etc/hosts.d', Target: '/hosts' }),
      ],
      Secrets: [
        {
          File: { Name: 'api_key', UID: '0', GID: '0', Mode: 0o400 },
          SecretID: 'sec1',
          SecretName: 'shop_key',
        },
      ],
    });
    expect(spec.TaskTemplate.Resources).toEqual({
      Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 },
      Reservations: {},
    });
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'shop_default', Aliases: ['web'] }]);
    expect(spec.UpdateConfig).toEqual({ Parallelism: 2, Delay: 10e9, Order: 'start-first' });
    expect(spec.EndpointSpec).toEqual({
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
      ],
    });
  });

  it('gives an unchanged service the same hash and a changed one another', () => {
    const a = serviceSpec(project(), 'web', ids).Labels?.[SPEC_HASH_LABEL];
    expect(serviceSpec(project(), 'web', ids).Labels?.[SPEC_HASH_LABEL]).toBe(a);
    const changed = project();
    const web = changed.project.services.web;
    if (web) web.environment.B = '3';
    expect(serviceSpec(changed, 'web', ids).Labels?.[SPEC_HASH_LABEL]).not.toBe(a);
  });

  it('makes the default network an overlay labelled with the stack', () => {
    expect(stackNetworks(project())).toEqual([
      expect.objectContaining({
        name: 'shop_default',
        external: false,
        body: expect.objectContaining({
          Driver: 'overlay',
          Labels: { 'com.docker.stack.namespace': 'shop' },
        }),
      }),
    ]);
  });
});
