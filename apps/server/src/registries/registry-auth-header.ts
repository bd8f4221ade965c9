import type { RegistryCredentials } from './registry-credentials.js';

/** The auth config the engine reads from `X-Registry-Auth` (and per registry in `X-Registry-Config`). */
export type AuthConfig = Record<string, unknown>;

/** A stored login as the engine's auth config. */
export function authConfigOf(credentials: RegistryCredentials): AuthConfig {
  return {
    username: credentials.username,
    password: credentials.password,
    serveraddress: credentials.serverAddress,
  };
}

/**
 * `X-Registry-Auth` or `X-Registry-Config` for a value. The engine decodes both headers with Go's
 * `base64.URLEncoding`, which requires the `=` padding (Node's 'base64url' leaves it out):
 * URL-safe alphabet, padded.
 */
export function encodeAuthHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value))
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
