import { Injectable } from '@nestjs/common';
import type {
  Permission,
  TImageListQuery,
  TImageListResponse,
  TImageSort,
  TNetworkListQuery,
  TNetworkListResponse,
  TNetworkSort,
  TVolumeListQuery,
  TVolumeListResponse,
} from '@berth/shared';
import { withinReach } from '../access/ownership.js';
import type { PrincipalUser } from '../auth/principal.js';
import { ContainerAccess, type ListReach } from '../containers/container-access.js';
import { ContainerInventory } from './container-inventory.js';
import type { HostInventory } from './host-inventory.js';
import type { SortKey } from './list-cursor.js';
import type { ImageEntry, NetworkEntry, VolumeEntry } from './resource-entry.js';
import { type ResourceRow, pageResources, sortResources } from './resource-query.js';

/** How many containers of one host use each image, network and volume. */
interface HostUsage {
  images: Map<string, number>;
  networks: Map<string, number>;
  volumes: Map<string, number>;
}

type Kind = 'images' | 'networks' | 'volumes';

/**
 * The fleet's images, networks and volumes, answered from the inventory across every host the
 * caller may list them on. Images are shared by everyone on a host (as in the gateway); networks
 * and volumes reach owner-limited callers only when they carry their owner labels (networks built
 * into the engine are everyone's). "containers" counts every container of the host that uses it.
 * Sorted rows and usage counts are kept until the inventory changes.
 */
@Injectable()
export class ResourceListService {
  private readonly sorted = new Map<string, { version: number; rows: ResourceRow<unknown>[] }>();
  private usage: { version: number; hosts: Map<string, HostUsage> } | null = null;

  constructor(
    private readonly inventory: ContainerInventory,
    private readonly access: ContainerAccess,
  ) {}

  async images(user: PrincipalUser, query: TImageListQuery): Promise<TImageListResponse> {
    const reach = await this.reach(user, query.hostId, 'image.list');
    const rows = this.rows<ImageEntry>('images', query.sort, query.order, (host, entry) => {
      const s = entry.summary;
      const tag = (s.repoTags[0] ?? `~${s.id}`).toLowerCase();
      return [
        imagePrimary(query.sort, entry, tag, this.used(host, 'images', s.id), host),
        tag,
        s.hostId,
        s.id,
      ];
    });
    const q = query.q?.toLowerCase() || null;
    return pageResources(
      rows,
      reach,
      ({ entry }) =>
        (query.dangling === undefined || entry.summary.dangling === query.dangling) &&
        (!q || entry.search.includes(q)),
      ({ host, entry }) => ({
        ...entry.summary,
        hostName: host.name,
        stale: host.stale,
        containers: this.used(host, 'images', entry.summary.id),
      }),
      query,
    );
  }

  async networks(user: PrincipalUser, query: TNetworkListQuery): Promise<TNetworkListResponse> {
    const reach = await this.reach(user, query.hostId, 'network.list');
    return this.named<NetworkEntry, TNetworkListResponse['items'][number]>(
      'networks',
      (s) => s.id,
      query,
      reach,
      // Networks built into the engine are nobody's and everyone's.
      ({ entry }, hostReach) =>
        entry.summary.builtIn || owned(entry.summary.labels, user, hostReach),
    );
  }

  async volumes(user: PrincipalUser, query: TVolumeListQuery): Promise<TVolumeListResponse> {
    const reach = await this.reach(user, query.hostId, 'volume.list');
    return this.named<VolumeEntry, TVolumeListResponse['items'][number]>(
      'volumes',
      (s) => s.name,
      query,
      reach,
      ({ host, entry }, hostReach) =>
        (query.unused === undefined ||
          (this.used(host, 'volumes', entry.summary.name) === 0) === query.unused) &&
        owned(entry.summary.labels, user, hostReach),
    );
  }

  /** Networks or volumes: by name, driver, usage, age or host; `q` and `driver` filter. */
  private named<E extends NetworkEntry | VolumeEntry, T>(
    kind: 'networks' | 'volumes',
    idOf: (summary: E['summary']) => string,
    query: TNetworkListQuery | TVolumeListQuery,
    reach: Map<string, ListReach>,
    keep: (row: ResourceRow<E>, reach: ListReach) => boolean,
  ): { items: T[]; nextCursor: string | null; total: number } {
    const rows = this.rows<E>(kind, query.sort, query.order, (host, entry) => {
      const s = entry.summary;
      const name = s.name.toLowerCase();
      const used = this.used(host, kind, idOf(s));
      return [namedPrimary(query.sort, entry, name, s.driver, host, used), name, s.hostId, idOf(s)];
    });
    const drivers = query.driver?.length ? new Set(query.driver) : null;
    const q = query.q?.toLowerCase() || null;
    return pageResources(
      rows,
      reach,
      (row, hostReach) =>
        (!drivers || drivers.has(row.entry.summary.driver)) &&
        (!q || row.entry.search.includes(q)) &&
        keep(row, hostReach),
      ({ host, entry }) =>
        ({
          ...entry.summary,
          hostName: host.name,
          stale: host.stale,
          containers: this.used(host, kind, idOf(entry.summary)),
        }) as T,
      query,
    );
  }

  /** Hosts (all followed, or those asked for) on which the user holds the list permission. */
  private reach(
    user: PrincipalUser,
    wanted: readonly string[] | undefined,
    permission: Permission,
  ): Promise<Map<string, ListReach>> {
    const only = wanted ? new Set(wanted) : null;
    const hostIds = this.inventory
      .all()
      .map((host) => host.hostId)
      .filter((id) => !only || only.has(id));
    return this.access.listReach(user, hostIds, permission);
  }

  private rows<E>(
    kind: Kind,
    sort: string,
    order: 'asc' | 'desc',
    keyOf: (host: HostInventory, entry: E) => SortKey,
  ): ResourceRow<E>[] {
    const cacheKey = `${kind}:${sort}:${order}`;
    const cached = this.sorted.get(cacheKey);
    if (cached && cached.version === this.inventory.version) return cached.rows as ResourceRow<E>[];
    const rows = sortResources(
      this.inventory.all(),
      (host) => host[kind].values() as Iterable<E>,
      keyOf,
      order,
    );
    this.sorted.set(cacheKey, { version: this.inventory.version, rows });
    return rows;
  }

  /** How many of the host's containers use the image (by id), network (by id) or volume (by name). */
  private used(host: HostInventory, kind: Kind, id: string): number {
    if (this.usage?.version !== this.inventory.version) {
      this.usage = { version: this.inventory.version, hosts: new Map() };
    }
    let counts = this.usage.hosts.get(host.hostId);
    if (!counts) {
      counts = countUsage(host);
      this.usage.hosts.set(host.hostId, counts);
    }
    return counts[kind].get(id) ?? 0;
  }
}

function countUsage(host: HostInventory): HostUsage {
  const usage: HostUsage = { images: new Map(), networks: new Map(), volumes: new Map() };
  const add = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
  for (const entry of host.entries.values()) {
    const uses = entry.uses;
    if (uses.imageId) add(usage.images, uses.imageId);
    for (const id of new Set(uses.networkIds)) add(usage.networks, id);
    for (const name of new Set(uses.volumeNames)) add(usage.volumes, name);
  }
  return usage;
}

function owned(labels: Record<string, string>, user: PrincipalUser, reach: ListReach): boolean {
  return withinReach(labels, reach.reach, user.id, reach.teamIds);
}

function imagePrimary(
  sort: TImageSort,
  entry: ImageEntry,
  tag: string,
  containers: number,
  host: HostInventory,
): string | number {
  switch (sort) {
    case 'tag':
      return tag;
    case 'size':
      return entry.summary.size;
    case 'created':
      return entry.createdMs;
    case 'containers':
      return containers;
    case 'host':
      return host.name.toLowerCase();
  }
}

function namedPrimary(
  // Volumes sort by the same fields as networks.
  sort: TNetworkSort,
  entry: NetworkEntry | VolumeEntry,
  name: string,
  driver: string,
  host: HostInventory,
  containers: number,
): string | number {
  switch (sort) {
    case 'name':
      return name;
    case 'driver':
      return driver;
    case 'created':
      return entry.createdMs;
    case 'containers':
      return containers;
    case 'host':
      return host.name.toLowerCase();
  }
}
