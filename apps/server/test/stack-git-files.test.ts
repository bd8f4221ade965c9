import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ErrorBody, TStackDeployResponse } from '@berth/shared';
import { TestBerth } from './support/berth.js';
import { type CliTarget, docker, dockerOk } from './support/docker-cli.js';
import { fleet, fleetHost, type FleetHostName } from './support/fleet.js';
import { TestGitServer } from './support/git-server.js';
import { removeComposeProject, settledDeployment } from './support/stack-deployments.js';

/**
 * Files of a stack's git repository where its containers see them, on a unix-socket host (a), the
 * TLS host (c) and the SSH host (d), whose engines are not on Berth's side: a relative bind of a file and of a
 * folder (from the compose file's folder and above it), an env file, an extends file and the
 * files of a secret and a config, all read from the deployed commit. A commit that changes only
 * the bound file (or the secret's file) recreates only the service that uses it; a bind, secret
 * or config leaving the repository is refused at its line; removing the
 * stack removes the volumes that held the repository's folders.
 */
jest.setTimeout(240_000);

const RUN = randomBytes(4).toString('hex');
const LOGIN = { username: 'files', password: `files-token-${RUN}` };

const compose = () =>
  [
    'services:',
    '  web:',
    `    image: ${fleet().image}`,
    '    command: ["sleep", "3600"]',
    '    env_file: ./web.env',
    '    volumes:',
    '      - ./conf/app.conf:/etc/app/app.conf:ro',
    '      - ../site:/srv/site:ro',
    '  worker:',
    '    extends:',
    '      file: ./base.yaml',
    '      service: base',
    '    secrets:',
    '      - token',
    '    configs:',
    '      - source: app_ini',
    '        target: /etc/app.ini',
    '        uid: "1000"',
    '        mode: 0440',
    'secrets:',
    '  token:',
    '    file: ./secrets/token.txt',
    'configs:',
    '  app_ini:',
    '    file: ./conf/app.ini',
    '',
  ].join('\n');
const base = () =>
  [
    'services:',
    '  base:',
    `    image: ${fleet().image}`,
    '    command: ["sleep", "3600"]',
    '    environment:',
    '      ROLE: from-extends',
    '',
  ].join('\n');

let berth: TestBerth;
let git: TestGitServer;
let token = '';
const hostIds = new Map<FleetHostName, string>();

/** The host registered with Berth, once (a second registration of one engine is refused). */
async function hostFor(name: FleetHostName): Promise<string> {
  let id = hostIds.get(name);
  if (!id) {
    id = (await berth.addHost(token, fleetHost(name).registration)).id;
    hostIds.set(name, id);
  }
  return id;
}

beforeAll(async () => {
  [berth, git] = await Promise.all([TestBerth.start(), TestGitServer.start(LOGIN)]);
  token = await berth.adminToken();
});

afterAll(async () => {
  await git?.stop();
  await berth?.stop();
});

const gitSource = (repo: string, path = 'deploy/compose.yaml') => ({
  url: git.repoUrl(repo),
  ref: 'main',
  path,
  username: LOGIN.username,
  token: LOGIN.password,
});

const checkoutVolumes = async (target: CliTarget, project: string) =>
  (
    await dockerOk(target, [
      'volume',
      'ls',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      'label=berth.checkout',
    ])
  )
    .split('\n')
    .filter(Boolean)
    .sort();

describe.each<FleetHostName>(['a', 'c', 'd'])('on host %s', (hostName) => {
  const name = `gf-${hostName}-${RUN}`;
  const repo = `files-${hostName}`;
  const direct: CliTarget = { host: fleetHost(hostName).direct };
  const cat = (service: string, path: string) =>
    dockerOk(direct, ['exec', `${name}-${service}-1`, 'cat', path]);
  const idOf = (service: string) =>
    dockerOk(direct, ['inspect', '-f', '{{.Id}}', `${name}-${service}-1`]);
  let hostId = '';
  let stackId = '';
  let commits: string[] = [];

  beforeAll(async () => {
    hostId = await hostFor(hostName);
    commits = await git.repository(repo, [
      {
        files: {
          'deploy/compose.yaml': compose(),
          'deploy/base.yaml': base(),
          'deploy/web.env': `GREETING=hello ${RUN}\n`,
          'deploy/conf/app.conf': `setting=one ${RUN}\n`,
          'deploy/secrets/token.txt': `token-one-${RUN}\n`,
          'deploy/conf/app.ini': `[app]\nname=${RUN}\n`,
          'site/index.html': `<h1>site one ${RUN}</h1>\n`,
          'site/docs/page.txt': 'a page in a subfolder\n',
        },
      },
    ]);
  });

  afterAll(async () => {
    await removeComposeProject(direct, name);
    for (const volume of await checkoutVolumes(direct, name).catch(() => [])) {
      await docker(direct, ['volume', 'rm', volume]);
    }
  });

  it('deploys with the bound file, bound folder, env file and extends file of the commit', async () => {
    const created = await berth.api<TStackDeployResponse & ErrorBody>(
      'POST',
      `/api/hosts/${hostId}/stacks/git`,
      { token, body: { name, git: gitSource(repo) } },
    );
    expect(created.status).toBe(201);
    stackId = created.body.id;
    const deployment = await settledDeployment(berth, token, stackId, created.body.deploymentId);
    expect(deployment).toMatchObject({ status: 'succeeded', commit: commits[0] });

    expect(await cat('web', '/etc/app/app.conf')).toBe(`setting=one ${RUN}`);
    expect(await cat('web', '/srv/site/index.html')).toBe(`<h1>site one ${RUN}</h1>`);
    expect(await cat('web', '/srv/site/docs/page.txt')).toBe('a page in a subfolder');
    const env = await dockerOk(direct, ['exec', `${name}-web-1`, 'env']);
    expect(env).toContain(`GREETING=hello ${RUN}`);
    expect(await dockerOk(direct, ['exec', `${name}-worker-1`, 'env'])).toContain(
      'ROLE=from-extends',
    );
    // The folder is a read-only volume mount of a volume labelled as the project's.
    const [volume] = await checkoutVolumes(direct, name);
    expect(volume).toMatch(new RegExp(`^${name}_berth-checkout-[0-9a-f]{12}$`));
    const mounts = await dockerOk(direct, [
      'inspect',
      '-f',
      '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}};{{end}}',
      `${name}-web-1`,
    ]);
    expect(mounts).toContain(`volume ${volume} /srv/site false;`);
    const write = await docker(direct, ['exec', `${name}-web-1`, 'touch', '/srv/site/x']);
    expect(write.code).not.toBe(0);
    expect(JSON.stringify(deployment)).not.toContain(LOGIN.password);
  });

  it('a commit that changes only the bound file recreates only the service that binds it', async () => {
    const before = { web: await idOf('web'), worker: await idOf('worker') };
    const volumesBefore = await checkoutVolumes(direct, name);
    const changed = await git.commit(repo, { 'deploy/conf/app.conf': `setting=two ${RUN}\n` });
    const planned = await berth.api<{ recreated: { service: string }[] }>(
      'POST',
      `/api/stacks/${stackId}/plan`,
      { token, body: {} },
    );
    expect(planned.status).toBe(200);
    // The plan of the stored commit: nothing to do yet.
    expect(planned.body.recreated).toEqual([]);
    const pulled = await berth.api<TStackDeployResponse>(
      'POST',
      `/api/stacks/${stackId}/git/pull`,
      { token },
    );
    expect(pulled.status).toBe(200);
    const deployment = await settledDeployment(berth, token, stackId, pulled.body.deploymentId);
    expect(deployment).toMatchObject({ status: 'succeeded', commit: changed });
    expect(deployment.plan?.recreated.map((r) => r.service)).toEqual(['web']);
    expect(await idOf('worker')).toBe(before.worker);
    expect(await idOf('web')).not.toBe(before.web);
    expect(await cat('web', '/etc/app/app.conf')).toBe(`setting=two ${RUN}`);
    // The folder did not change: the same volume serves it.
    expect(await checkoutVolumes(direct, name)).toEqual(volumesBefore);
  });

  it('places the secret and config files of the commit at their targets', async () => {
    expect(await cat('worker', '/run/secrets/token')).toBe(`token-one-${RUN}`);
    expect(await cat('worker', '/etc/app.ini')).toBe(`[app]\nname=${RUN}`);
    const stat = (path: string) =>
      dockerOk(direct, ['exec', `${name}-worker-1`, 'stat', '-c', '%a %u:%g', path]);
    expect(await stat('/run/secrets/token')).toBe('444 0:0');
    expect(await stat('/etc/app.ini')).toBe('440 1000:0');
    // Written into the container, not bound from a path of the engine's host.
    const mounts = await dockerOk(direct, [
      'inspect',
      '-f',
      '{{range .Mounts}}{{.Destination}};{{end}}',
      `${name}-worker-1`,
    ]);
    expect(mounts).not.toContain('/run/secrets');
    expect(mounts).not.toContain('/etc/app.ini');
  });

  it('a commit that changes only the secret file recreates only the service that uses it', async () => {
    const before = { web: await idOf('web'), worker: await idOf('worker') };
    const changed = await git.commit(repo, { 'deploy/secrets/token.txt': `token-two-${RUN}\n` });
    const pulled = await berth.api<TStackDeployResponse>(
      'POST',
      `/api/stacks/${stackId}/git/pull`,
      { token },
    );
    expect(pulled.status).toBe(200);
    const deployment = await settledDeployment(berth, token, stackId, pulled.body.deploymentId);
    expect(deployment).toMatchObject({ status: 'succeeded', commit: changed });
    expect(deployment.plan?.recreated.map((r) => r.service)).toEqual(['worker']);
    expect(await idOf('web')).toBe(before.web);
    expect(await idOf('worker')).not.toBe(before.worker);
    expect(await cat('worker', '/run/secrets/token')).toBe(`token-two-${RUN}`);
    expect(await cat('worker', '/etc/app.ini')).toBe(`[app]\nname=${RUN}`);
  });

  it('a commit that changes the bound folder fills a new volume and removes the old one', async () => {
    const [old] = await checkoutVolumes(direct, name);
    const worker = await idOf('worker');
    await git.commit(repo, { 'site/index.html': `<h1>site two ${RUN}</h1>\n` });
    const pulled = await berth.api<TStackDeployResponse>(
      'POST',
      `/api/stacks/${stackId}/git/pull`,
      { token },
    );
    const deployment = await settledDeployment(berth, token, stackId, pulled.body.deploymentId);
    expect(deployment.status).toBe('succeeded');
    expect(deployment.plan?.recreated.map((r) => r.service)).toEqual(['web']);
    expect(await cat('web', '/srv/site/index.html')).toBe(`<h1>site two ${RUN}</h1>`);
    expect(await cat('web', '/etc/app/app.conf')).toBe(`setting=two ${RUN}`);
    expect(await idOf('worker')).toBe(worker);
    const now = await checkoutVolumes(direct, name);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(old);
  });

  it('removing the stack removes its checkout volumes', async () => {
    const removed = await berth.api('DELETE', `/api/stacks/${stackId}`, { token });
    expect(removed.status).toBe(204);
    expect(await checkoutVolumes(direct, name)).toEqual([]);
    const left = await docker(direct, ['inspect', `${name}-web-1`]);
    expect(left.code).not.toBe(0);
  });
});

describe('refusals', () => {
  let hostId = '';

  beforeAll(async () => {
    hostId = await hostFor('a');
  });

  /** A git stack from a repository of `files` is refused as invalid and not kept: its issues. */
  async function refusedIssues(repo: string, files: Record<string, string>) {
    await git.repository(repo, [{ files }]);
    const name = `gf-${repo}-${RUN}`;
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/git`, {
      token,
      body: { name, git: gitSource(repo, 'compose.yaml') },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('COMPOSE_INVALID');
    const stacks = await berth.api<{ items: { name: string }[] }>(
      'GET',
      `/api/stacks?hostId=${hostId}`,
      { token },
    );
    expect(stacks.body.items.map((s) => s.name)).not.toContain(name);
    return res.body.error.details;
  }

  it('refuses a bind and an env file that leave the repository, naming the path and line', async () => {
    const details = await refusedIssues('escape', {
      'compose.yaml': [
        'services:',
        '  web:',
        `    image: ${fleet().image}`,
        '    env_file: ../outside.env',
        '    volumes:',
        '      - ./ok:/ok',
        '      - ../../etc/passwd:/etc/passwd:ro',
        '',
      ].join('\n'),
      'ok/file.txt': 'fine\n',
    });
    expect(details).toEqual({
      issues: [
        {
          path: 'services.web.env_file.0',
          line: 4,
          message: 'env file ../outside.env is outside the repository',
        },
        {
          path: 'services.web.volumes.1',
          line: 7,
          message: 'the bind source ../../etc/passwd is outside the repository',
        },
      ],
    });
  });

  it('refuses a secret file outside the repository and a config file the commit lacks, at their lines', async () => {
    const details = await refusedIssues('escape-files', {
      'compose.yaml': [
        'services:',
        '  web:',
        `    image: ${fleet().image}`,
        '    secrets: [token]',
        '    configs: [app_ini]',
        'secrets:',
        '  token:',
        '    file: ../../etc/shadow',
        'configs:',
        '  app_ini:',
        '    file: ./conf/app.ini',
        '',
      ].join('\n'),
    });
    expect(details).toEqual({
      issues: [
        {
          path: 'secrets.token.file',
          line: 8,
          message: 'the secret file ../../etc/shadow is outside the repository',
        },
        {
          path: 'configs.app_ini.file',
          line: 11,
          message: 'the config file conf/app.ini is not a file of the repository',
        },
      ],
    });
  });

  it('refuses a bound path the commit does not have, at its line', async () => {
    await git.repository('missing', [
      {
        files: {
          'compose.yaml': `services:\n  web:\n    image: ${fleet().image}\n    volumes:\n      - ./nowhere.conf:/etc/x.conf\n`,
        },
      },
    ]);
    const res = await berth.api<ErrorBody>('POST', `/api/hosts/${hostId}/stacks/git`, {
      token,
      body: { name: `gf-missing-${RUN}`, git: gitSource('missing', 'compose.yaml') },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'COMPOSE_INVALID',
      details: {
        issues: [
          {
            path: 'services.web.volumes.0',
            line: 5,
            message: 'the bind source nowhere.conf is not a file or folder of the repository',
          },
        ],
      },
    });
  });
});
