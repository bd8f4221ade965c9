import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type z } from 'zod';
import { loadProject, type LoadResult } from './load-project.js';
import { pathMatches } from './merge.js';
import { type ComposeProject } from './model.js';
import { isMapping } from './source-map.js';
import { ZComposeSubset } from './subset-schema.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const readFile = (path: string) =>
  existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
const fixtureDirs = readdirSync(FIXTURES).filter((name) => /^\d\d-/.test(name));

/** A fixture as `docker compose -p fixture-<dir> up` in its folder would read it. */
function loadFixture(dir: string): LoadResult {
  const files = readdirSync(join(FIXTURES, dir))
    .filter((name) => name === 'compose.yaml' || name === 'compose.override.yaml')
    .sort((a, b) => a.length - b.length)
    .map((name) => ({ name, content: readFileSync(join(FIXTURES, dir, name), 'utf8') }));
  return loadProject({
    projectName: `fixture-${dir}`,
    workingDir: join(FIXTURES, dir),
    files,
    readFile,
  });
}

function fixture(dir: string): ComposeProject {
  const result = loadFixture(dir);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.project;
}

describe('fixtures', () => {
  it('has at least eight deployable fixtures', () => {
    expect(fixtureDirs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(fixtureDirs)('%s loads without an issue or a warning', (dir) => {
    const result = loadFixture(dir);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it('01-web: env_file under environment, ports expanded, healthcheck in nanoseconds', () => {
    const web = fixture('01-web').services.web;
    expect(web?.environment).toEqual({
      FROM_FILE: 'yes',
      QUOTED: 'two words',
      GREETING: 'world',
      MODE: 'production',
      EMPTY: '',
    });
    expect(web?.ports.map((p) => [p.hostIp ?? '', p.published, p.target, p.protocol])).toEqual([
      ['', '18080', 8080, 'tcp'],
      ['127.0.0.1', '18081', 8081, 'tcp'],
      ['', '18082', 9082, 'tcp'],
      ['', '18083', 9083, 'tcp'],
    ]);
    expect(web?.healthcheck).toEqual({
      test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1'],
      intervalNs: 10e9,
      timeoutNs: 3e9,
      retries: 3,
    });
    expect(web?.stopGracePeriodNs).toBe(5e9);
    expect(web?.containerNames).toEqual(['fixture-web-server']);
    expect(web?.networks).toEqual({ default: { aliases: [] } });
  });

  it('02-volumes: short and long mounts normalised, paths absolute, names prefixed', () => {
    const p = fixture('02-volumes');
    const dir = join(FIXTURES, '02-volumes');
    expect(p.services.app?.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: false, nocopy: false },
      {
        type: 'bind',
        source: `${dir}/site`,
        target: '/srv/site',
        readOnly: true,
        createHostPath: true,
      },
      { type: 'volume', target: '/srv/anonymous', readOnly: false, nocopy: false },
      { type: 'volume', source: 'cache', target: '/cache', readOnly: false, nocopy: true },
      {
        type: 'bind',
        source: `${dir}/site/index.html`,
        target: '/etc/site-index.html',
        readOnly: true,
        propagation: 'rprivate',
        createHostPath: false,
      },
      { type: 'tmpfs', target: '/run/scratch', readOnly: false, sizeBytes: 16 * 1024 ** 2 },
    ]);
    expect(p.volumes.data?.name).toBe('fixture-02-volumes_data');
    expect(p.volumes.cache?.name).toBe('fixture-volumes-shared-cache');
    expect(p.volumes.cache?.labels).toEqual({ 'com.example.purpose': 'cache' });
  });

  it('03-networks: default network only where none is named', () => {
    const p = fixture('03-networks');
    expect(Object.keys(p.networks).sort()).toEqual(['back', 'front']);
    expect(p.networks.front?.name).toBe('fixture-03-networks_front');
    expect(p.networks.back?.name).toBe('fixture-networks-backplane');
    expect(p.services.api?.networks.back).toEqual({ aliases: [], ipv4Address: '10.228.5.10' });
    expect(p.services.isolated?.networks).toEqual({});
    expect(p.services.isolated?.networkMode).toBe('none');
  });

  it('04-dependencies: list and long depends_on', () => {
    const p = fixture('04-dependencies');
    expect(p.services.app?.dependsOn).toEqual({
      migrate: { condition: 'service_completed_successfully', required: true, restart: false },
      db: { condition: 'service_healthy', required: true, restart: false },
      cache: { condition: 'service_started', required: true, restart: false },
    });
    expect(p.services.cache?.healthcheck?.test).toEqual(['NONE']);
    expect(p.services.db?.restart).toBe('on-failure:3');
  });

  it('05-resources: replicas named in order, sizes in bytes', () => {
    const worker = fixture('05-resources').services.worker;
    expect(worker?.containerNames).toEqual([
      'fixture-05-resources-worker-1',
      'fixture-05-resources-worker-2',
    ]);
    expect(worker?.resources).toEqual({
      limits: { cpus: 0.5, memoryBytes: 64 * 1024 ** 2 },
      reservations: { cpus: 0.25, memoryBytes: 16 * 1024 ** 2 },
    });
    expect(worker?.ulimits).toEqual({
      nproc: { soft: 512, hard: 512 },
      nofile: { soft: 1024, hard: 2048 },
    });
    expect(worker?.shmSizeBytes).toBe(32 * 1024 ** 2);
  });

  it('08-secrets: file modes read as octal, targets under /run/secrets', () => {
    const p = fixture('08-secrets');
    expect(p.services.app?.secrets).toEqual([
      { source: 'db_password', target: '/run/secrets/db_password' },
      { source: 'api_key', target: '/run/secrets/api-key.txt', uid: '0', gid: '0', mode: 0o440 },
    ]);
    expect(p.secrets.api_key?.file).toBe(join(FIXTURES, '08-secrets', 'files', 'api_key.txt'));
  });

  it('09-profiles-extends: extends, override file and profiles together', () => {
    const p = fixture('09-profiles-extends');
    expect(p.disabledServices).toEqual(['debug']);
    expect(p.services.web?.environment).toEqual({ ROLE: 'web', LOG_LEVEL: 'debug' });
    expect(p.services.web?.labels).toEqual({
      'com.example.stack': 'profiles',
      'com.example.override': 'true',
    });
    expect(p.services.web?.ports).toEqual([
      { target: 8080, published: '18090', protocol: 'tcp', mode: 'host' },
    ]);
  });
});

// Keys of the subset that the fixtures leave out because the reference, Debian's docker-compose
// 1.29, rejects or ignores them, so a fixture using them could not be compared.
const NOT_IN_FIXTURES = [
  'name',
  'version',
  'services.*.healthcheck.start_interval',
  'services.*.depends_on.*.required',
  'services.*.depends_on.*.restart',
  'services.*.env_file.*.path',
  'services.*.env_file.*.required',
  'services.*.env_file.*.format',
  'services.*.ports.*.name',
  'services.*.ports.*.host_ip',
  'services.*.ports.*.app_protocol',
  'services.*.volumes.*.consistency',
  'services.*.volumes.*.bind.create_host_path',
  'services.*.volumes.*.bind.selinux',
  'services.*.volumes.*.volume.subpath',
  'services.*.volumes.*.tmpfs.mode',
  'services.*.deploy.resources.limits.pids',
  'services.*.deploy.resources.reservations.pids',
  'services.*.devices.*.source',
  'services.*.devices.*.target',
  'services.*.devices.*.permissions',
  'services.*.configs.*.uid',
  'services.*.configs.*.gid',
  'secrets.*.name',
  'configs.*.name',
];

/** Every key path the subset schema names, `*` standing for a name or an index. */
function subsetKeys(schema: z.core.$ZodType, prefix: string[] = []): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(
        ([key, value]) => [[...prefix, key].join('.'), ...subsetKeys(value, [...prefix, key])],
      );
    case 'optional':
    case 'nullable':
      return subsetKeys(def.innerType as z.core.$ZodType, prefix);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((option) => subsetKeys(option, prefix));
    case 'record':
      return subsetKeys(def.valueType as z.core.$ZodType, [...prefix, '*']);
    case 'array':
      return subsetKeys(def.element as z.core.$ZodType, [...prefix, '*']);
    default:
      return [];
  }
}

function usedPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => usedPaths(item, [...prefix, i]));
  if (!isMapping(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => [
    [...prefix, key],
    ...usedPaths(item, [...prefix, key]),
  ]);
}

describe('fixture coverage', () => {
  it('uses every key of the subset, apart from the few the reference cannot deploy', () => {
    const used = fixtureDirs.flatMap((dir) =>
      readdirSync(join(FIXTURES, dir))
        .filter((name) => name.endsWith('.yaml'))
        .flatMap((name) => usedPaths(parse(readFileSync(join(FIXTURES, dir, name), 'utf8')))),
    );
    const keys = [...new Set(subsetKeys(ZComposeSubset))];
    const missing = keys.filter(
      (key) => !NOT_IN_FIXTURES.includes(key) && !used.some((path) => pathMatches(path, key)),
    );
    expect(missing).toEqual([]);
  });
});

describe('invalid fixtures', () => {
  function issuesOf(name: string) {
    const result = loadProject({
      projectName: 'invalid',
      workingDir: join(FIXTURES, 'invalid'),
      files: [{ name, content: readFileSync(join(FIXTURES, 'invalid', name), 'utf8') }],
      readFile,
    });
    if (result.ok) throw new Error(`${name} loaded`);
    return result.issues.map(({ path, line, message }) => ({ path, line, message }));
  }

  it('syntax.yaml: the YAML error at its line', () => {
    expect(issuesOf('syntax.yaml')).toEqual([
      {
        path: '',
        line: 5,
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('unsupported-keys.yaml: typos and keys outside the subset, each at its line', () => {
    expect(issuesOf('unsupported-keys.yaml')).toEqual([
      { path: 'services.web.imgae', line: 4, message: 'additional property imgae is not allowed' },
      { path: 'services.web.mem_limit', line: 5, message: 'mem_limit is not supported by Berth' },
      {
        path: 'services.web.ports.0.protocl',
        line: 9,
        message: 'additional property protocl is not allowed',
      },
      {
        path: 'services.web.deploy.placement',
        line: 12,
        message: 'placement is not supported by Berth',
      },
      {
        path: 'networks.front.enable_ipv4',
        line: 17,
        message: 'enable_ipv4 is not supported by Berth',
      },
    ]);
  });

  it('bad-values.yaml: malformed values and variables, all in one answer', () => {
    expect(issuesOf('bad-values.yaml')).toEqual([
      { path: 'services.web.ports.0', line: 5, message: 'must be a port such as 8080:80/tcp' },
      {
        path: 'services.web.restart',
        line: 6,
        message: 'must be no, always, unless-stopped or on-failure[:max-retries]',
      },
      {
        path: 'services.web.stop_grace_period',
        line: 7,
        message: 'must be a duration such as 1m30s',
      },
      { path: 'services.web.shm_size', line: 8, message: 'must be a size such as 512m or 1g' },
      {
        path: 'services.web.healthcheck.retries',
        line: 11,
        message: 'must be an integer, got "three"',
      },
      {
        path: 'services.web.depends_on.db.condition',
        line: 14,
        message: 'must be one of service_started, service_healthy, service_completed_successfully',
      },
      {
        path: 'services.db.image',
        line: 16,
        message: 'required variable TAG is missing a value: set TAG to the image tag',
      },
    ]);
  });

  it('references.yaml: undefined services, networks, volumes and secrets', () => {
    expect(issuesOf('references.yaml')).toEqual([
      { path: 'services.web.depends_on.db', line: 4, message: 'depends on undefined service db' },
      {
        path: 'services.web.networks.front',
        line: 5,
        message: 'refers to undefined network front',
      },
      { path: 'services.web.volumes.0', line: 7, message: 'refers to undefined volume cache' },
      { path: 'services.web.secrets.0', line: 8, message: 'refers to undefined secret token' },
      {
        path: 'services.sidecar.network_mode',
        line: 11,
        message: 'refers to undefined service proxy',
      },
      {
        path: 'services.worker',
        line: 12,
        message: 'has neither an image nor a build context specified',
      },
    ]);
  });

  it('extends-cycle.yaml: a cycle and a missing file at their extends keys', () => {
    expect(issuesOf('extends-cycle.yaml')).toEqual([
      {
        path: 'services.b.extends',
        line: 6,
        message:
          'circular extends: extends-cycle.yaml:a -> extends-cycle.yaml:b -> extends-cycle.yaml:a',
      },
      { path: 'services.c.extends', line: 9, message: 'extends file missing.yaml not found' },
    ]);
  });
});
