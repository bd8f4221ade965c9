import { z } from 'zod';

/**
 * Whether a running container's image is the registry's current one for its tag:
 * `up_to_date`; `update_available` (the tag now names another image for the host's platform);
 * `unknown` (the image has no registry digest: built here or imported); `error` (the registry
 * could not be reached, refused the login or has no such tag; `message` says which).
 */
export const UPDATE_STATUSES = ['up_to_date', 'update_available', 'unknown', 'error'] as const;
export const ZUpdateStatus = z.enum(UPDATE_STATUSES);
export type TUpdateStatus = z.infer<typeof ZUpdateStatus>;

export const ZContainerUpdate = z.object({
  hostId: z.string(),
  containerId: z.string(),
  containerName: z.string(),
  /** The reference the container was created with (`registry/repo:tag`). */
  image: z.string(),
  /** The id of the image the container runs. */
  imageId: z.string(),
  status: ZUpdateStatus,
  /** Why the status is `unknown` or `error`, or what was compared. */
  message: z.string(),
  /** The registry digest the local image was pulled as, if any. */
  localDigest: z.string().nullable(),
  /** The digest the registry answers for the tag now, if it answered. */
  remoteDigest: z.string().nullable(),
  checkedAt: z.string(),
});
export type TContainerUpdate = z.infer<typeof ZContainerUpdate>;

export const ZUpdateListQuery = z.object({
  hostId: z.string().min(1).optional(),
});
export type TUpdateListQuery = z.infer<typeof ZUpdateListQuery>;

export const ZUpdateList = z.object({ items: z.array(ZContainerUpdate) });
export type TUpdateList = z.infer<typeof ZUpdateList>;

export const ZUpdateCheckRequest = z.object({
  /** Only these containers (ids or names); every running container of the host when absent. */
  containers: z.array(z.string().min(1)).max(500).optional(),
});
export type TUpdateCheckRequest = z.infer<typeof ZUpdateCheckRequest>;
