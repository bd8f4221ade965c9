import { describe, expect, it } from '@jest/globals';
import {
  ENGINE_ROUTES,
  engineRouteFor,
  matchEngineRoute,
  permissionFor,
  routePattern,
  targetOf,
} from './engine-routes.js';

describe('permissionFor', () => {
  it.each([
    ['GET', '/containers/json', 'container.list'],
    ['GET', '/containers/abc/json', 'container.inspect'],
    ['POST', '/containers/create', 'container.create'],
    ['POST', '/containers/abc/start', 'container.start'],
    ['DELETE', '/containers/abc', 'container.delete'],
    ['POST', '/exec/abc/start', 'container.exec'],
    ['GET', '/images/json', 'image.list'],
    ['GET', '/images/127.0.0.1:5000/team/app:1.0/json', 'image.list'],
    ['POST', '/images/create', 'image.pull'],
    ['POST', '/images/127.0.0.1:5000/team/app/push', 'image.push'],
    ['DELETE', '/images/team/app:1.0', 'image.delete'],
    ['POST', '/build', 'image.build'],
    ['HEAD', '/_ping', 'host.view'],
    ['POST', '/swarm/init', 'swarm.manage'],
  ])('%s %s needs %s', (method, route, permission) => {
    expect(permissionFor(method, route)).toBe(permission);
  });

  it('leaves routes outside the catalog unmapped', () => {
    expect(permissionFor('POST', '/containers/json')).toBeNull();
    expect(permissionFor('GET', '/debug/pprof')).toBeNull();
    expect(permissionFor('PUT', '/info')).toBeNull();
  });
});

describe('engineRouteFor', () => {
  it('names the calls whose failure comes inside a 200 answer, and the streams of lines', () => {
    const answer = (method: string, route: string) => engineRouteFor(method, route)?.answer;
    expect(answer('POST', '/images/create')).toBe('progress');
    expect(answer('POST', '/images/127.0.0.1:5000/app/push')).toBe('progress');
    expect(answer('POST', '/build')).toBe('progress');
    expect(answer('POST', '/containers/create')).toBeUndefined();
    expect(answer('GET', '/images/create')).toBeUndefined();
    expect(answer('GET', '/containers/abc/logs')).toBe('lines');
    expect(answer('GET', '/events')).toBe('lines');
    expect(answer('GET', '/containers/json')).toBeUndefined();
  });
});

describe('targetOf', () => {
  const target = (method: string, route: string, query = '') =>
    targetOf(matchEngineRoute(method, route), new URLSearchParams(query));

  it('names the object of a call', () => {
    expect(target('POST', '/containers/abc/start')).toBe('abc');
    expect(target('POST', '/images/create', 'fromImage=busybox&tag=1')).toBe('busybox:1');
    expect(target('POST', '/images/team/app/push', 'tag=1')).toBe('team/app');
    expect(target('GET', '/images/127.0.0.1:5000/team/app:1/json')).toBe(
      '127.0.0.1:5000/team/app:1',
    );
    expect(target('POST', '/containers/create', 'name=web')).toBe('web');
    expect(target('POST', '/containers/create')).toBeNull();
    expect(target('POST', '/containers/prune')).toBeNull();
    // A stop's timeout and a rename's new name are not what the call acts on.
    expect(target('POST', '/containers/abc/stop', 't=0')).toBe('abc');
    expect(target('POST', '/containers/abc/rename', 'name=new')).toBe('abc');
    expect(target('POST', '/build', 't=team/app:1')).toBe('team/app:1');
    expect(target('DELETE', '/networks/n1')).toBe('n1');
    expect(target('POST', '/debug/unknown')).toBeNull();
  });

  it('matches an exact path ahead of a pattern that also fits', () => {
    expect(matchEngineRoute('GET', '/images/json')).toEqual({
      route: expect.objectContaining({ path: '/images/json' }),
      named: null,
    });
    expect(matchEngineRoute('POST', '/images/create')?.route.credentials).toBe('pull');
  });
});

describe('the route table', () => {
  it('names the object of every owned use but shared, and only there', () => {
    const wrong = ENGINE_ROUTES.filter(
      (route) => (route.owned !== undefined && route.owned !== 'shared') !== Boolean(route.object),
    ).map((route) => `${route.method} ${route.path}`);
    expect(wrong).toEqual([]);
  });

  it('lets only routes the engine hijacks carry no checked body', () => {
    const both = ENGINE_ROUTES.filter((route) => route.upgrade && route.policy);
    expect(both).toEqual([]);
  });
});

describe('matchEngineRoute', () => {
  /** The catalog read as a list: the first exact path that fits wins, else the first pattern. */
  function scan(method: string, path: string) {
    let found: { route: (typeof ENGINE_ROUTES)[number]; named: string | null } | null = null;
    for (const route of ENGINE_ROUTES) {
      if (route.method !== '*' && route.method !== method.toUpperCase()) continue;
      const match = routePattern(route.path).exec(path);
      if (!match) continue;
      if (!route.path.includes('{')) return { route, named: null };
      found ??= { route, named: match[1] ?? null };
    }
    return found;
  }

  it('finds what a scan of the whole catalog finds, for every route and method', () => {
    const paths = ENGINE_ROUTES.flatMap((route) => [
      route.path.replaceAll('{}', 'abc').replaceAll('{...}', '127.0.0.1:5000/team/app:1'),
      route.path.replaceAll('{}', 'json').replaceAll('{...}', 'json'),
      route.path.replaceAll('{}', 'create').replaceAll('{...}', 'app/push'),
    ]);
    const methods = ['GET', 'get', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
    const differences = methods.flatMap((method) =>
      [...paths, '/', '/debug/pprof', '/containers/json/x'].filter(
        (path) =>
          JSON.stringify(matchEngineRoute(method, path)) !== JSON.stringify(scan(method, path)),
      ),
    );
    expect(differences).toEqual([]);
  });

  it('answers a method outside the catalog only with routes open to every method', () => {
    expect(matchEngineRoute('PATCH', '/_ping')?.route.path).toBe('/_ping');
    expect(matchEngineRoute('PATCH', '/containers/json')).toBeNull();
  });
});
