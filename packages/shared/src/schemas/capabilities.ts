import { z } from 'zod';
import { PERMISSION_NAMES, type Permission } from '../permissions.js';
import type { TBulkAction } from './containers.js';

/**
 * What the caller may do, so the dashboard shows only what works. Computed by the server from the
 * same grants and catalog every REST route, gateway route and socket event checks; a host the
 * caller has no grant on is left out, as the API hides it.
 */
const ZPermissionList = z.array(z.enum(PERMISSION_NAMES as [Permission, ...Permission[]]));

export const ZCapabilities = z.object({
  /** Global administrators pass every check (users, teams, grants, hosts, registries, audit). */
  isAdmin: z.boolean(),
  /** Per visible host, the catalog permissions the caller holds there (owned-only ones included). */
  hosts: z.record(z.string(), ZPermissionList),
  /**
   * Per host, those of `hosts` that reach only the caller's own objects (a host with none is left
   * out). What belongs to everyone on a host (images, plugins, disk usage) cannot be changed with
   * them.
   */
  ownedOnly: z.record(z.string(), ZPermissionList),
});
export type TCapabilities = z.infer<typeof ZCapabilities>;

/** The catalog permission each container lifecycle action needs (one button, one bulk action). */
export const CONTAINER_ACTION_PERMISSIONS: Readonly<Record<TBulkAction, Permission>> = {
  start: 'container.start',
  restart: 'container.start',
  unpause: 'container.start',
  stop: 'container.stop',
  kill: 'container.stop',
  pause: 'container.stop',
  remove: 'container.delete',
};
