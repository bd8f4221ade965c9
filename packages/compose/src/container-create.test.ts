import { describe, expect, it } from '@jest/globals';
import { containerCreatePlan } from './container-create.js';
import { loadProject } from './load-project.js';
import { type ComposeProject } from './model.js';
import { serviceConfigHash } from './service-hash.js';

const files: Record<string, string> = {
  '/srv/app/nginx.conf': 'worker_processes 1;\n',
  '/srv/app/token.txt': 'not-a-real-token\n',
};
const readFile = (path: string) => files[path];

function load(content: string): ComposeProject {
  const result = loadProject({
    projectName: 'shop',
    profiles: ['web'],
    workingDir: '/srv/app',
    files: [{ name: 'compose.yaml', content }],
    readFile,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.project;
}

const COMPOSE = `
services:
  web:
    image: local/busybox:latest
    command: httpd -f -p 8080
    environment: { MODE: prod }
    labels: { com.example.tier: front }
    ports: ['8080:8080', '127.0.0.1:9000:9000/udp']
    expose: ['7000-7001']
    volumes:
      - data:/data
      - ./nginx.conf:/etc/nginx.conf:ro
      - type: tmpfs
        target: /tmp/cache
        tmpfs: { size: 1m }
    networks:
      front: { aliases: [www] }
      back: { ipv4_address: 10.9.0.5 }
    depends_on:
      db: { condition: service_healthy }
    restart: on-failure:3
    healthcheck: { test: [CMD, 'true'], interval: 30s, retries: 2 }
    stop_grace_period: 1m
    deploy: { resources: { limits: { cpus: '1.5', memory: 128m } } }
    ulimits: { nofile: 1024 }
    secrets: [token]
  db:
    image: local/busybox:latest
    command: sleep 3600
    network_mode: none
networks:
  front: {}
  back:
    ipam: { config: [{ subnet: 10.9.0.0/24 }] }
volumes:
  data: {}
secrets:
  token: { file: ./token.txt }
`;

describe('serviceConfigHash', () => {
  const hash = (content: string) => {
    const project = load(content);
    return serviceConfigHash(project.services.web!, project, readFile);
  };
  const base = hash(COMPOSE);

  it('is stable for the same configuration', () => {
    expect(hash(COMPOSE)).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the environment, not with replicas, profiles or dependencies', () => {
    expect(hash(COMPOSE.replace('MODE: prod', 'MODE: dev'))).not.toBe(base);
    expect(
      hash(
        COMPOSE.replace(
          'deploy: { resources',
          'profiles: [web]\n    deploy: { replicas: 3, resources',
        ),
      ),
    ).toBe(base);
    expect(hash(COMPOSE.replace('condition: service_healthy', 'condition: service_started'))).toBe(
      base,
    );
  });

  it('changes when a bind-mounted file or a secret file changes', () => {
    files['/srv/app/nginx.conf'] = 'worker_processes 2;\n';
    const afterConf = hash(COMPOSE);
    files['/srv/app/nginx.conf'] = 'worker_processes 1;\n';
    files['/srv/app/token.txt'] = 'another-token\n';
    const afterSecret = hash(COMPOSE);
    files['/srv/app/token.txt'] = 'not-a-real-token\n';
    expect(afterConf).not.toBe(base);
    expect(afterSecret).not.toBe(base);
    expect(hash(COMPOSE)).toBe(base);
  });
});

describe('containerCreatePlan', () => {
  const project = load(COMPOSE);
  const web = project.services.web!;
  const plan = containerCreatePlan(project, web, 1, {
    configHash: 'abc123',
    configFiles: ['/srv/app/compose.yaml'],
    composeVersion: '2.29.0',
  });

  it('names the container and labels it as Compose v2 does', () => {
    expect(plan.name).toBe('shop-web-1');
    expect(plan.body.Labels).toEqual({
      'com.example.tier': 'front',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.config-hash': 'abc123',
      'com.docker.compose.project.config_files': '/srv/app/compose.yaml',
      'com.docker.compose.project.working_dir': '/srv/app',
      'com.docker.compose.depends_on': 'db:service_healthy:false',
      'com.docker.compose.version': '2.29.0',
    });
  });

  it('builds the config: command, env, ports, healthcheck, stop timeout', () => {
    const { HostConfig: _host, NetworkingConfig: _net, Labels: _labels, ...config } = plan.body;
    expect(config).toEqual({
      Image: 'local/busybox:latest',
      Cmd: ['httpd', '-f', '-p', '8080'],
      Env: ['MODE=prod'],
      Tty: false,
      OpenStdin: false,
      AttachStdin: false,
      StdinOnce: false,
      StopTimeout: 60,
      Healthcheck: { Test: ['CMD', 'true'], Interval: 30e9, Retries: 2 },
      ExposedPorts: { '8080/tcp': {}, '9000/udp': {}, '7000/tcp': {}, '7001/tcp': {} },
    });
  });

  it('builds the host config: mounts, ports, restart, resources, first network', () => {
    expect(plan.body.HostConfig).toEqual({
      Binds: ['/srv/app/nginx.conf:/etc/nginx.conf:ro'],
      Mounts: [
        {
          Type: 'volume',
          Source: 'shop_data',
          Target: '/data',
          ReadOnly: false,
          VolumeOptions: { NoCopy: false },
        },
        {
          Type: 'tmpfs',
          Target: '/tmp/cache',
          ReadOnly: false,
          TmpfsOptions: { SizeBytes: 1024 * 1024 },
        },
        {
          Type: 'bind',
          Source: '/srv/app/token.txt',
          Target: '/run/secrets/token',
          ReadOnly: true,
        },
      ],
      PortBindings: {
        '8080/tcp': [{ HostIp: '', HostPort: '8080' }],
        '9000/udp': [{ HostIp: '127.0.0.1', HostPort: '9000' }],
      },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      NetworkMode: 'shop_back',
      CapAdd: [],
      CapDrop: [],
      Privileged: false,
      Devices: [],
      ExtraHosts: [],
      Dns: [],
      ReadonlyRootfs: false,
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }],
      Sysctls: {},
      SecurityOpt: [],
      NanoCpus: 1_500_000_000,
      Memory: 128 * 1024 * 1024,
    });
  });

  it('creates on one network and connects the others after', () => {
    expect(plan.body.NetworkingConfig).toEqual({
      EndpointsConfig: {
        shop_back: { Aliases: ['web'], IPAMConfig: { IPv4Address: '10.9.0.5' } },
      },
    });
    expect(plan.additionalNetworks).toEqual([
      { network: 'shop_front', endpoint: { Aliases: ['web', 'www'] } },
    ]);
  });

  it('uses network_mode instead of networks', () => {
    const db = containerCreatePlan(project, project.services.db!, 1, {
      configHash: 'x',
      configFiles: [],
      composeVersion: '2.29.0',
    });
    expect(db.body.HostConfig.NetworkMode).toBe('none');
    expect(db.body.NetworkingConfig).toEqual({ EndpointsConfig: {} });
    expect(db.additionalNetworks).toEqual([]);
  });
});
