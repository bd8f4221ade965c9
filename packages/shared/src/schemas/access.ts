import { z } from 'zod';
import { isPermission } from '../permissions.js';

export const ZPermissionInfo = z.object({ name: z.string(), description: z.string() });
export type TPermissionInfo = z.infer<typeof ZPermissionInfo>;

/** Permission names, each checked against the catalog so a typo is named with its position. */
const ZPermissionList = z
  .array(z.string())
  .min(1, 'give at least one permission')
  .superRefine((names, ctx) => {
    names.forEach((name, index) => {
      if (!isPermission(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `"${name}" is not in the permission catalog (GET /api/permissions)`,
        });
      }
    });
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: 'custom', message: 'lists a permission twice' });
  });

const ZRoleName = z.string().trim().min(1, 'required').max(64, 'at most 64 characters');

export const ZCreateRoleRequest = z.object({
  name: ZRoleName,
  description: z.string().trim().max(200, 'at most 200 characters').optional(),
  permissions: ZPermissionList,
});
export type TCreateRoleRequest = z.infer<typeof ZCreateRoleRequest>;

export const ZUpdateRoleRequest = ZCreateRoleRequest.partial();
export type TUpdateRoleRequest = z.infer<typeof ZUpdateRoleRequest>;

/** A built-in role (id = its key, such as `operator`) or a custom one (id = a generated id). */
export const ZRole = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtIn: z.boolean(),
  /** Built-in `standard` only: acts on resources the user or their team owns. */
  ownedOnly: z.boolean(),
});
export type TRole = z.infer<typeof ZRole>;

/**
 * Who (a user or a team) gets which role where (one host, every host of a group, or every host).
 * `hostId: "*"` is the same as `allHosts: true`.
 */
export const ZCreateGrantRequest = z
  .object({
    userId: z.string().trim().min(1).optional(),
    teamId: z.string().trim().min(1).optional(),
    hostId: z.string().trim().min(1).optional(),
    hostGroup: z.string().trim().min(1).max(64).optional(),
    allHosts: z.literal(true).optional(),
    role: z.string().trim().min(1, 'required'),
  })
  .superRefine((grant, ctx) => {
    if ((grant.userId === undefined) === (grant.teamId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [grant.userId === undefined ? 'userId' : 'teamId'],
        message: 'give exactly one of userId or teamId',
      });
    }
    const scopes = [grant.hostId, grant.hostGroup, grant.allHosts].filter((s) => s !== undefined);
    if (scopes.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostId'],
        message: 'give exactly one of hostId, hostGroup or allHosts: true (hostId "*" = all hosts)',
      });
    }
  });
export type TCreateGrantRequest = z.infer<typeof ZCreateGrantRequest>;

export const ZGrant = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  hostId: z.string().nullable(),
  hostGroup: z.string().nullable(),
  allHosts: z.boolean(),
  role: z.string(),
  roleName: z.string(),
  createdAt: z.string(),
});
export type TGrant = z.infer<typeof ZGrant>;

/**
 * Filters for listing grants. `hostId`: grants that reach the host (on it, on its group, on every
 * host); `userId`: grants that reach the user (theirs and their teams'); `teamId`: the team's.
 */
export const ZGrantQuery = z.object({
  hostId: z.string().trim().min(1).optional(),
  userId: z.string().trim().min(1).optional(),
  teamId: z.string().trim().min(1).optional(),
});
export type TGrantQuery = z.infer<typeof ZGrantQuery>;
