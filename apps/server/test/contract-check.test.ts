import { describe, expect, it } from '@jest/globals';
import { ROUTES } from '@berth/shared';
import { checkAgainstContract, routeOf } from './support/contract-check.js';

const error = { error: { code: 'NOT_FOUND', message: 'no such team', requestId: 'r1' } };
const team = { id: 't1', name: 'ops', members: [], createdAt: '2026-12-05T00:00:00.000Z' };

/** The check every call of TestBerth.api runs: it must fail on what it is there to catch. */
describe('checking an answer against the contract', () => {
  it('finds the route of a call, a literal segment before a parameter', () => {
    expect(routeOf('POST', '/api/hosts/test')).toBe(ROUTES.testNewHost);
    expect(routeOf('post', '/api/hosts/h1/test')).toBe(ROUTES.testHost);
    expect(routeOf('GET', '/api/audit?limit=5')).toBe(ROUTES.listAudit);
    expect(routeOf('GET', '/api/hosts/h1/docker/containers/json')).toBeUndefined();
    expect(routeOf('GET', '/api/nothing')).toBeUndefined();
  });

  it('refuses a success body its response schema does not parse', () => {
    expect(() =>
      checkAgainstContract('GET', '/api/teams', {
        status: 200,
        body: [{ id: 't1' }],
        contentType: 'application/json',
      }),
    ).toThrow(/GET \/api\/teams answered 200 .*0\.name/);
  });

  it('refuses a success status other than the contract says', () => {
    expect(() =>
      checkAgainstContract('DELETE', '/api/teams/t1', {
        status: 200,
        body: null,
        contentType: null,
      }),
    ).toThrow(/the contract says 204/);
  });

  it('refuses an error body that is not ZErrorBody', () => {
    expect(() =>
      checkAgainstContract('GET', '/api/teams', {
        status: 404,
        body: { message: 'Not Found', statusCode: 404 },
        contentType: 'application/json',
      }),
    ).toThrow(/error/);
  });

  it('accepts answers that match', () => {
    expect(() =>
      checkAgainstContract('DELETE', '/api/teams/t1', {
        status: 404,
        body: error,
        contentType: null,
      }),
    ).not.toThrow();
    expect(() =>
      checkAgainstContract('DELETE', '/api/teams/t1', {
        status: 204,
        body: null,
        contentType: null,
      }),
    ).not.toThrow();
    expect(ROUTES.listTeams.response.safeParse([team]).success).toBe(true);
  });
});
