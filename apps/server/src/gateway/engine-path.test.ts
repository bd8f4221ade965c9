import { describe, expect, it } from '@jest/globals';
import { AppError } from '../common/app-error.js';
import { parseEnginePath } from './engine-path.js';

describe('parseEnginePath', () => {
  it('keeps the version prefix for forwarding and drops it for routing', () => {
    const path = parseEnginePath('/api/hosts/h1/docker/v1.41/containers/json?all=1');
    expect(path).toMatchObject({
      hostId: 'h1',
      forward: '/v1.41/containers/json?all=1',
      route: '/containers/json',
    });
    expect(path?.query.get('all')).toBe('1');
  });

  it('routes unversioned paths and the bare root', () => {
    expect(parseEnginePath('/api/hosts/h1/docker/_ping')?.route).toBe('/_ping');
    expect(parseEnginePath('/api/hosts/h1/docker')?.forward).toBe('/');
  });

  it('decodes image names for routing but forwards them as sent', () => {
    const path = parseEnginePath('/api/hosts/h1/docker/v1.41/images/127.0.0.1:5000%3Aweird/json');
    expect(path?.forward).toBe('/v1.41/images/127.0.0.1:5000%3Aweird/json');
    expect(path?.route).toBe('/images/127.0.0.1:5000:weird/json');
  });

  it.each([
    ['dot-dot segment', '/api/hosts/h1/docker/v1.41/containers/../../info'],
    ['dot segment', '/api/hosts/h1/docker/./info'],
    ['encoded slash', '/api/hosts/h1/docker/containers/x%2f..%2finfo/json'],
    ['encoded dot', '/api/hosts/h1/docker/%2e%2e/info'],
    ['encoded backslash', '/api/hosts/h1/docker/containers/a%5cb/json'],
    ['double slash', '/api/hosts/h1/docker//info'],
    ['backslash', '/api/hosts/h1/docker/containers\\x/json'],
    ['NUL', '/api/hosts/h1/docker/info%00'],
  ])('rejects a %s', (_, url) => {
    expect(() => parseEnginePath(url)).toThrow(AppError);
    try {
      parseEnginePath(url);
    } catch (error) {
      expect((error as AppError).code).toBe('PATH_REJECTED');
    }
  });

  it('does not match URLs outside the gateway', () => {
    expect(parseEnginePath('/api/hosts/h1')).toBeNull();
    expect(parseEnginePath('/api/hosts/h1/dockerx/info')).toBeNull();
  });
});
