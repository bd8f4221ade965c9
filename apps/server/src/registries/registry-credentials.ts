import { Injectable } from '@nestjs/common';
import type { TRegistryKind, TUsableRegistry } from '@berth/shared';
import { AccessService } from '../access/access.service.js';
import type { PrincipalUser } from '../auth/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Registry, RegistryAccess } from '../generated/sqlite/client.js';
import { Vault } from '../vault/vault.js';
import { EcrTokens } from './ecr-tokens.js';
import { hostOf, matchRegistry, repositoryOfImage } from './registry-address.js';
import type { RegistryEndpoint } from './registry-client.js';

/** A login for one registry host, as the engine and the registry client take it. */
export interface RegistryCredentials {
  /** The registry host (and port) the login is for. */
  serverAddress: string;
  username: string;
  password: string;
}

/** Who asks: the signed-in user (global administrators use every registry). */
export type RegistryCaller = PrincipalUser;

export type StoredRegistry = Registry & { access: RegistryAccess[] };

/**
 * The one place that decides which stored login goes with a pull, push or build: the registry
 * whose address matches the image reference best (host, then the longest path prefix), and only
 * when the caller may use it on that host (an administrator, or a user or team given access to it,
 * with `registry.use` on the host and the host within the registry's hosts or host groups). Everyone else
 * gets null and pulls anonymously: never someone else's login.
 */
@Injectable()
export class RegistryCredentialsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
    private readonly vault: Vault,
    private readonly ecr: EcrTokens,
  ) {}

  /**
   * Credentials for pulling or pushing `reference` on `hostId` as `caller`; null when no stored
   * registry matches, the caller may not use the one that does, or it is stored without a login.
   */
  async forImage(
    reference: string,
    caller: RegistryCaller,
    hostId: string,
  ): Promise<RegistryCredentials | null> {
    const registry = matchRegistry(await this.stored(), reference);
    if (!registry || !(await this.mayUse(registry, caller, hostId))) return null;
    return this.loginOf(registry);
  }

  /**
   * Where the registry of `reference` is asked about it, and as whom: the stored registry that
   * matches (its TLS settings; its login when `caller` may use it on `hostId`, as `forImage`), or
   * else the reference's own registry, anonymously over verified TLS. Null for a reference the
   * engine would refuse.
   */
  async endpointFor(
    reference: string,
    caller: RegistryCaller,
    hostId: string,
  ): Promise<{ endpoint: RegistryEndpoint; repository: string } | null> {
    const repository = repositoryOfImage(reference);
    if (!repository) return null;
    const registry = matchRegistry(await this.stored(), reference);
    const login =
      registry && (await this.mayUse(registry, caller, hostId))
        ? await this.loginOf(registry)
        : null;
    return {
      repository: repository.path,
      endpoint: {
        host: repository.host,
        insecure: registry?.insecure ?? false,
        caCert: registry?.caCert ?? null,
        username: login?.username ?? '',
        password: login?.password ?? null,
      },
    };
  }

  /** Every login the caller may use on the host, for a build that may pull from anywhere. */
  async forBuild(caller: RegistryCaller, hostId: string): Promise<RegistryCredentials[]> {
    const logins: RegistryCredentials[] = [];
    for (const registry of await this.stored()) {
      if (!(await this.mayUse(registry, caller, hostId))) continue;
      const login = await this.loginOf(registry);
      if (login) logins.push(login);
    }
    return logins;
  }

  /**
   * The stored registries `caller` may use on `hostId`, to pick one to push to: what names them,
   * nothing of their login or of who else may use them.
   */
  async usableOn(caller: RegistryCaller, hostId: string): Promise<TUsableRegistry[]> {
    const usable: TUsableRegistry[] = [];
    for (const registry of await this.stored()) {
      if (!(await this.mayUse(registry, caller, hostId))) continue;
      const { id, name, kind, serverAddress } = registry;
      usable.push({ id, name, kind: kind as TRegistryKind, serverAddress });
    }
    return usable.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether `caller` may use the registry's login on `hostId`. */
  async mayUse(registry: StoredRegistry, caller: RegistryCaller, hostId: string): Promise<boolean> {
    if (caller.isAdmin) return true;
    if (!(await this.withinHosts(registry, hostId))) return false;
    const onHost = await this.access.forHost(caller, hostId);
    if (!onHost.can('registry.use')) return false;
    return registry.access.some(
      (row) =>
        row.userId === caller.id || (row.teamId !== null && onHost.teamIds.includes(row.teamId)),
    );
  }

  /** Whether the host is one the registry's access is limited to, by id or by group. */
  private async withinHosts(registry: Registry, hostId: string): Promise<boolean> {
    const hostIds = JSON.parse(registry.accessHostIds) as string[];
    const hostGroups = JSON.parse(registry.accessHostGroups) as string[];
    if (hostIds.length === 0 && hostGroups.length === 0) return true;
    if (hostIds.includes(hostId)) return true;
    if (hostGroups.length === 0) return false;
    const host = await this.prisma.db.host.findUnique({
      where: { id: hostId },
      select: { group: true },
    });
    return host?.group != null && hostGroups.includes(host.group);
  }

  /**
   * The stored login of a registry, opened from the vault (for ECR: the short-lived password the
   * key pair is exchanged for); null when the registry is stored for anonymous use.
   */
  async loginOf(registry: Registry): Promise<RegistryCredentials | null> {
    if (registry.secret === null || registry.username === '') return null;
    const secret = this.vault.open(registry.secret);
    const serverAddress = hostOf(registry.serverAddress);
    if (registry.kind === 'ecr') {
      const login = await this.ecr.login({
        registryId: registry.id,
        version: registry.updatedAt.getTime(),
        region: registry.region ?? '',
        accessKeyId: registry.username,
        secretAccessKey: secret,
      });
      return { serverAddress, ...login };
    }
    return { serverAddress, username: registry.username, password: secret };
  }

  private stored(): Promise<StoredRegistry[]> {
    return this.prisma.db.registry.findMany({ include: { access: true } });
  }
}
