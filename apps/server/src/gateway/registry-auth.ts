import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { RegistriesService, type RegistryCredentials } from '../registries/registries.service.js';
import { registryOfImage } from '../registries/registry-address.js';
import type { EnginePath } from './engine-path.js';

/**
 * Puts stored registry credentials into pulls, pushes and builds on their way to the engine, so
 * the client never holds the password. Credentials the client sent itself are left alone.
 */
@Injectable()
export class RegistryAuth {
  constructor(private readonly registries: RegistriesService) {}

  async headersFor(
    method: string,
    path: EnginePath,
    headers: IncomingHttpHeaders,
  ): Promise<Record<string, string>> {
    if (method !== 'POST') return {};
    const image = imageOf(path);
    if (image !== null) {
      if (carriesCredentials(headers['x-registry-auth'])) return {};
      const credentials = await this.registries.credentialsFor(registryOfImage(image));
      return credentials ? { 'x-registry-auth': encode(authConfig(credentials)) } : {};
    }
    if (path.route === '/build' && !carriesCredentials(headers['x-registry-config'])) {
      const all = await this.registries.allCredentials();
      if (all.length === 0) return {};
      return {
        'x-registry-config': encode(
          Object.fromEntries(all.map((c) => [c.serverAddress, authConfig(c)])),
        ),
      };
    }
    return {};
  }
}

function imageOf(path: EnginePath): string | null {
  if (path.route === '/images/create') return path.query.get('fromImage');
  const push = /^\/images\/(.+)\/push$/.exec(path.route);
  return push?.[1] ?? null;
}

function authConfig(c: RegistryCredentials): Record<string, string> {
  return { username: c.username, password: c.password, serveraddress: c.serverAddress };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The CLI sends `e30=` (`{}`) or a config with empty fields when it has no login for a registry. */
function carriesCredentials(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header === '') return false;
  try {
    const decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<
      string,
      unknown
    >;
    return Object.values(decoded).some((v) =>
      typeof v === 'object' && v !== null ? Object.values(v).some(Boolean) : Boolean(v),
    );
  } catch {
    return false;
  }
}
