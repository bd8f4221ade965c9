import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type {
  TCreateRegistryRequest,
  TRegistryTestResult,
  TRepositoryPage,
  TTagList,
  TTagManifest,
} from '@berth/shared';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineRegistry } from '../hosts/engine-registry.js';
import { RegistriesService } from './registries.service.js';
import {
  hostOf,
  matchRegistry,
  normaliseRegistryAddress,
  prefixOf,
  repositoryOfImage,
} from './registry-address.js';
import { RegistryClient, RegistryError, type ManifestBody } from './registry-client.js';
import { RegistryCredentialsService, type StoredRegistry } from './registry-credentials.js';
import { EcrTokens } from './ecr-tokens.js';

const PAGE_SIZE = 100;
/** A cursor of the hosts' list: an offset into it. */
const HOSTS_CURSOR = /^hosts:(\d+)$/;

/**
 * What is in a registry, read through its distribution API with its stored login: connection
 * tests, the catalog (or, where it is refused, the repositories seen on the hosts), tags, a tag's
 * manifest, and deleting a tag. Registry answers that are refusals reach the caller with the
 * registry's own reason, never with the login.
 */
@Injectable()
export class RegistryBrowser {
  constructor(
    private readonly registries: RegistriesService,
    private readonly credentials: RegistryCredentialsService,
    private readonly ecr: EcrTokens,
    private readonly prisma: PrismaService,
    private readonly engines: EngineRegistry,
  ) {}

  /** Tests an unsaved registry; `ok: false` carries the registry's reason. */
  async testNew(input: TCreateRegistryRequest): Promise<TRegistryTestResult> {
    const host = hostOf(normaliseRegistryAddress(input.serverAddress));
    return this.test(async () => {
      let username = input.username ?? '';
      let password = input.password ?? null;
      if (input.kind === 'ecr' && password !== null) {
        const login = await this.ecr.login({
          registryId: `unsaved:${username}:${input.region ?? ''}`,
          version: Date.now(),
          region: input.region ?? '',
          accessKeyId: username,
          secretAccessKey: password,
        });
        ({ username, password } = login);
      }
      return new RegistryClient({
        host,
        insecure: input.insecure ?? false,
        caCert: input.caCert ?? null,
        username,
        password: username === '' ? null : password,
      });
    });
  }

  async testStored(id: string): Promise<TRegistryTestResult> {
    const registry = await this.registries.find(id);
    return this.test(() => this.clientOf(registry));
  }

  async repositories(id: string, cursor: string | undefined): Promise<TRepositoryPage> {
    const registry = await this.registries.find(id);
    const fromHosts = cursor ? HOSTS_CURSOR.exec(cursor) : null;
    if (!fromHosts) {
      try {
        return await this.withClient(registry, async (client) => {
          const page = await client.catalog(cursor ?? null, PAGE_SIZE);
          const prefix = prefixOf(registry.serverAddress);
          const names = prefix
            ? page.names.filter((name) => name === prefix || name.startsWith(`${prefix}/`))
            : page.names;
          return {
            items: names.map((name) => ({ name })),
            nextCursor: page.next,
            source: 'catalog' as const,
          };
        });
      } catch (error) {
        // Registries that keep their catalog to themselves (Docker Hub, GHCR, ECR without the
        // permission) answer 401, 403 or 404 here; the hosts still show what is used from them.
        const status = error instanceof AppError ? (error.details?.status as number | null) : null;
        if (status !== 401 && status !== 403 && status !== 404) throw error;
      }
    }
    const all = await this.seenOnHosts(registry);
    const offset = fromHosts ? Number(fromHosts[1]) : 0;
    const items = all.slice(offset, offset + PAGE_SIZE).map((name) => ({ name }));
    const next = offset + PAGE_SIZE < all.length ? `hosts:${offset + PAGE_SIZE}` : null;
    return { items, nextCursor: next, source: 'hosts' };
  }

  async tags(id: string, repository: string): Promise<TTagList> {
    const registry = await this.registries.find(id);
    checkRepository(repository);
    const tags = await this.withClient(registry, (client) => client.tags(repository));
    return { items: tags.sort().map((tag) => ({ tag })) };
  }

  async manifest(id: string, repository: string, tag: string): Promise<TTagManifest> {
    const registry = await this.registries.find(id);
    checkRepository(repository);
    checkTag(tag);
    return this.withClient(registry, async (client) => {
      const { digest, mediaType, size, body } = await client.manifest(repository, tag);
      if (body.manifests) {
        const platforms = body.manifests
          .filter((m) => m.platform && m.platform.os !== 'unknown')
          .map((m) => ({
            os: m.platform!.os,
            architecture: m.platform!.architecture,
            ...(m.platform!.variant ? { variant: m.platform!.variant } : {}),
            digest: m.digest,
            mediaType: m.mediaType,
            size: m.size,
          }));
        return { digest, mediaType, size, platforms, created: null, layers: [] };
      }
      const layers = (body.layers ?? []).map(({ digest: d, mediaType: t, size: s }) => ({
        digest: d,
        mediaType: t,
        size: s,
      }));
      const created = body.config ? await createdOf(client, repository, body) : null;
      const total = size + (body.config?.size ?? 0) + layers.reduce((sum, l) => sum + l.size, 0);
      return { digest, mediaType, size: total, platforms: [], created, layers };
    });
  }

  /** Deletes the manifest a tag points at, by its digest; journaled before the registry is asked. */
  async deleteTag(
    id: string,
    repository: string,
    tag: string,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<void> {
    const registry = await this.registries.find(id);
    checkRepository(repository);
    checkTag(tag);
    await this.withClient(registry, async (client) => {
      const { digest } = await client.manifest(repository, tag);
      const pending = await this.registries.intend(
        registry,
        'registry.tag_delete',
        { repository, tag, digest },
        principal,
        req,
      );
      try {
        await client.deleteManifest(repository, digest);
      } catch (error) {
        await pending.settle({
          outcome: 'failure',
          status: error instanceof RegistryError ? error.status : null,
          details: { error: error instanceof Error ? error.message : String(error) },
        });
        throw error;
      }
      await pending.settle({ outcome: 'success', status: 202 });
    });
  }

  private async test(make: () => Promise<RegistryClient>): Promise<TRegistryTestResult> {
    let client: RegistryClient | null = null;
    try {
      client = await make();
      await client.ping();
      return { ok: true, message: 'the registry answered and accepted the login' };
    } catch (error) {
      if (error instanceof RegistryError || error instanceof AppError) {
        return { ok: false, message: error.message };
      }
      throw error;
    } finally {
      await client?.close();
    }
  }

  private async clientOf(registry: StoredRegistry): Promise<RegistryClient> {
    const login = await this.credentials.loginOf(registry);
    return new RegistryClient({
      host: hostOf(registry.serverAddress),
      insecure: registry.insecure,
      caCert: registry.caCert,
      username: login?.username ?? '',
      password: login?.password ?? null,
    });
  }

  /** Runs `work` with a client of the registry; its refusals become errors naming the registry's reason. */
  private async withClient<T>(
    registry: StoredRegistry,
    work: (client: RegistryClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.clientOf(registry);
    try {
      return await work(client);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      if (error.status === 404) {
        throw new AppError('NOT_FOUND', error.message, { status: error.status });
      }
      if (error.status === 405) {
        throw new AppError('CONFLICT', `the registry does not allow this: ${error.message}`, {
          status: error.status,
        });
      }
      throw new AppError('REGISTRY_ERROR', error.message, { status: error.status });
    } finally {
      await client.close();
    }
  }

  /** Repositories of this registry named by images and containers on the hosts Berth knows. */
  private async seenOnHosts(registry: StoredRegistry): Promise<string[]> {
    const hosts = await this.prisma.db.host.findMany({ select: { id: true } });
    const seen = new Set<string>();
    await Promise.all(
      hosts.map(async ({ id }) => {
        const engine = await this.engines.get(id).catch(() => null);
        if (!engine) return;
        const [images, containers] = await Promise.all([
          engine.client.listImages().catch(() => []),
          engine.client.listContainers({ all: true }).catch(() => []),
        ]);
        const references = [
          ...images.flatMap((image) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]),
          ...containers.map((container) => container.Image ?? ''),
        ];
        for (const reference of references) {
          if (matchRegistry([registry], reference) !== registry) continue;
          const name = repositoryOfImage(reference)?.path;
          if (name) seen.add(name);
        }
      }),
    );
    return [...seen].sort();
  }
}

async function createdOf(
  client: RegistryClient,
  repository: string,
  body: ManifestBody,
): Promise<string | null> {
  const config = (await client.blobJson(repository, body.config!.digest)) as { created?: string };
  return typeof config.created === 'string' ? config.created : null;
}

function checkRepository(repository: string): void {
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      repository,
    )
  ) {
    throw AppError.validation([{ path: 'name', message: 'not a repository name' }]);
  }
}

function checkTag(tag: string): void {
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw AppError.validation([{ path: 'tag', message: 'not a tag' }]);
  }
}
