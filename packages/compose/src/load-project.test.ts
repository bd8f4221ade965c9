import { describe, expect, it } from '@jest/globals';
import { loadProject, type LoadOptions, type LoadResult } from './load-project.js';
import { type CheckoutObject, type ComposeProject } from './model.js';

const yaml = (lines: string[]) => lines.join('\n') + '\n';

function load(content: string | string[], options: Partial<LoadOptions> = {}): LoadResult {
  const files = (Array.isArray(content) ? content : [content]).map((text, i) => ({
    name: i === 0 ? 'compose.yaml' : `override-${i}.yaml`,
    content: text,
  }));
  return loadProject({ projectName: 'demo', workingDir: '/srv/demo', files, ...options });
}

function project(content: string | string[], options: Partial<LoadOptions> = {}): ComposeProject {
  const result = load(content, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.project;
}

function issues(content: string | string[], options: Partial<LoadOptions> = {}) {
  const result = load(content, options);
  if (result.ok) throw new Error('expected the project to be invalid');
  return result.issues;
}

describe('loadProject: YAML', () => {
  it('reports a syntax error at its line', () => {
    const content = yaml(['services:', '  web:', '    image: busybox', '   command: [sh', '']);
    expect(issues(content)).toEqual([
      {
        path: '',
        line: 4,
        file: 'compose.yaml',
        message: 'All mapping items must start at the same column',
      },
      {
        path: '',
        line: 6,
        file: 'compose.yaml',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('reports a duplicate key at its line', () => {
    const content = yaml(['services:', '  web:', '    image: a', '    image: b']);
    expect(issues(content)).toEqual([
      { path: '', line: 4, file: 'compose.yaml', message: 'Map keys must be unique' },
    ]);
  });

  it('refuses a file whose aliases expand to billions of values', () => {
    const levels = ['x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`x-${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(issues(yaml([...levels, 'services: {}']))).toEqual([
      {
        path: '',
        line: 1,
        file: 'compose.yaml',
        message: 'the file expands to more than 200000 values through its aliases',
      },
    ]);
  });

  it('refuses YAML tags it does not implement rather than reading them as values', () => {
    const content = yaml(['services:', '  web:', '    image: busybox', '    ports: !merge []']);
    expect(issues(content)).toEqual([
      {
        path: '',
        line: 4,
        file: 'compose.yaml',
        message: 'the YAML tag !merge is not supported',
      },
    ]);
  });

  it('resolves anchors and merge keys, and ignores x- extension fields', () => {
    const p = project(
      yaml([
        'x-defaults: &defaults',
        '  restart: unless-stopped',
        '  labels: { team: core }',
        'services:',
        '  web:',
        '    <<: *defaults',
        '    image: busybox',
        '    x-note: ignored',
        '    restart: always',
      ]),
    );
    expect(p.services.web?.restart).toBe('always');
    expect(p.services.web?.labels).toEqual({ team: 'core' });
  });
});

describe('loadProject: interpolation', () => {
  const content = yaml([
    'services:',
    '  web:',
    '    image: ${IMAGE:-busybox}:${TAG?set a tag}',
    '    command: echo $$HOME ${GREETING:+hello}',
    '    deploy:',
    '      replicas: ${REPLICAS}',
    '    privileged: ${PRIV:-false}',
    '    environment:',
    '      FROM_ENV:',
    '      LITERAL: $${NOT}',
  ]);

  it('substitutes from the environment over .env, casting typed fields', () => {
    const p = project(content, {
      dotEnv: 'TAG=1.0\nREPLICAS=2\nGREETING=x\nFROM_ENV=dotenv\n',
      environment: { TAG: '2.0', PRIV: 'yes' },
    });
    const web = p.services.web;
    expect(web?.image).toBe('busybox:2.0');
    expect(web?.command).toEqual(['echo', '$HOME', 'hello']);
    expect(web?.replicas).toBe(2);
    expect(web?.privileged).toBe(true);
    expect(web?.environment).toEqual({ FROM_ENV: 'dotenv', LITERAL: '${NOT}' });
    expect(web?.containerNames).toEqual(['demo-web-1', 'demo-web-2']);
  });

  it('names the path and line of a required variable and of a bad cast', () => {
    expect(issues(content, { environment: { REPLICAS: 'two' } })).toEqual([
      {
        path: 'services.web.image',
        line: 3,
        file: 'compose.yaml',
        message: 'required variable TAG is missing a value: set a tag',
      },
      {
        path: 'services.web.deploy.replicas',
        line: 6,
        file: 'compose.yaml',
        message: 'must be an integer, got "two"',
      },
    ]);
  });

  it('warns about unset variables', () => {
    const result = load(yaml(['services:', '  web:', '    image: busybox:${TAG}${SUFFIX}']), {
      environment: { SUFFIX: '' },
    });
    expect(result).toMatchObject({
      ok: true,
      warnings: ['The "TAG" variable is not set. Defaulting to a blank string.'],
    });
  });

  it('reports a bad .env line', () => {
    expect(issues(content, { dotEnv: 'A=1\nB="open\n' })).toEqual([
      { path: '', line: 2, file: '.env', message: 'line 2: unterminated quoted value' },
    ]);
  });
});

describe('loadProject: env_file', () => {
  const envFiles: Record<string, string> = {
    '/srv/demo/app.env': 'FROM_FILE=1\nOVERRIDDEN=file\nREF=${TAG:-none}\n',
    '/srv/demo/raw.env': 'RAW="kept as is" # not a comment\nDOLLAR=$HOME\n',
  };
  const content = yaml([
    'services:',
    '  web:',
    '    image: busybox',
    '    env_file:',
    '      - app.env',
    '      - path: raw.env',
    '        format: raw',
    '      - path: optional.env',
    '        required: false',
    '    environment: { OVERRIDDEN: service }',
  ]);

  it('reads env files in order under the service environment, raw ones as written', () => {
    const web = project(content, { readFile: (path) => envFiles[path] }).services.web;
    expect(web?.environment).toEqual({
      FROM_FILE: '1',
      OVERRIDDEN: 'service',
      REF: 'none',
      RAW: '"kept as is" # not a comment',
      DOLLAR: '$HOME',
    });
  });

  it('reports a required env file that is missing', () => {
    expect(
      issues(content, {
        readFile: (path) => (path === '/srv/demo/app.env' ? undefined : envFiles[path]),
      }),
    ).toEqual([
      {
        path: 'services.web.env_file.0',
        line: 5,
        file: 'compose.yaml',
        message: 'env file /srv/demo/app.env not found',
      },
    ]);
  });
});

describe('loadProject: extends', () => {
  const base = yaml([
    'services:',
    '  base:',
    '    image: busybox',
    '    environment: { A: "1", B: "2" }',
    '    ports: ["80"]',
    '    command: sleep 1',
    '  mid:',
    '    extends: base',
    '    environment: { B: "20" }',
    '  web:',
    '    extends: { service: mid }',
    '    ports: ["81"]',
    '    command: sleep 2',
  ]);

  it('follows a chain, merging by the override rules', () => {
    const web = project(base).services.web;
    expect(web?.environment).toEqual({ A: '1', B: '20' });
    expect(web?.ports.map((p) => p.target)).toEqual([80, 81]);
    expect(web?.command).toEqual(['sleep', '2']);
  });

  it('extends a service of another file given as content', () => {
    const p = project(
      yaml(['services:', '  app:', '    extends: { file: common.yaml, service: shared }']),
      {
        readFile: (path) =>
          path === '/srv/demo/common.yaml'
            ? yaml(['services:', '  shared:', '    image: busybox', '    user: "1000"'])
            : undefined,
      },
    );
    expect(p.services.app?.user).toBe('1000');
  });

  it('rebases the relative paths of a service taken from another folder', () => {
    const p = project(
      yaml(['services:', '  app:', '    extends: { file: common/base.yaml, service: base }']),
      {
        readFile: (path) =>
          ({
            '/srv/demo/common/base.yaml': yaml([
              'services:',
              '  base:',
              '    build: ./ctx',
              '    env_file: [base.env]',
              '    volumes: [./conf:/conf:ro]',
            ]),
            '/srv/demo/common/base.env': 'FROM_BASE=1\n',
          })[path],
      },
    );
    expect(p.services.app?.build?.context).toBe('/srv/demo/common/ctx');
    expect(p.services.app?.environment).toEqual({ FROM_BASE: '1' });
    expect(p.services.app?.volumes).toEqual([
      {
        type: 'bind',
        source: '/srv/demo/common/conf',
        target: '/conf',
        readOnly: true,
        createHostPath: true,
      },
    ]);
  });

  it('reports a missing base and a cycle at the extends key', () => {
    expect(
      issues(
        yaml([
          'services:',
          '  a:',
          '    extends: b',
          '  b:',
          '    extends: a',
          '  c:',
          '    extends: nowhere',
        ]),
      ),
    ).toEqual([
      {
        path: 'services.b.extends',
        line: 5,
        file: 'compose.yaml',
        message: 'circular extends: compose.yaml:a -> compose.yaml:b -> compose.yaml:a',
      },
      {
        path: 'services.c.extends',
        line: 7,
        file: 'compose.yaml',
        message: 'cannot extend service c: service nowhere not found',
      },
    ]);
  });
});

describe('loadProject: profiles', () => {
  const content = yaml([
    'services:',
    '  web: { image: busybox }',
    '  debug: { image: busybox, profiles: [debug] }',
    '  tools: { image: busybox, profiles: [tools, debug] }',
  ]);

  it('leaves out services whose profiles are not active', () => {
    const p = project(content);
    expect(Object.keys(p.services)).toEqual(['web']);
    expect(p.disabledServices).toEqual(['debug', 'tools']);
  });

  it('enables a profile from the options or COMPOSE_PROFILES', () => {
    expect(Object.keys(project(content, { profiles: ['tools'] }).services)).toEqual([
      'web',
      'tools',
    ]);
    expect(
      Object.keys(project(content, { environment: { COMPOSE_PROFILES: 'debug' } }).services),
    ).toEqual(['web', 'debug', 'tools']);
  });

  it('refuses a dependency on a disabled service', () => {
    const withDependency = content + '  app: { image: busybox, depends_on: [debug] }\n';
    expect(issues(withDependency)).toEqual([
      {
        path: 'services.app.depends_on.debug',
        line: 5,
        file: 'compose.yaml',
        message: 'depends on service debug, which is disabled by its profiles',
      },
    ]);
  });
});

describe('loadProject: several files', () => {
  const base = yaml([
    'services:',
    '  web:',
    '    image: busybox',
    '    command: [sleep, "1"]',
    '    ports: ["8080:80", "9000:9000"]',
    '    expose: ["3000"]',
    '    dns: [1.1.1.1]',
    '    environment: [A=1, B=2]',
    '    labels: { keep: "yes", change: old }',
    '    volumes: [data:/data, ./a:/conf]',
    '    depends_on: [db]',
    '    logging: { driver: json-file, options: { max-size: 1m } }',
    '  db: { image: busybox }',
    'volumes: { data: {}, other: {} }',
  ]);
  const override = yaml([
    'services:',
    '  web:',
    '    image: busybox:2',
    '    command: [sleep, "2"]',
    '    ports: ["8080:80", "8443:443"]',
    '    expose: ["3000", "3001"]',
    '    dns: 8.8.8.8',
    '    environment: { B: "20", C: "3" }',
    '    labels: [change=new]',
    '    volumes: [other:/data]',
    '    depends_on: { db: { condition: service_healthy } }',
    '    logging: { options: { max-file: "3" } }',
  ]);

  it('merges in order: scalars replaced, sequences appended, unique keys and mappings merged', () => {
    const web = project([base, override]).services.web;
    expect(web?.image).toBe('busybox:2');
    expect(web?.command).toEqual(['sleep', '2']);
    expect(web?.ports.map((p) => `${p.published}:${p.target}`)).toEqual([
      '8080:80',
      '9000:9000',
      '8443:443',
    ]);
    expect(web?.expose).toEqual(['3000', '3001']);
    expect(web?.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(web?.environment).toEqual({ A: '1', B: '20', C: '3' });
    expect(web?.labels).toEqual({ keep: 'yes', change: 'new' });
    expect(
      web?.volumes.map((v) => (v.type === 'volume' ? `${v.source}:${v.target}` : v.target)),
    ).toEqual(['other:/data', '/conf']);
    expect(web?.dependsOn.db?.condition).toBe('service_healthy');
    expect(web?.logging).toEqual({
      driver: 'json-file',
      options: { 'max-size': '1m', 'max-file': '3' },
    });
  });

  it('applies !reset and !override from an override file (merge.md)', () => {
    const web = project([
      base,
      yaml([
        'services:',
        '  web:',
        '    ports: !override ["8443:443"]',
        '    dns: !reset []',
        '    environment:',
        '      A: !reset null',
        '    labels: !override { only: this }',
        '    logging: !reset null',
      ]),
    ]).services.web;
    expect(web?.ports.map((p) => `${p.published}:${p.target}`)).toEqual(['8443:443']);
    expect(web?.dns).toEqual([]);
    expect(web?.environment).toEqual({ B: '2' });
    expect(web?.labels).toEqual({ only: 'this' });
    expect(web?.logging).toBeUndefined();
  });

  it('points an error in an override file at that file and line', () => {
    expect(issues([base, yaml(['services:', '  web:', '    mem_limit: 1g'])])).toEqual([
      {
        path: 'services.web.mem_limit',
        line: 3,
        file: 'override-1.yaml',
        message: 'mem_limit is not supported by Berth',
      },
    ]);
  });
});

describe('loadProject: validation', () => {
  it('picks the most specific error among oneOf branches, as compose-go does', () => {
    // build is a string or a mapping: the mapping branch's unknown key is the real mistake.
    const content = yaml([
      'services:',
      '  web:',
      '    build:',
      '      context: .',
      '      dockerfil: x',
    ]);
    expect(issues(content)).toEqual([
      {
        path: 'services.web.build.dockerfil',
        line: 5,
        file: 'compose.yaml',
        message: 'additional property dockerfil is not allowed',
      },
    ]);
  });

  it('warns that version is obsolete', () => {
    const result = load(yaml(["version: '3.9'", 'services:', '  web: { image: busybox }']));
    expect(result).toMatchObject({
      ok: true,
      warnings: ['the attribute `version` is obsolete, it will be ignored'],
    });
  });

  it('reports the most specific schema error and every key outside the subset', () => {
    const content = yaml([
      'services:',
      '  web:',
      '    image: busybox',
      '    imgae: typo',
      '    cpus: 2',
      '    ports:',
      '      - target: 80',
      '        published: 8080',
      '        protocl: tcp',
      '    healthcheck:',
      '      test: [CMD, "true"]',
      '      interval: soon',
    ]);
    expect(issues(content)).toEqual([
      {
        path: 'services.web.imgae',
        line: 4,
        file: 'compose.yaml',
        message: 'additional property imgae is not allowed',
      },
      {
        path: 'services.web.cpus',
        line: 5,
        file: 'compose.yaml',
        message: 'cpus is not supported by Berth',
      },
      {
        path: 'services.web.ports.0.protocl',
        line: 9,
        file: 'compose.yaml',
        message: 'additional property protocl is not allowed',
      },
      {
        path: 'services.web.healthcheck.interval',
        line: 12,
        file: 'compose.yaml',
        message: 'must be a duration such as 1m30s',
      },
    ]);
  });

  it('reports references to undefined services, networks and volumes', () => {
    const content = yaml([
      'services:',
      '  web:',
      '    image: busybox',
      '    depends_on: [db]',
      '    networks: [front]',
      '    volumes: [cache:/cache]',
      '  worker:',
      '    command: sleep 1',
    ]);
    expect(issues(content)).toEqual([
      {
        path: 'services.web.depends_on.db',
        line: 4,
        file: 'compose.yaml',
        message: 'depends on undefined service db',
      },
      {
        path: 'services.web.networks.front',
        line: 5,
        file: 'compose.yaml',
        message: 'refers to undefined network front',
      },
      {
        path: 'services.web.volumes.0',
        line: 6,
        file: 'compose.yaml',
        message: 'refers to undefined volume cache',
      },
      {
        path: 'services.worker',
        line: 7,
        file: 'compose.yaml',
        message: 'has neither an image nor a build context specified',
      },
    ]);
  });

  it('needs a valid project name', () => {
    expect(
      issues(yaml(['services:', '  web: { image: busybox }']), { projectName: 'My App' }),
    ).toEqual([
      {
        path: 'name',
        line: 1,
        file: 'compose.yaml',
        message:
          'project name "My App" must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit',
      },
    ]);
  });
});

describe('loadProject: where the project files are', () => {
  const built = yaml([
    'services:',
    '  web:',
    '    image: busybox',
    '  app:',
    '    build:',
    '      context: ./app',
    '    volumes:',
    '      - ./conf:/etc/app',
    '      - /srv/shared:/shared',
  ]);

  it('refuses a build context when the project has no files, at the build line', () => {
    const found = issues(built, { projectFiles: 'none' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'services.app.build', line: 5 });
    expect(found[0]?.message).toContain('./app is not available');
  });

  it('builds from a git repository given as the context, with no files of its own', () => {
    const remote = yaml([
      'services:',
      '  app:',
      '    build: https://git.example/team/app.git#v2:services/app',
      '  named:',
      '    image: registry.example/named:1',
      '    build:',
      '      context: github.com/team/named',
      '      dockerfile: Dockerfile.prod',
    ]);
    const { services } = project(remote, { projectFiles: 'none' });
    expect(services.app?.build).toEqual({
      context: 'https://git.example/team/app.git#v2:services/app',
      remote: { url: 'https://git.example/team/app.git', ref: 'v2', folder: 'services/app' },
      dockerfile: 'Dockerfile',
      args: {},
    });
    expect(services.named?.build?.remote).toEqual({ url: 'https://github.com/team/named' });
    expect(services.named?.build?.dockerfile).toBe('Dockerfile.prod');
  });

  it('refuses a git context with a login in its URL, another transport or a folder leaving it', () => {
    const found = issues(
      yaml([
        'services:',
        '  login:',
        '    build: https://user:token@git.example/app.git',
        '  ssh:',
        '    build:',
        '      context: git@git.example:team/app.git',
        '  escape:',
        '    build: https://git.example/app.git#main:../etc',
      ]),
      { projectFiles: 'none' },
    );
    expect(found.map(({ path, line, message }) => ({ path, line, message }))).toEqual([
      {
        path: 'services.login.build.context',
        line: 3,
        message:
          'a login in a build context URL would show in labels and logs; use a public repository',
      },
      {
        path: 'services.ssh.build.context',
        line: 6,
        message: 'a git context is fetched over http:// or https:// only',
      },
      {
        path: 'services.escape.build.context',
        line: 8,
        message: 'the folder ../etc leaves the repository',
      },
    ]);
  });

  it('without files, runs the named image of a service that also has a build', () => {
    const named = built.replace('  app:\n', '  app:\n    image: registry.example/app:1\n');
    const app = project(named, { projectFiles: 'none' }).services.app;
    expect(app?.image).toBe('registry.example/app:1');
    expect(app?.build).toBeUndefined();
  });

  /** A checkout at /srv holding demo/conf (a folder), demo/app.conf (a file) and demo/app.env. */
  const objects: Record<string, CheckoutObject> = {
    'demo/conf': { type: 'folder', id: 'a1b2c3d4e5f6a7b8c9d0', mode: 0o40000 },
    'demo/app.conf': { type: 'file', id: 'f00dfeedbeef00112233', mode: 0o644 },
    'demo/secrets/token.txt': { type: 'file', id: '7070707070aaaabbbbcc', mode: 0o644 },
  };
  const texts: Record<string, string> = { '/srv/demo/app.env': 'FROM_FILE=yes\n' };
  const checkout: Partial<LoadOptions> = {
    projectFiles: { checkout: '/srv', object: (path) => objects[path] },
    workingDir: '/srv/demo',
    readFile: (path) => texts[path],
  };

  it('in a checkout, takes contexts inside it and refuses one outside', () => {
    const inside = project(built, checkout);
    expect(inside.services.app?.build?.context).toBe('/srv/demo/app');
    const outside = issues(built.replace('./app', '../../etc'), checkout);
    expect(outside[0]).toMatchObject({ path: 'services.app.build', line: 5 });
    expect(outside[0]?.message).toContain('outside the repository');
  });

  it('in a checkout, mounts a folder from a volume named by its content and places a file', () => {
    const files = built.replace(
      '      - ./conf:/etc/app\n',
      '      - ./conf:/etc/app:ro\n      - ./app.conf:/etc/app.conf\n',
    );
    const loaded = project(files, checkout);
    const app = loaded.services.app!;
    expect(app.volumes).toEqual([
      {
        type: 'volume',
        source: 'berth-checkout-a1b2c3d4e5f6',
        target: '/etc/app',
        readOnly: true,
        nocopy: true,
      },
      expect.objectContaining({ type: 'bind', source: '/srv/shared', target: '/shared' }),
    ]);
    expect(loaded.volumes['berth-checkout-a1b2c3d4e5f6']).toEqual({
      name: 'demo_berth-checkout-a1b2c3d4e5f6',
      external: false,
      driverOpts: {},
      labels: { 'berth.checkout': 'demo/conf' },
    });
    expect(app.checkoutFiles).toEqual([
      { path: 'demo/app.conf', target: '/etc/app.conf', blob: 'f00dfeedbeef00112233', mode: 0o644 },
    ]);
    expect(loaded.services.web?.checkoutFiles).toBeUndefined();
  });

  it('in a checkout, refuses a bind, env file or extends file outside it, or missing, at its line', () => {
    const escaping = yaml([
      'services:',
      '  web:',
      '    image: busybox',
      '    env_file: ../../etc/secret.env',
      '    volumes:',
      '      - ../../etc/passwd:/etc/passwd',
      '      - ./missing:/missing',
      '  other:',
      '    extends:',
      '      file: ../../base.yaml',
      '      service: base',
    ]);
    expect(issues(escaping, checkout).map((i) => [i.path, i.line, i.message])).toEqual([
      ['services.other.extends', 9, 'extends file ../../base.yaml is outside the repository'],
    ]);
    const withoutExtends = escaping.split('\n').slice(0, 7).join('\n');
    expect(issues(withoutExtends, checkout).map((i) => [i.path, i.line, i.message])).toEqual([
      ['services.web.env_file.0', 4, 'env file ../../etc/secret.env is outside the repository'],
      ['services.web.volumes.0', 6, 'the bind source ../../etc/passwd is outside the repository'],
      [
        'services.web.volumes.1',
        7,
        'the bind source demo/missing is not a file or folder of the repository',
      ],
    ]);
  });

  const usingFiles = yaml([
    'services:',
    '  web:',
    '    image: busybox',
    '    secrets:',
    '      - token',
    '      - source: token',
    '        target: api-token',
    '        uid: "1000"',
    '        gid: "100"',
    '        mode: 0400',
    '    configs:',
    '      - app_conf',
    '  other:',
    '    image: busybox',
    'secrets:',
    '  token:',
    '    file: ./secrets/token.txt',
    'configs:',
    '  app_conf:',
    '    file: ./app.conf',
  ]);

  it('in a checkout, places secret and config files of the commit instead of binding the host', () => {
    const loaded = project(usingFiles, checkout);
    const web = loaded.services.web!;
    expect(web.secrets).toEqual([]);
    expect(web.configs).toEqual([]);
    const token = { path: 'demo/secrets/token.txt', blob: '7070707070aaaabbbbcc' };
    expect(web.checkoutFiles).toEqual([
      { ...token, target: '/run/secrets/token', mode: 0o444 },
      { ...token, target: '/run/secrets/api-token', mode: 0o400, uid: 1000, gid: 100 },
      { path: 'demo/app.conf', target: '/app_conf', blob: 'f00dfeedbeef00112233', mode: 0o444 },
    ]);
    expect(loaded.services.other?.checkoutFiles).toBeUndefined();
    // On the host, the same file stays a bind of the working directory.
    const onHost = project(usingFiles).services.web!;
    expect(onHost.secrets.map((ref) => ref.target)).toEqual([
      '/run/secrets/token',
      '/run/secrets/api-token',
    ]);
    expect(onHost.checkoutFiles).toBeUndefined();
  });

  it('in a checkout, refuses a secret or config file outside it or missing, at its line', () => {
    const escaping = usingFiles
      .replace('./secrets/token.txt', '../../etc/shadow')
      .replace('./app.conf', './nope.ini')
      .replace('uid: "1000"', 'uid: web');
    expect(issues(escaping, checkout).map((i) => [i.path, i.line, i.message])).toEqual([
      ['services.web.secrets.1.uid', 8, 'uid web must be a number'],
      ['secrets.token.file', 17, 'the secret file ../../etc/shadow is outside the repository'],
      [
        'configs.app_conf.file',
        20,
        'the config file demo/nope.ini is not a file of the repository',
      ],
    ]);
  });

  it('in a checkout, reads env files from it', () => {
    const withEnv = built
      .replace('      - ./conf:/etc/app\n', '')
      .replace('    image: busybox\n', '    image: busybox\n    env_file: ./app.env\n');
    expect(project(withEnv, checkout).services.web?.environment).toEqual({ FROM_FILE: 'yes' });
    const missing = issues(withEnv.replace('./app.env', './nope.env'), checkout);
    expect(missing[0]?.message).toBe('env file demo/nope.env is not a file of the repository');
  });

  it('without files, says an env file or extends file is not available', () => {
    const referencing = yaml([
      'services:',
      '  web:',
      '    image: busybox',
      '    env_file: ./app.env',
      '  other:',
      '    extends:',
      '      file: base.yaml',
      '      service: base',
    ]);
    const found = issues(referencing, { projectFiles: 'none' });
    expect(found.map((i) => [i.path, i.line])).toEqual([['services.other.extends', 6]]);
    expect(found[0]?.message).toContain('extends file base.yaml is not available');
    const envOnly = issues(referencing.split('\n').slice(0, 4).join('\n'), {
      projectFiles: 'none',
    });
    expect(envOnly.map((i) => [i.path, i.line])).toEqual([['services.web.env_file.0', 4]]);
    expect(envOnly[0]?.message).toContain('env file ./app.env is not available');
  });
});
