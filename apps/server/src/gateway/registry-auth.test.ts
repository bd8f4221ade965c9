import { describe, expect, it } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { matchRegistry } from '../registries/registry-address.js';
import type {
  RegistryCredentials,
  RegistryCredentialsService,
} from '../registries/registry-credentials.js';
import { type EnginePath, parseEnginePath } from './engine-path.js';
import { RegistryAuth } from './registry-auth.js';

const CALLER = { id: 'u1', username: 'u1', displayName: '', isAdmin: true };

/**
 * Logins the caller may use; who may use which is `RegistryCredentialsService`'s, covered by the
 * registries integration tests.
 */
function authWith(stored: RegistryCredentials[]) {
  const credentials = {
    forImage: (reference: string) => Promise.resolve(matchRegistry(stored, reference)),
    forBuild: () => Promise.resolve(stored),
  };
  const auth = new RegistryAuth(credentials as unknown as RegistryCredentialsService);
  return {
    headersFor: (method: string, path: EnginePath, headers: IncomingHttpHeaders) =>
      auth.headersFor(method, path, headers, CALLER),
  };
}

function path(url: string): EnginePath {
  const parsed = parseEnginePath(`/api/hosts/h1/docker/v1.41${url}`);
  if (!parsed) throw new Error(url);
  return parsed;
}

/** What the engine does with the header: Go's base64.URLEncoding, which insists on padding. */
function goDecode(header: string | undefined): unknown {
  expect(header).toMatch(/^[A-Za-z0-9_-]*={0,2}$/);
  expect((header ?? '').length % 4).toBe(0);
  return JSON.parse(Buffer.from(header ?? '', 'base64').toString('utf8'));
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const team = { serverAddress: 'registry.example.com:5000', username: 'ci', password: 'p>?>?' };
const hub = { serverAddress: 'docker.io', username: 'hubuser', password: 'hub-secret' };

describe('RegistryAuth', () => {
  it('adds the stored login of the image registry to a pull, padded as the engine needs', async () => {
    const headers = await authWith([team, hub]).headersFor(
      'POST',
      path('/images/create?fromImage=registry.example.com:5000/app&tag=1'),
      {},
    );
    expect(goDecode(headers['x-registry-auth'])).toEqual({
      username: 'ci',
      password: 'p>?>?',
      serveraddress: 'registry.example.com:5000',
    });
  });

  it('adds it to a push, and picks Docker Hub for an image without a registry host', async () => {
    const auth = authWith([team, hub]);
    const push = await auth.headersFor(
      'POST',
      path('/images/registry.example.com:5000/app/push?tag=1'),
      {},
    );
    expect(goDecode(push['x-registry-auth'])).toMatchObject({ username: 'ci' });
    const pull = await auth.headersFor(
      'POST',
      path('/images/create?fromImage=library/busybox'),
      {},
    );
    expect(goDecode(pull['x-registry-auth'])).toMatchObject({ username: 'hubuser' });
  });

  it('treats an empty login from the CLI as none, and keeps a real one', async () => {
    const auth = authWith([team]);
    const pull = path('/images/create?fromImage=registry.example.com:5000/app');
    for (const empty of [
      'e30=',
      encode({ serveraddress: 'registry.example.com:5000' }),
      encode({ username: '', password: '' }),
    ]) {
      const headers = await auth.headersFor('POST', pull, { 'x-registry-auth': empty });
      expect(goDecode(headers['x-registry-auth'])).toMatchObject({ username: 'ci' });
    }
    const own = encode({ username: 'me', password: 'mine' });
    expect(await auth.headersFor('POST', pull, { 'x-registry-auth': own })).toEqual({});
    expect(
      await auth.headersFor('POST', pull, { 'x-registry-auth': encode({ identitytoken: 't' }) }),
    ).toEqual({});
  });

  it('gives a build every stored login, under the keys the engine looks up', async () => {
    const headers = await authWith([team, hub]).headersFor('POST', path('/build?t=x'), {
      'x-registry-config': 'e30=',
    });
    expect(goDecode(headers['x-registry-config'])).toEqual({
      'registry.example.com:5000': {
        username: 'ci',
        password: 'p>?>?',
        serveraddress: 'registry.example.com:5000',
      },
      'https://index.docker.io/v1/': {
        username: 'hubuser',
        password: 'hub-secret',
        serveraddress: 'docker.io',
      },
    });
  });

  it("merges a build's own logins with the stored ones; the client's win", async () => {
    const sent = encode({
      'registry.example.com:5000': { username: 'me', password: 'mine' },
      'other.example.com': { username: 'x', password: 'y' },
      'empty.example.com': {},
    });
    const headers = await authWith([team, hub]).headersFor('POST', path('/build'), {
      'x-registry-config': sent,
    });
    expect(goDecode(headers['x-registry-config'])).toEqual({
      'registry.example.com:5000': { username: 'me', password: 'mine' },
      'other.example.com': { username: 'x', password: 'y' },
      'https://index.docker.io/v1/': {
        username: 'hubuser',
        password: 'hub-secret',
        serveraddress: 'docker.io',
      },
    });
  });

  it('sends a stored login only to the registry host the engine reads from the reference', async () => {
    const evil = { serverAddress: 'evil', username: 'e', password: 'evil-secret' };
    const local = { serverAddress: 'localhost', username: 'l', password: 'local-secret' };
    const port = { serverAddress: 'foo.io:5000', username: 'f', password: 'foo-secret' };
    const auth = authWith([team, hub, evil, local, port]);
    const userOf = async (url: string) => {
      const headers = await auth.headersFor('POST', path(url), {});
      const header = headers['x-registry-auth'];
      return header === undefined ? null : (goDecode(header) as { username: string }).username;
    };
    const pull = (image: string) => userOf(`/images/create?fromImage=${encodeURIComponent(image)}`);
    // An upper-case first component is a host of its own, never Docker Hub.
    expect(await pull('EVIL/x')).toBe('e');
    expect(
      await authWith([hub]).headersFor('POST', path('/images/create?fromImage=EVIL/x'), {}),
    ).toEqual({});
    expect(await userOf('/images/EVIL/x/push?tag=1')).toBe('e');
    expect(await pull('evil/x')).toBe('hubuser');
    expect(await pull('localhost/x')).toBe('l');
    expect(await pull('localhost')).toBe('hubuser');
    expect(await pull('registry.example.com:5000/team/app:1.0')).toBe('ci');
    expect(await pull(`registry.example.com:5000/app@sha256:${'a'.repeat(64)}`)).toBe('ci');
    expect(await pull('docker.io/library/busybox')).toBe('hubuser');
    expect(await pull('index.docker.io/x')).toBe('hubuser');
    expect(await pull(`busybox:1@sha256:${'b'.repeat(64)}`)).toBe('hubuser');
    expect(await pull('Foo.io:5000/x')).toBe('f');
    expect(await pull('foo.io/x')).toBeNull();
    // `docker pull -a` sends a trailing colon, which the engine drops.
    expect(await pull('registry.example.com:5000/app:')).toBe('ci');
  });

  it('sends no stored login with a reference the engine refuses or reads as no registry', async () => {
    const auth = authWith([team, hub]);
    for (const image of [
      'docker/Docker',
      'registry.example.com:5000/App',
      'registry.example.com:5000/app@sha256:abc',
      'a'.repeat(64),
      'my_host.com/x',
      '',
    ]) {
      const url = `/images/create?fromImage=${encodeURIComponent(image)}`;
      expect(await auth.headersFor('POST', path(url), {})).toEqual({});
    }
  });

  it('sends no stored login when the engine could read another image than the query names', async () => {
    const auth = authWith([hub]);
    const pull = path('/images/create?fromImage=library/busybox');
    // The engine reads a form body before the query: fromImage=attacker.example/x would win.
    for (const type of [
      'application/x-www-form-urlencoded',
      'Application/X-WWW-Form-Urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded; =broken',
    ]) {
      expect(await auth.headersFor('POST', pull, { 'content-type': type })).toEqual({});
    }
    expect(await auth.headersFor('POST', pull, { 'content-type': 'application/json' })).not.toEqual(
      {},
    );
    // Older engines also split the query at ";", and a name given twice is not guessed at.
    for (const url of [
      '/images/create?x=1;fromImage=attacker.example/x&fromImage=library/busybox',
      '/images/create?fromImage=library/busybox&fromImage=attacker.example/x',
    ]) {
      expect(await auth.headersFor('POST', path(url), {})).toEqual({});
    }
  });

  it('adds nothing to other calls or when nothing is stored', async () => {
    expect(await authWith([team]).headersFor('GET', path('/images/json'), {})).toEqual({});
    expect(await authWith([team]).headersFor('POST', path('/containers/create'), {})).toEqual({});
    expect(await authWith([]).headersFor('POST', path('/build'), {})).toEqual({});
    expect(
      await authWith([]).headersFor(
        'POST',
        path('/images/create?fromImage=registry.example.com:5000/app'),
        {},
      ),
    ).toEqual({});
  });
});
