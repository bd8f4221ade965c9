import type { TDiskUsage, TSystemPrunePreview, TSystemPruneRequest } from '@berth/shared';

/** `GET /system/df` as far as disk usage and a prune preview read it (Engine API 1.41). */
export interface EngineDiskUsage {
  LayersSize?: number;
  Images?:
    | {
        Id: string;
        RepoTags?: string[] | null;
        Size: number;
        SharedSize: number;
        Containers: number;
        Labels?: Labels;
      }[]
    | null;
  Containers?:
    | {
        Id: string;
        Names?: string[];
        ImageID?: string;
        SizeRw?: number;
        State?: string;
        Labels?: Labels;
        Mounts?: { Type?: string; Name?: string }[];
        NetworkSettings?: { Networks?: Record<string, { NetworkID?: string }> | null };
      }[]
    | null;
  Volumes?:
    | {
        Name: string;
        Driver: string;
        Labels?: Labels;
        UsageData?: { Size: number; RefCount: number } | null;
      }[]
    | null;
  BuildCache?:
    { ID: string; Size: number; InUse: boolean; Shared: boolean; Description?: string }[] | null;
}

/** `GET /networks` items, as far as the preview reads them. */
export interface EngineNetwork {
  Id: string;
  Name: string;
  Scope?: string;
  Ingress?: boolean;
  Labels?: Labels;
}

type Labels = Record<string, string> | null;

/** The engine's `label` filter: the key present, and equal to the value when one is given. */
function labelled(labels: Labels | undefined, label: string | undefined): boolean {
  if (!label) return true;
  const eq = label.indexOf('=');
  const key = eq < 0 ? label : label.slice(0, eq);
  if (!labels || !(key in labels)) return false;
  return eq < 0 || labels[key] === label.slice(eq + 1);
}

type Choices = Required<Omit<TSystemPruneRequest, 'label'>> & Pick<TSystemPruneRequest, 'label'>;

const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);
/** Prune removes what is not running: a paused or restarting container counts as running. */
const STOPPED = new Set(['exited', 'created', 'dead']);

function known(size: number | undefined | null): number {
  return typeof size === 'number' && size > 0 ? size : 0;
}

/** `docker system df`, each kind with what is in use and what a prune could reclaim. */
export function diskUsageOf(df: EngineDiskUsage): TDiskUsage {
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  const usedImages = images.filter((i) => i.Containers > 0);
  const imageSize = known(df.LayersSize);
  const usedImageSize = usedImages.reduce((sum, i) => sum + known(i.Size) - known(i.SharedSize), 0);
  const stopped = containers.filter((c) => STOPPED.has(c.State ?? ''));
  const usedVolumes = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0);
  const sum = <T>(list: T[], size: (item: T) => number | undefined) =>
    list.reduce((total, item) => total + known(size(item)), 0);
  return {
    images: {
      count: images.length,
      active: usedImages.length,
      size: imageSize,
      reclaimable: Math.max(0, imageSize - usedImageSize),
    },
    containers: {
      count: containers.length,
      active: containers.length - stopped.length,
      size: sum(containers, (c) => c.SizeRw),
      reclaimable: sum(stopped, (c) => c.SizeRw),
    },
    volumes: {
      count: volumes.length,
      active: usedVolumes.length,
      size: sum(volumes, (v) => v.UsageData?.Size),
      reclaimable: sum(
        volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0),
        (v) => v.UsageData?.Size,
      ),
    },
    buildCache: {
      count: cache.length,
      active: cache.filter((c) => c.InUse).length,
      size: sum(cache, (c) => c.Size),
      reclaimable: sum(
        cache.filter((c) => !c.InUse && !c.Shared),
        (c) => c.Size,
      ),
    },
  };
}

/**
 * What `docker system prune` with these choices removes, in its order: stopped containers first,
 * so images, volumes and networks only they used are counted as unused after them. Volumes: those
 * of the local driver no remaining container mounts (what the engine's volume prune takes).
 * Networks: local ones no running container is attached to, never bridge, host, none or ingress.
 */
export function prunePlan(
  df: EngineDiskUsage,
  networks: EngineNetwork[],
  choices: Choices,
): TSystemPrunePreview {
  const containers = df.Containers ?? [];
  const { label } = choices;
  const removed = choices.containers
    ? containers.filter((c) => STOPPED.has(c.State ?? '') && labelled(c.Labels, label))
    : [];
  const removedIds = new Set(removed.map((c) => c.Id));
  const remaining = containers.filter((c) => !removedIds.has(c.Id));
  const running = containers.filter((c) => !STOPPED.has(c.State ?? ''));

  const imagesInUse = new Set(remaining.map((c) => c.ImageID));
  const images =
    choices.images === 'none'
      ? []
      : (df.Images ?? []).filter(
          (i) =>
            !imagesInUse.has(i.Id) &&
            labelled(i.Labels, label) &&
            (choices.images === 'all' || isDangling(i.RepoTags)),
        );

  const volumesInUse = new Set(
    remaining.flatMap((c) =>
      (c.Mounts ?? []).filter((m) => m.Type === 'volume').map((m) => m.Name),
    ),
  );
  const volumes = choices.volumes
    ? (df.Volumes ?? []).filter(
        (v) => v.Driver === 'local' && !volumesInUse.has(v.Name) && labelled(v.Labels, label),
      )
    : [];

  const networksInUse = new Set(
    running.flatMap((c) =>
      Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.NetworkID),
    ),
  );
  const prunedNetworks = choices.networks
    ? networks.filter(
        (n) =>
          !BUILT_IN_NETWORKS.has(n.Name) &&
          !n.Ingress &&
          (n.Scope ?? 'local') === 'local' &&
          !networksInUse.has(n.Id) &&
          labelled(n.Labels, label),
      )
    : [];

  const cache = choices.buildCache && !label ? (df.BuildCache ?? []).filter((c) => !c.InUse) : [];

  const preview: TSystemPrunePreview = {
    containers: removed.map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
      size: c.SizeRw ?? null,
    })),
    images: images.map((i) => ({
      id: i.Id,
      name: isDangling(i.RepoTags) ? '<none>' : (i.RepoTags ?? []).join(', '),
      size: known(i.Size) - known(i.SharedSize),
    })),
    networks: prunedNetworks.map((n) => ({ id: n.Id, name: n.Name, size: null })),
    volumes: volumes.map((v) => ({
      id: v.Name,
      name: v.Name,
      size: v.UsageData && v.UsageData.Size >= 0 ? v.UsageData.Size : null,
    })),
    buildCache: cache.map((c) => ({ id: c.ID, name: c.Description ?? c.ID, size: c.Size })),
    reclaimable: 0,
  };
  preview.reclaimable = [
    ...preview.containers,
    ...preview.images,
    ...preview.volumes,
    ...preview.buildCache,
  ].reduce((sum, item) => sum + known(item.size), 0);
  return preview;
}

function isDangling(tags: string[] | null | undefined): boolean {
  return !tags || tags.length === 0 || tags.every((t) => t === '<none>:<none>');
}
