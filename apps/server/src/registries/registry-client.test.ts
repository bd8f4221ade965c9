import { describe, expect, it } from '@jest/globals';
import { parseChallenge } from './registry-client.js';

describe('parseChallenge', () => {
  it('reads a bearer challenge with quoted and bare parameters', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.example.com/token',
      service: 'registry.example.com',
    });
    expect(parseChallenge('bearer realm=http://127.0.0.1:5002/token')).toEqual({
      scheme: 'bearer',
      realm: 'http://127.0.0.1:5002/token',
      service: null,
    });
  });

  it('reads a basic challenge', () => {
    expect(parseChallenge('Basic realm="berth-fleet"')).toEqual({
      scheme: 'basic',
      realm: 'berth-fleet',
      service: null,
    });
  });

  it('refuses what it cannot follow: no header, another scheme, a bearer realm that is no URL', () => {
    expect(parseChallenge(null)).toBeNull();
    expect(parseChallenge('Negotiate abc')).toBeNull();
    expect(parseChallenge('Bearer realm="not a url"')).toBeNull();
  });
});
