import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { PrincipalUser } from '../auth/principal.js';
import {
  type AuthConfig,
  authConfigOf,
  encodeAuthHeader,
} from '../registries/registry-auth-header.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import type { EnginePath } from './engine-path.js';
import { matchEngineRoute } from './engine-routes.js';

/** The engine looks Docker Hub's credentials up under this key in a build's registry config. */
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
/** The fields of an auth config that are a credential; `serveraddress` or `email` alone are not. */
const CREDENTIAL_FIELDS = new Set([
  'username',
  'password',
  'auth',
  'identitytoken',
  'registrytoken',
]);

/**
 * Puts stored registry credentials into pulls, pushes and builds on their way to the engine, so
 * the client never holds the password: only the logins the caller may use on that host (see
 * `RegistryCredentialsService`); others go anonymously and get the registry's own refusal.
 * Credentials the client sent itself are left alone.
 */
@Injectable()
export class RegistryAuth {
  constructor(private readonly credentials: RegistryCredentialsService) {}

  async headersFor(
    method: string,
    path: EnginePath,
    headers: IncomingHttpHeaders,
    caller: PrincipalUser,
  ): Promise<Record<string, string>> {
    const match = matchEngineRoute(method, path.route);
    const wants = match?.route.credentials;
    if (!wants) return {};
    if (wants === 'build') return this.buildConfig(headers['x-registry-config'], caller, path);
    const image = wants === 'pull' ? pulledImage(path, headers) : match.named;
    if (image !== null) {
      if (isCredential(decode(headers['x-registry-auth']))) return {};
      const login = await this.credentials.forImage(image, caller, path.hostId);
      return login ? { 'x-registry-auth': encodeAuthHeader(authConfigOf(login)) } : {};
    }
    return {};
  }

  /**
   * A build may pull its base images from any registry, so it gets every login the caller may
   * use. Logins the client sent win for their registry; stored ones fill in the rest.
   */
  private async buildConfig(
    header: string | string[] | undefined,
    caller: PrincipalUser,
    path: EnginePath,
  ): Promise<Record<string, string>> {
    const all = await this.credentials.forBuild(caller, path.hostId);
    if (all.length === 0) return {};
    const sent = decode(header) ?? {};
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(sent)) if (isCredential(value)) merged[key] = value;
    for (const credentials of all) {
      const key =
        credentials.serverAddress === 'docker.io'
          ? DOCKER_HUB_CONFIG_KEY
          : credentials.serverAddress;
      merged[key] ??= authConfigOf(credentials);
    }
    return { 'x-registry-config': encodeAuthHeader(merged) };
  }
}

/**
 * The image a pull names as the engine reads it, or null when the engine could read
 * another one than Berth: it takes a pull's parameters from a form body ahead of the query (Go's
 * `Request.Form`), and engines built with Go before 1.17 also split the query at `;`. A pull drops
 * one trailing `:` (what `docker pull -a` sends). A `tag` parameter cannot change the registry.
 */
function pulledImage(path: EnginePath, headers: IncomingHttpHeaders): string | null {
  const from = path.query.getAll('fromImage');
  const semicolon = /\?.*;/.test(path.forward);
  if (from.length !== 1 || isForm(headers['content-type']) || semicolon) return null;
  return from[0]!.replace(/:$/, '');
}

/** Whether Go reads the body as form fields: its media type, with or without valid parameters. */
function isForm(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

/** Clients send standard or URL-safe base64 of JSON; anything unreadable counts as nothing sent. */
function decode(header: string | string[] | undefined): AuthConfig | null {
  if (typeof header !== 'string' || header === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as AuthConfig)
      : null;
  } catch {
    return null;
  }
}

/** The CLI sends `e30=` (`{}`) or a config with empty fields when it has no login for a registry. */
function isCredential(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return false;
  return Object.entries(config).some(
    ([field, value]) => CREDENTIAL_FIELDS.has(field.toLowerCase()) && Boolean(value),
  );
}
