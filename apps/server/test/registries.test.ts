import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type {
  TRegistry,
  TRegistryTestResult,
  TRepositoryPage,
  TTagList,
  TTagManifest,
  TUsableRegistry,
} from '@berth/shared';
import { PrismaService } from '../src/database/prisma.service.js';
import { RegistryCredentialsService } from '../src/registries/registry-credentials.js';
import type { ApiAnswer } from './support/berth.js';
import { TestBerth } from './support/berth.js';
import type { ApiCallOptions } from './support/call-api.js';
import { type CliTarget, docker, dockerOk, gatewayHost } from './support/docker-cli.js';
import { fleet, fleetHost } from './support/fleet.js';
import { createUser, signIn, tokenFor, USER_PASSWORD } from './support/identity.js';
import { pushIndex, type UploadTarget } from './support/registry-upload.js';

/**
 * Registries against both registries of the test fleet: the password one (basic auth) and the
 * token one (bearer tokens from the fleet's token service). Connection tests, browsing, a
 * multi-arch index the suite pushes, deleting a tag, pulls and pushes through the gateway by a
 * user given access and by one who is not, and ECR's token exchange against a local stand-in of
 * its API. At the end every answer, log line and audit row of the suite is searched for the
 * passwords.
 */
jest.setTimeout(120_000);

const RUN = randomBytes(4).toString('hex');
const CREATED = '2026-01-02T03:04:05Z';
const token = fleet().tokenRegistry;
if (!token)
  throw new Error('the fleet has no token registry: run `bash scripts/fleet/fleet.sh up`');
const ECR_SECRET_KEY = `ecr-secret-${randomBytes(12).toString('hex')}`;

interface Case {
  kind: 'basic' | 'token';
  target: UploadTarget;
  /** What the engine says when a pull goes without a login. */
  anonymousRefusal: RegExp;
  /** The registry's own words for a wrong password. */
  wrongPassword: RegExp;
}

const CASES: Case[] = [
  {
    kind: 'basic',
    target: { ...fleet().registry },
    anonymousRefusal: /no basic auth credentials/,
    wrongPassword: /refused the login: 401 UNAUTHORIZED/,
  },
  {
    kind: 'token',
    target: {
      address: token.address,
      username: token.username,
      password: token.password,
      tokenService: {
        url: `http://${token.tokenService}/token`,
        service: 'berth-fleet-token-registry',
      },
    },
    anonymousRefusal: /(unauthorized|denied|authentication required)/i,
    wrongPassword: /token service refused the login: 401 incorrect username or password/,
  },
];

/** A local stand-in of ECR's API: GetAuthorizationToken answers a login of the fleet registry. */
class EcrStandIn {
  calls = 0;
  lifetimeMs = 12 * 3_600_000;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        if (
          !target.endsWith('.GetAuthorizationToken') ||
          !/AWS4-HMAC-SHA256/.test(String(req.headers.authorization))
        ) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(
            JSON.stringify({ __type: 'InvalidRequest', message: `unexpected ${target} ${body}` }),
          );
          return;
        }
        this.calls += 1;
        const { username, password } = fleet().registry;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            authorizationData: [
              {
                authorizationToken: Buffer.from(`${username}:${password}`).toString('base64'),
                expiresAt: (Date.now() + this.lifetimeMs) / 1000,
                proxyEndpoint: `http://${fleet().registry.address}`,
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('registries of every kind, browsed and used by who may use them', () => {
  let berth: TestBerth;
  let admin: string;
  let hostId: string;
  let otherHostId: string;
  const ecr = new EcrStandIn();
  /** Every answer body of the suite, searched for secrets at the end. */
  const answers: string[] = [];
  const own: CliTarget = { host: fleetHost('a').direct };
  const pushed: string[] = [];

  async function api<T>(method: string, path: string, options: ApiCallOptions = {}) {
    const answer: ApiAnswer<T> = await berth.api<T>(method, path, { token: admin, ...options });
    answers.push(JSON.stringify(answer.body));
    return answer;
  }

  /** A user with image pull and push and `registry.use` on host a, and their gateway target. */
  async function userWith(name: string, role: string): Promise<{ id: string; gw: CliTarget }> {
    const user = await createUser(berth, admin, `${name}-${RUN}`);
    const grant = await api('POST', '/api/grants', { body: { userId: user.id, hostId, role } });
    expect(grant.status).toBe(201);
    const login = await signIn(berth, `${name}-${RUN}`, USER_PASSWORD);
    const userToken = await tokenFor(berth, login.session!);
    return { id: user.id, gw: { host: gatewayHost(berth.url, hostId), token: userToken } };
  }

  beforeAll(async () => {
    const endpoint = await ecr.start();
    berth = await TestBerth.start(
      { LOG_LEVEL: 'trace', BERTH_ECR_ENDPOINT: endpoint },
      { captureLogs: true },
    );
    admin = await berth.adminToken();
    hostId = (await berth.addHost(admin, fleetHost('a').registration)).id;
    otherHostId = (await berth.addHost(admin, fleetHost('b').registration)).id;
  });

  afterAll(async () => {
    if (pushed.length > 0) await docker(own, ['rmi', '-f', ...pushed]);
    await berth?.stop();
    await ecr.stop();
  });

  it('the kind presets the address and names what a kind needs', async () => {
    const ecrWithoutKey = await api('POST', '/api/registries', {
      body: { name: `ecr-${RUN}`, kind: 'ecr', serverAddress: '1.dkr.ecr.eu-west-1.amazonaws.com' },
    });
    expect(ecrWithoutKey.status).toBe(400);
    const issues = (
      ecrWithoutKey.body as { error: { details: { issues: { path: string }[] } } }
    ).error.details.issues.map((issue) => issue.path);
    expect(issues).toEqual(expect.arrayContaining(['region', 'username', 'password']));
  });

  it('a TLS failure and an unknown host come back as the test’s reason, not as an error', async () => {
    const tls = await api<TRegistryTestResult>('POST', '/api/registries/test', {
      body: { name: 'tls', kind: 'v2', serverAddress: fleet().c.url.replace('tcp://', '') },
    });
    expect(tls.status).toBe(200);
    expect(tls.body.ok).toBe(false);
    expect(tls.body.message).toMatch(/certificate/i);
    const unknown = await api<TRegistryTestResult>('POST', '/api/registries/test', {
      body: { name: 'nowhere', kind: 'v2', serverAddress: `no-such-registry-${RUN}.invalid:5000` },
    });
    expect(unknown.body).toEqual({ ok: false, message: expect.stringMatching(/unknown host/) });
  });

  it('a registry behind TLS with a CA of its own: refused without the CA, verified with it', async () => {
    // The password registry behind a TLS front whose self-signed certificate names 127.0.0.1.
    const dir = mkdtempSync(join(tmpdir(), 'berth-registry-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=berth test registry',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const [host, port] = fleet().registry.address.split(':');
    const front = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      const upstream = request(
        { host, port: Number(port), path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const { username, password } = fleet().registry;
      const body = {
        name: 'tls front',
        kind: 'v2',
        serverAddress: `127.0.0.1:${(front.address() as AddressInfo).port}`,
        username,
        password,
      };
      const test = async (extra: Record<string, unknown>) =>
        (
          await api<TRegistryTestResult>('POST', '/api/registries/test', {
            body: { ...body, ...extra },
          })
        ).body;
      const unverified = await test({});
      expect(unverified.ok).toBe(false);
      expect(unverified.message).toMatch(/certificate/i);
      expect(await test({ caCert: cert.trim() })).toMatchObject({ ok: true });
      expect(await test({ insecure: true })).toMatchObject({ ok: true });
      // Another CA (host c's) does not vouch for it.
      expect(await test({ caCert: fleet().c.ca.trim() })).toMatchObject({ ok: false });
    } finally {
      front.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(CASES)(
    'the $kind registry',
    ({ kind, target, anonymousRefusal, wrongPassword }) => {
      const repo = `berth-${kind}-${RUN}/multi`;
      const name = `fleet-${kind}-${RUN}`;
      let registry: TRegistry;
      let digests: Awaited<ReturnType<typeof pushIndex>>;
      const body = {
        name,
        kind: 'v2',
        serverAddress: `http://${target.address}`,
        username: target.username,
        password: target.password,
        insecure: true,
      };

      it('tests the connection before saving: a wrong password gets the registry’s reason', async () => {
        const wrong = await api<TRegistryTestResult>('POST', '/api/registries/test', {
          body: { ...body, password: 'not-the-password' },
        });
        expect(wrong.status).toBe(200);
        expect(wrong.body.ok).toBe(false);
        expect(wrong.body.message).toMatch(wrongPassword);
        const right = await api<TRegistryTestResult>('POST', '/api/registries/test', { body });
        expect(right.body).toEqual({ ok: true, message: expect.any(String) });
      });

      it('stores it without ever answering the password, and tests the stored one', async () => {
        const created = await api<TRegistry>('POST', '/api/registries', { body });
        expect(created.status).toBe(201);
        registry = created.body;
        expect(registry).toMatchObject({
          name,
          kind: 'v2',
          serverAddress: target.address,
          username: target.username,
          hasPassword: true,
          insecure: true,
          access: { users: [], teams: [], hostIds: [], hostGroups: [] },
        });
        const tested = await api<TRegistryTestResult>(
          'POST',
          `/api/registries/${registry.id}/test`,
        );
        expect(tested.body.ok).toBe(true);
      });

      it('browses the catalog, the tags and a multi-arch index the suite pushed', async () => {
        digests = await pushIndex(target, repo, '1.0', CREATED);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: ApiAnswer<TRepositoryPage> = await api<TRepositoryPage>(
            'GET',
            `/api/registries/${registry.id}/repositories${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(page.status).toBe(200);
          expect(page.body.source).toBe('catalog');
          seen.push(...page.body.items.map((item) => item.name));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(seen).toContain(repo);

        const tags = await api<TTagList>(
          'GET',
          `/api/registries/${registry.id}/repositories/${encodeURIComponent(repo)}/tags`,
        );
        expect(tags.body.items).toEqual([
          { tag: '1.0' },
          { tag: '1.0-amd64' },
          { tag: '1.0-arm64' },
        ]);

        const tagPath = `/api/registries/${registry.id}/repositories/${encodeURIComponent(repo)}/tags`;
        const index = await api<TTagManifest>('GET', `${tagPath}/1.0`);
        expect(index.status).toBe(200);
        expect(index.body).toMatchObject({
          digest: digests.index,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          created: null,
          layers: [],
        });
        expect(index.body.platforms.map((p) => `${p.os}/${p.architecture}@${p.digest}`)).toEqual([
          `linux/amd64@${digests.images.amd64}`,
          `linux/arm64@${digests.images.arm64}`,
        ]);

        const image = await api<TTagManifest>('GET', `${tagPath}/1.0-arm64`);
        expect(image.body).toMatchObject({
          digest: digests.images.arm64,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platforms: [],
          created: CREATED,
        });
        expect(image.body.layers).toHaveLength(1);
        const layerSize = Buffer.byteLength(`layer of arm64 ${repo}`);
        expect(image.body.layers[0]!.size).toBe(layerSize);
        expect(image.body.size).toBeGreaterThan(layerSize);

        const missing = await api('GET', `${tagPath}/no-such-tag`);
        expect(missing.status).toBe(404);
      });

      it('deletes a tag by its digest, journaled and recorded', async () => {
        const tagPath = `/api/registries/${registry.id}/repositories/${encodeURIComponent(repo)}/tags`;
        const removed = await api('DELETE', `${tagPath}/1.0-amd64`);
        expect(removed.status).toBe(204);
        const tags = await api<TTagList>('GET', tagPath);
        expect(tags.body.items.map((t) => t.tag)).not.toContain('1.0-amd64');
        const db = berth.server.app.get(PrismaService).db;
        const record = await db.auditEvent.findFirst({
          where: { action: 'registry.tag_delete', target: name },
        });
        expect(record?.outcome).toBe('success');
        expect(JSON.parse(record?.details ?? '{}')).toMatchObject({
          repository: repo,
          tag: '1.0-amd64',
          digest: digests.images.amd64,
        });
        // The registry no longer has the manifest: the index now names a missing platform.
        expect((await api('GET', `${tagPath}/1.0-amd64`)).status).toBe(404);
      });

      it('a user given access pulls and pushes through Berth; one without it goes anonymously', async () => {
        const ref = `${target.address}/berth-${kind}-${RUN}/busybox:1`;
        pushed.push(ref);
        const role = await api<{ id: string }>('POST', '/api/roles', {
          body: {
            name: `pull-push-${kind}-${RUN}`,
            permissions: ['image.list', 'image.pull', 'image.push', 'registry.use'],
          },
        });
        expect(role.status).toBe(201);
        const allowed = await userWith(`allowed-${kind}`, role.body.id);
        const stranger = await userWith(`stranger-${kind}`, role.body.id);

        const access = await api<TRegistry>('PUT', `/api/registries/${registry.id}/access`, {
          body: { users: [allowed.id], teams: [] },
        });
        expect(access.status).toBe(200);
        expect(access.body.access).toEqual({
          users: [allowed.id],
          teams: [],
          hostIds: [],
          hostGroups: [],
        });
        const db = berth.server.app.get(PrismaService).db;
        const record = await db.auditEvent.findFirst({
          where: { action: 'registry.access', target: name },
          orderBy: { id: 'desc' },
        });
        expect(JSON.parse(record?.details ?? '{}')).toMatchObject({
          users: [allowed.id],
          teams: [],
          hostIds: [],
        });

        await dockerOk(allowed.gw, ['tag', fleet().image, ref]);
        expect(await dockerOk(allowed.gw, ['push', ref])).toMatch(/1: digest: sha256:/);
        await dockerOk(own, ['rmi', ref]);
        await dockerOk(allowed.gw, ['pull', ref]);

        await dockerOk(own, ['rmi', ref]);
        const refused = await docker(stranger.gw, ['pull', ref]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(anonymousRefusal);

        // The stranger's pull never had the login; the allowed user's has it only on their hosts.
        const credentials = berth.server.app.get(RegistryCredentialsService);
        const asUser = async (id: string) =>
          await berth.server.app.get(PrismaService).db.user.findUniqueOrThrow({ where: { id } });
        expect(await credentials.forImage(ref, await asUser(stranger.id), hostId)).toBeNull();
        expect(await credentials.forImage(ref, await asUser(allowed.id), hostId)).toMatchObject({
          serverAddress: target.address,
          username: target.username,
        });
        // Access through a team: the stranger joins one that is given it.
        const team = await api<{ id: string }>('POST', '/api/teams', {
          body: { name: `team-${kind}-${RUN}` },
        });
        const joined = await api('POST', `/api/teams/${team.body.id}/members`, {
          body: { userId: stranger.id },
        });
        expect(joined.status).toBe(200);
        await api('PUT', `/api/registries/${registry.id}/access`, {
          body: { users: [], teams: [team.body.id] },
        });
        expect(await credentials.forImage(ref, await asUser(stranger.id), hostId)).toMatchObject({
          username: target.username,
        });
        expect(await credentials.forImage(ref, await asUser(allowed.id), hostId)).toBeNull();
        await api('PUT', `/api/registries/${registry.id}/access`, {
          body: { users: [allowed.id], teams: [], hostIds: [otherHostId] },
        });
        expect(await credentials.forImage(ref, await asUser(allowed.id), hostId)).toBeNull();
        const limited = await docker(allowed.gw, ['pull', ref]);
        expect(limited.code).toBe(1);
        expect(limited.stderr).toMatch(anonymousRefusal);

        // Limited to a host group: host a's group counts, another group does not.
        const group = `registry-${kind}-${RUN}`;
        expect((await api('PATCH', `/api/hosts/${hostId}`, { body: { group } })).status).toBe(200);
        for (const [hostGroups, allowedThere] of [
          [[group], true],
          [[`${group}-other`], false],
        ] as const) {
          await api('PUT', `/api/registries/${registry.id}/access`, {
            body: { users: [allowed.id], teams: [], hostGroups },
          });
          const login = await credentials.forImage(ref, await asUser(allowed.id), hostId);
          expect(login !== null).toBe(allowedThere);
        }
      });

      it('access names unknown users, teams and hosts', async () => {
        const wrong = await api('PUT', `/api/registries/${registry.id}/access`, {
          body: { users: ['nobody'], teams: ['no-team'], hostIds: ['no-host'] },
        });
        expect(wrong.status).toBe(400);
        const paths = (
          wrong.body as { error: { details: { issues: { path: string }[] } } }
        ).error.details.issues.map((issue) => issue.path);
        expect(paths).toEqual(['users.0', 'teams.0', 'hostIds.0']);
      });
    },
  );

  it('a user who may push lists the registries they may use on the host, without any login', async () => {
    const { address, username, password } = fleet().registry;
    const create = async (name: string, serverAddress: string) => {
      const created = await api<TRegistry>('POST', '/api/registries', {
        body: { name, kind: 'v2', serverAddress, username, password, insecure: true },
      });
      expect(created.status).toBe(201);
      return created.body;
    };
    const theirs = await create(`usable-${RUN}`, `${address}/usable-${RUN}`);
    const notTheirs = await create(`not-usable-${RUN}`, `${address}/not-usable-${RUN}`);
    const pusher = await api<{ id: string }>('POST', '/api/roles', {
      body: { name: `push-${RUN}`, permissions: ['image.list', 'image.push', 'registry.use'] },
    });
    const withoutUse = await api<{ id: string }>('POST', '/api/roles', {
      body: { name: `push-only-${RUN}`, permissions: ['image.list', 'image.push'] },
    });
    const user = await userWith('lister', pusher.body.id);
    const other = await userWith('lister-without-use', withoutUse.body.id);
    const [userToken, otherToken] = [user.gw.token ?? '', other.gw.token ?? ''];
    await api('PUT', `/api/registries/${theirs.id}/access`, {
      body: { users: [user.id, other.id], teams: [] },
    });
    const listAs = (as: string, host = hostId) =>
      api<TUsableRegistry[]>('GET', `/api/hosts/${host}/registries`, { token: as });

    const listed = await listAs(userToken);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { id: theirs.id, name: theirs.name, kind: 'v2', serverAddress: theirs.serverAddress },
    ]);
    const text = JSON.stringify(listed.body);
    for (const leak of [password, 'username', 'hasPassword', 'caCert', 'access', user.id]) {
      expect(text).not.toContain(leak);
    }
    // The stored registries themselves, with their logins and access, stay for administrators.
    expect((await api('GET', '/api/registries', { token: userToken })).status).toBe(403);
    const byAdmin = await listAs(admin);
    expect(byAdmin.body.map((r) => r.id)).toEqual(
      expect.arrayContaining([theirs.id, notTheirs.id]),
    );
    // registry.use on the host is needed; a host without any grant is not even found.
    const refused = await listAs(otherToken);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('registry.use');
    expect((await listAs(userToken, otherHostId)).status).toBe(404);
    // Access limited to another host: nothing to pick on this one.
    await api('PUT', `/api/registries/${theirs.id}/access`, {
      body: { users: [user.id], teams: [], hostIds: [otherHostId] },
    });
    expect((await listAs(userToken)).body).toEqual([]);
  });

  it('where the catalog is refused, the repositories seen on the hosts are listed', async () => {
    const seen = `${token.address}/berth-token-${RUN}/busybox:seen`;
    pushed.push(seen);
    await dockerOk(own, ['tag', fleet().image, seen]);
    const reader = await api<TRegistry>('POST', '/api/registries', {
      body: {
        name: `reader-${RUN}`,
        kind: 'v2',
        serverAddress: `${token.address}/berth-token-${RUN}`,
        username: token.reader,
        password: token.readerPassword,
        insecure: true,
      },
    });
    expect(reader.status).toBe(201);
    const page = await api<TRepositoryPage>(
      'GET',
      `/api/registries/${reader.body.id}/repositories`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [{ name: `berth-token-${RUN}/busybox` }],
      nextCursor: null,
      source: 'hosts',
    });
  });

  it('ECR: the key pair is exchanged through the AWS SDK, and again before the password expires', async () => {
    const created = await api<TRegistry>('POST', '/api/registries', {
      body: {
        name: `ecr-${RUN}`,
        kind: 'ecr',
        // The fleet registry under another name, so that the stand-in's login works there.
        serverAddress: fleet().registry.address.replace('127.0.0.1', 'localhost'),
        username: 'AKIAFLEETSTANDIN',
        password: ECR_SECRET_KEY,
        region: 'eu-west-1',
        insecure: true,
      },
    });
    expect(created.status).toBe(201);
    const test = () => api<TRegistryTestResult>('POST', `/api/registries/${created.body.id}/test`);

    // A password with four minutes left is exchanged again at the next use.
    ecr.lifetimeMs = 4 * 60_000;
    expect((await test()).body.ok).toBe(true);
    expect(ecr.calls).toBe(1);
    ecr.lifetimeMs = 12 * 3_600_000;
    expect((await test()).body.ok).toBe(true);
    expect(ecr.calls).toBe(2);
    // One with twelve hours left is kept.
    expect((await test()).body.ok).toBe(true);
    expect((await test()).body.ok).toBe(true);
    expect(ecr.calls).toBe(2);

    // The same password goes with a push through the gateway (the engine sees only the login
    // ECR handed out), and an unsaved ECR registry is tested with a fresh exchange.
    const ref = `${created.body.serverAddress}/berth-ecr-${RUN}/busybox:1`;
    pushed.push(ref);
    const gw: CliTarget = { host: gatewayHost(berth.url, hostId), token: admin };
    await dockerOk(gw, ['tag', fleet().image, ref]);
    expect(await dockerOk(gw, ['push', ref])).toMatch(/1: digest: sha256:/);
    expect(ecr.calls).toBe(2);
    const unsaved = await api<TRegistryTestResult>('POST', '/api/registries/test', {
      body: {
        name: 'ecr draft',
        kind: 'ecr',
        serverAddress: created.body.serverAddress,
        username: 'AKIAFLEETSTANDIN',
        password: ECR_SECRET_KEY,
        region: 'eu-west-1',
        insecure: true,
      },
    });
    expect(unsaved.body.ok).toBe(true);
    expect(ecr.calls).toBe(3);
  });

  it('no answer, log line or audit row of the suite holds a password or a login', async () => {
    const secrets = [
      fleet().registry.password,
      token.password,
      token.readerPassword,
      ECR_SECRET_KEY,
      ...[fleet().registry, token].map((login) =>
        Buffer.from(`${login.username}:${login.password}`).toString('base64'),
      ),
    ];
    const db = berth.server.app.get(PrismaService).db;
    const audit = [
      ...(await db.auditEvent.findMany()).map((row) => JSON.stringify(row)),
      ...(await db.auditIntent.findMany()).map((row) => JSON.stringify(row)),
    ];
    expect(answers.length).toBeGreaterThan(20);
    expect(berth.logs.length).toBeGreaterThan(20);
    expect(audit.length).toBeGreaterThan(5);
    for (const text of [...answers, ...berth.logs, ...audit]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      // Nor a bearer token of the token service (a JWT: two base64url JSON parts).
      expect(text).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}/);
    }
  });
});
