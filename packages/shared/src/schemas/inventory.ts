import { z } from 'zod';
import { commaList } from './containers.js';

/**
 * Fleet-wide lists of images, networks and volumes, answered from Berth's live inventory like
 * `GET /api/containers`: every host the caller may list, filtered, sorted and cursor-paged.
 */

/** Filters, sort and cursor every inventory list takes. */
const listQuery = <S extends readonly [string, ...string[]]>(sorts: S, sort: S[number]) =>
  z.object({
    /** One host id or several, comma-separated. */
    hostId: commaList(z.string().min(1)).optional(),
    /** Case-insensitive match on names, tags, ids, drivers and labels. */
    q: z.string().trim().max(200, 'at most 200 characters').optional(),
    sort: z.enum(sorts).default(sort as never),
    order: z.enum(['asc', 'desc']).default('asc'),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(50),
  });

/** `true`/`false` in a query string. */
export const ZQueryFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
    /** How many match the filters, over all pages. */
    total: z.number(),
  });

const common = {
  hostId: z.string(),
  hostName: z.string(),
  /** How many containers on the host use it (running or not). */
  containers: z.number(),
  /** True while Berth cannot follow the host's engine; the entry is then as last seen. */
  stale: z.boolean(),
};

// ------------------------------------------------------------------ images ----

export const ZImageSummary = z.object({
  id: z.string(),
  ...common,
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  size: z.number(),
  createdAt: z.string(),
  /** No tag: left behind by a newer pull or build of the same name. */
  dangling: z.boolean(),
  labels: z.record(z.string(), z.string()),
});
export type TImageSummary = z.infer<typeof ZImageSummary>;

export const IMAGE_SORTS = ['tag', 'size', 'created', 'containers', 'host'] as const;
export type TImageSort = (typeof IMAGE_SORTS)[number];

export const ZImageListQuery = listQuery(IMAGE_SORTS, 'tag').extend({
  /** Only images without a tag (`true`), or only tagged ones (`false`). */
  dangling: ZQueryFlag.optional(),
});
export type TImageListQuery = z.infer<typeof ZImageListQuery>;

export const ZImageListResponse = page(ZImageSummary);
export type TImageListResponse = z.infer<typeof ZImageListResponse>;

// ---------------------------------------------------------------- networks ----

export const ZNetworkSummary = z.object({
  id: z.string(),
  ...common,
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  /** The engine's own (`bridge`, `host`, `none`): not removable, nobody's. */
  builtIn: z.boolean(),
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
export type TNetworkSummary = z.infer<typeof ZNetworkSummary>;

export const NETWORK_SORTS = ['name', 'driver', 'containers', 'created', 'host'] as const;
export type TNetworkSort = (typeof NETWORK_SORTS)[number];

export const ZNetworkListQuery = listQuery(NETWORK_SORTS, 'name').extend({
  /** One driver or several, comma-separated (`bridge,overlay`). */
  driver: commaList(z.string().min(1).max(64)).optional(),
});
export type TNetworkListQuery = z.infer<typeof ZNetworkListQuery>;

export const ZNetworkListResponse = page(ZNetworkSummary);
export type TNetworkListResponse = z.infer<typeof ZNetworkListResponse>;

// ----------------------------------------------------------------- volumes ----

export const ZVolumeSummary = z.object({
  name: z.string(),
  ...common,
  driver: z.string(),
  mountpoint: z.string(),
  scope: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Null when the engine does not say (volumes made by old engines). */
  createdAt: z.string().nullable(),
});
export type TVolumeSummary = z.infer<typeof ZVolumeSummary>;

export const VOLUME_SORTS = ['name', 'driver', 'containers', 'created', 'host'] as const;
export type TVolumeSort = (typeof VOLUME_SORTS)[number];

export const ZVolumeListQuery = listQuery(VOLUME_SORTS, 'name').extend({
  driver: commaList(z.string().min(1).max(64)).optional(),
  /** Only volumes no container uses (`true`), or only used ones (`false`). */
  unused: ZQueryFlag.optional(),
});
export type TVolumeListQuery = z.infer<typeof ZVolumeListQuery>;

export const ZVolumeListResponse = page(ZVolumeSummary);
export type TVolumeListResponse = z.infer<typeof ZVolumeListResponse>;
