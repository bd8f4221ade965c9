import { z } from 'zod';
import { ZImageReference } from './containers.js';
import { ZQueryFlag } from './inventory.js';

/** Managed engine plugins (volume, network, authorization, log drivers) on one host, and its storage. */

/** One setting of a plugin as it is configured now; `settable` lists what `plugin set` may change. */
const ZPluginEnv = z.object({
  name: z.string(),
  description: z.string(),
  value: z.string().nullable(),
  settable: z.array(z.string()),
});
const ZPluginMount = z.object({
  name: z.string(),
  description: z.string(),
  source: z.string().nullable(),
  destination: z.string(),
  settable: z.array(z.string()),
});
const ZPluginDevice = z.object({
  name: z.string(),
  description: z.string(),
  path: z.string().nullable(),
  settable: z.array(z.string()),
});

/** `GET /api/hosts/{hostId}/plugins` items. */
export const ZPlugin = z.object({
  id: z.string(),
  /** The name without its tag (`registry:5000/team/driver`), as the engine lists it. */
  name: z.string(),
  tag: z.string(),
  /** The reference it was installed from. */
  reference: z.string(),
  enabled: z.boolean(),
  /** The first interface type without its version: `volumedriver`, `networkdriver`, `authz`, `logdriver`… */
  type: z.string(),
  /** Every interface the plugin implements (`docker.volumedriver/1.0`). */
  types: z.array(z.string()),
  description: z.string(),
  settings: z.object({
    env: z.array(ZPluginEnv),
    mounts: z.array(ZPluginMount),
    devices: z.array(ZPluginDevice),
    args: z.object({ value: z.array(z.string()), settable: z.array(z.string()) }),
  }),
});
export type TPlugin = z.infer<typeof ZPlugin>;

/** `GET /api/hosts/{hostId}/plugins/{name}`: the list item and the engine's whole inspect. */
export const ZPluginDetail = ZPlugin.extend({
  inspect: z.record(z.string(), z.unknown()),
});
export type TPluginDetail = z.infer<typeof ZPluginDetail>;

/** A privilege a plugin asks for (`network: host`, `capabilities: CAP_SYS_ADMIN`, `mount: /dev`…). */
export const ZPluginPrivilege = z.object({
  name: z.string().min(1).max(256),
  description: z.string().max(1024),
  value: z.array(z.string().max(4096)).max(256),
});
export type TPluginPrivilege = z.infer<typeof ZPluginPrivilege>;

/** A plugin reference: an image reference; left without a tag it means `:latest`. */
export const ZPluginReference = ZImageReference;

export const ZPluginPrivilegesQuery = z.object({ remote: ZPluginReference });
export type TPluginPrivilegesQuery = z.input<typeof ZPluginPrivilegesQuery>;

export const ZPluginPrivilegesResponse = z.object({
  /** The reference as the engine will pull it (`:latest` added). */
  remote: z.string(),
  privileges: z.array(ZPluginPrivilege),
});
export type TPluginPrivilegesResponse = z.infer<typeof ZPluginPrivilegesResponse>;

/** A `plugin set` argument: `KEY=value` (env), `mount.source=/path`, `device.path=/dev/x`, `args=…`. */
const ZPluginSetting = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z_][\w.-]*=/, 'KEY=value');

/** The local name of a plugin: its reference by default, or a shorter alias (`myvol`). */
const ZPluginAlias = z
  .string()
  .trim()
  .max(256)
  .regex(/^[a-z0-9][a-z0-9._/:-]*$/, 'lower-case letters, digits and . _ - / : only');

export const ZInstallPluginRequest = z.object({
  remote: ZPluginReference,
  alias: ZPluginAlias.optional(),
  /**
   * The privileges the user accepted: they must equal what the plugin asks for now
   * (`GET …/plugin-privileges`), otherwise the install is refused before anything is pulled.
   */
  privileges: z.array(ZPluginPrivilege).max(64),
  /** Settings applied before it is first enabled. */
  settings: z.array(ZPluginSetting).max(64).default([]),
  /** Enable once installed (the default), or leave it disabled. */
  enable: z.boolean().default(true),
});
export type TInstallPluginRequest = z.input<typeof ZInstallPluginRequest>;

export const ZUpgradePluginRequest = z.object({
  remote: ZPluginReference,
  privileges: z.array(ZPluginPrivilege).max(64),
});
export type TUpgradePluginRequest = z.input<typeof ZUpgradePluginRequest>;

export const ZConfigurePluginRequest = z.object({
  settings: z.array(ZPluginSetting).min(1, 'at least one setting').max(64),
});
export type TConfigurePluginRequest = z.input<typeof ZConfigurePluginRequest>;

export const ZPluginForceQuery = z.object({ force: ZQueryFlag.optional() });
export type TPluginForceQuery = z.infer<typeof ZPluginForceQuery>;

// ------------------------------------------------------------------ host storage ----

/** `GET /api/hosts/{hostId}/storage`: the engine's storage driver and where it keeps its data. */
export const ZHostStorage = z.object({
  driver: z.string(),
  /** The driver's status lines as the engine reports them (`Backing Filesystem`, `Supports d_type`…). */
  driverStatus: z.array(z.object({ name: z.string(), value: z.string() })),
  dataRoot: z.string(),
});
export type THostStorage = z.infer<typeof ZHostStorage>;

const ZUsage = z.object({
  count: z.number(),
  /** In use: images used by a container, running containers, volumes mounted by one, cache in use. */
  active: z.number(),
  size: z.number(),
  reclaimable: z.number(),
});

/** `GET /api/hosts/{hostId}/disk-usage`: `docker system df`. */
export const ZDiskUsage = z.object({
  images: ZUsage,
  containers: ZUsage,
  volumes: ZUsage,
  buildCache: ZUsage,
});
export type TDiskUsage = z.infer<typeof ZDiskUsage>;

/** What a host prune removes: stopped containers always; the rest as chosen. */
export const ZSystemPruneRequest = z.object({
  /** `dangling`: untagged images no container uses; `all`: every image no container uses. */
  images: z.enum(['none', 'dangling', 'all']).default('dangling'),
  containers: z.boolean().default(true),
  networks: z.boolean().default(true),
  volumes: z.boolean().default(false),
  buildCache: z.boolean().default(true),
  /**
   * Only objects carrying this label (`key` or `key=value`), as the engine's prune filters take it;
   * the build cache carries no labels and is left alone when a label is given.
   */
  label: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .regex(/^[^=\s][^=]*(=.*)?$/, 'key or key=value')
    .optional(),
});
export type TSystemPruneRequest = z.input<typeof ZSystemPruneRequest>;

export const ZSystemPrunePreviewQuery = z.object({
  images: z.enum(['none', 'dangling', 'all']).optional(),
  containers: ZQueryFlag.optional(),
  networks: ZQueryFlag.optional(),
  volumes: ZQueryFlag.optional(),
  buildCache: ZQueryFlag.optional(),
  /**
   * Only objects carrying this label (`key` or `key=value`), as the engine's prune filters take it;
   * the build cache carries no labels and is left alone when a label is given.
   */
  label: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .regex(/^[^=\s][^=]*(=.*)?$/, 'key or key=value')
    .optional(),
});
export type TSystemPrunePreviewQuery = z.infer<typeof ZSystemPrunePreviewQuery>;

const ZPruneItem = z.object({ id: z.string(), name: z.string(), size: z.number().nullable() });

/** What a prune with these choices would remove now, each with its size where the engine knows it. */
export const ZSystemPrunePreview = z.object({
  containers: z.array(ZPruneItem),
  images: z.array(ZPruneItem),
  networks: z.array(ZPruneItem),
  volumes: z.array(ZPruneItem),
  buildCache: z.array(ZPruneItem),
  /** The sum of the known sizes. */
  reclaimable: z.number(),
});
export type TSystemPrunePreview = z.infer<typeof ZSystemPrunePreview>;

export const ZSystemPruneResponse = z.object({
  containers: z.array(z.string()),
  images: z.array(z.string()),
  networks: z.array(z.string()),
  volumes: z.array(z.string()),
  buildCache: z.array(z.string()),
  spaceReclaimed: z.number(),
});
export type TSystemPruneResponse = z.infer<typeof ZSystemPruneResponse>;
