import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  composeFromContainers,
  type ContainerInspectInput,
  type ImageDefaults,
} from './compose-from-containers.js';
import { containerCreatePlan } from './container-create.js';
import { containerDifferences } from './container-match.js';
import { loadProject } from './load-project.js';

const IMAGE: ImageDefaults = {
  Cmd: ['sh'],
  Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
  Labels: { 'org.opencontainers.image.title': 'busybox' },
  ExposedPorts: { '9999/tcp': {} },
};

function inspect(overrides: Partial<ContainerInspectInput> = {}): ContainerInspectInput {
  return {
    Id: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6abcd',
    Name: '/Shop_Web',
    Config: {
      Image: 'local/busybox:latest',
      Cmd: ['httpd', '-f', '-p', '8080'],
      Entrypoint: null,
      Env: [
        'PATH=/usr/local/bin:/usr/bin:/bin',
        'MODE=prod',
        'PRICE=$5',
        'DB_PASSWORD=hunter2-value',
      ],
      Labels: {
        'org.opencontainers.image.title': 'busybox',
        'com.example.tier': 'front',
        'com.docker.compose.project': 'old',
        'berth.owner': 'user-1',
        'berth.secret-env': 'DB_PASSWORD',
      },
      ExposedPorts: { '8080/tcp': {}, '7000/tcp': {}, '9999/tcp': {} },
      Healthcheck: {
        Test: ['CMD-SHELL', 'wget -q -O- localhost:8080'],
        Interval: 30e9,
        Timeout: 5e9,
        Retries: 3,
        StartPeriod: 1.5e9,
      },
    },
    HostConfig: {
      PortBindings: {
        '8080/tcp': [{ HostIp: '', HostPort: '18080' }],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      NetworkMode: 'shop-net',
      NanoCpus: 500_000_000,
      Memory: 64 * 1024 * 1024,
      CapAdd: ['NET_ADMIN'],
    },
    Mounts: [
      {
        Type: 'volume',
        Name: 'shop-data',
        Source: '/var/lib/docker/volumes/x',
        Destination: '/data',
        RW: true,
      },
      { Type: 'bind', Source: '/srv/conf', Destination: '/etc/conf', RW: false },
      {
        Type: 'volume',
        Name: 'f'.repeat(64),
        Source: '/var/lib/docker/volumes/y',
        Destination: '/cache',
        RW: true,
      },
    ],
    NetworkSettings: {
      Networks: { 'shop-net': { Aliases: ['a1b2c3d4e5f6', 'web', 'api'] } },
    },
    ...overrides,
  };
}

const privateLabel = (key: string) => key.startsWith('berth.');

function convert(input = inspect()) {
  return composeFromContainers(
    [{ inspect: input, image: IMAGE, secretEnv: new Set(['DB_PASSWORD']) }],
    {
      privateLabel,
    },
  );
}

describe('composeFromContainers', () => {
  it('writes what the container does not inherit from its image', () => {
    const { compose, variables } = convert();
    const file = parse(compose) as {
      services: Record<string, Record<string, unknown>>;
      networks: unknown;
      volumes: unknown;
    };
    const service = file.services['shop_web']!;
    expect(service).toEqual({
      image: 'local/busybox:latest',
      command: ['httpd', '-f', '-p', '8080'],
      environment: { MODE: 'prod', PRICE: '$$5', DB_PASSWORD: '${DB_PASSWORD}' },
      ports: ['18080:8080', '127.0.0.1:5353:53/udp'],
      expose: ['7000/tcp'],
      volumes: ['shop-data:/data', '/srv/conf:/etc/conf:ro', '/cache'],
      restart: 'on-failure:3',
      deploy: { resources: { limits: { cpus: '0.5', memory: `${64 * 1024 * 1024}b` } } },
      healthcheck: {
        test: ['CMD-SHELL', 'wget -q -O- localhost:8080'],
        interval: '30s',
        timeout: '5s',
        retries: 3,
        start_period: '1500ms',
      },
      labels: { 'com.example.tier': 'front' },
      cap_add: ['NET_ADMIN'],
      networks: { 'shop-net': { aliases: ['web', 'api'] } },
    });
    expect(file.networks).toEqual({ 'shop-net': { name: 'shop-net', external: true } });
    expect(file.volumes).toEqual({ 'shop-data': { name: 'shop-data' } });
    expect(variables).toEqual(['DB_PASSWORD']);
  });

  it('never writes a secret value', () => {
    expect(convert().compose).not.toContain('hunter2-value');
  });

  it('uses network_mode for the engine networks, and names a compose service after its label', () => {
    const input = inspect({
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: { bridge: { Aliases: null } } },
    });
    input.Config.Labels = { 'com.docker.compose.service': 'web' };
    const file = parse(convert(input).compose) as {
      services: Record<string, Record<string, unknown>>;
      networks?: unknown;
    };
    expect(Object.keys(file.services)).toEqual(['web']);
    expect(file.services['web']!.network_mode).toBe('bridge');
    expect(file.services['web']!.networks).toBeUndefined();
    expect(file.networks).toBeUndefined();
  });

  it('gives two containers of one name two services', () => {
    const source = { inspect: inspect(), image: IMAGE, secretEnv: new Set<string>() };
    const file = parse(composeFromContainers([source, source], { privateLabel }).compose) as {
      services: Record<string, unknown>;
    };
    expect(Object.keys(file.services)).toEqual(['shop_web', 'shop_web-2']);
  });

  it('loads as a project whose container matches the one it came from', () => {
    const input = inspect();
    const { compose } = convert(input);
    const result = loadProject({
      projectName: 'copy',
      workingDir: '/srv/copy',
      files: [{ name: 'compose.yaml', content: compose }],
      environment: { DB_PASSWORD: 'hunter2-value' },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const service = result.project.services['shop_web']!;
    const plan = containerCreatePlan(result.project, service, 1, {
      configHash: 'h',
      configFiles: [],
      composeVersion: '2',
    });
    const running = { ...input, HostConfig: { ...input.HostConfig, Binds: null } };
    expect(
      containerDifferences(plan.body, running, { image: IMAGE, ignoreLabel: privateLabel }),
    ).toEqual([]);
    expect(plan.body.HostConfig.NanoCpus).toBe(input.HostConfig.NanoCpus);
    expect(plan.body.HostConfig.Memory).toBe(input.HostConfig.Memory);
    expect(plan.body.Healthcheck?.StartPeriod).toBe(1.5e9);
  });
});

describe('containerDifferences', () => {
  const load = (compose: string) => {
    const result = loadProject({
      projectName: 'shop',
      workingDir: '/srv/shop',
      files: [{ name: 'compose.yaml', content: compose }],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const service = Object.values(result.project.services)[0]!;
    return containerCreatePlan(result.project, service, 1, {
      configHash: 'h',
      configFiles: [],
      composeVersion: '2',
    }).body;
  };
  const running = inspect({
    Config: {
      Image: 'local/busybox:latest',
      Cmd: ['sleep', '600'],
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'MODE=prod'],
      Labels: { 'com.docker.compose.project': 'shop', 'org.opencontainers.image.title': 'busybox' },
    },
    HostConfig: {
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped' },
    },
    Mounts: [{ Type: 'volume', Name: 'shop_data', Destination: '/data', RW: true }],
  });
  const file = (env: string, port = '8080:80') => `
services:
  web:
    image: local/busybox
    command: sleep 600
    environment: { MODE: ${env} }
    ports: ['${port}']
    volumes: [data:/data]
    restart: unless-stopped
volumes:
  data: {}
`;

  it('finds nothing when the file describes the running container', () => {
    expect(containerDifferences(load(file('prod')), running, { image: IMAGE })).toEqual([]);
  });

  it('names what the file changes', () => {
    expect(containerDifferences(load(file('dev', '9090:80')), running, { image: IMAGE })).toEqual([
      'environment',
      'ports',
    ]);
  });
});
