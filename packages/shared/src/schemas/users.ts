import { z } from 'zod';
import { ZPassword, ZUsername } from './auth.js';
import { commaList } from './containers.js';

const ZDisplayName = z.string().trim().max(100, 'at most 100 characters');

export const ZCreateUserRequest = z.object({
  username: ZUsername,
  password: ZPassword,
  displayName: ZDisplayName.optional(),
  isAdmin: z.boolean().optional(),
});
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

/**
 * Disabling a user ends their sessions and revokes their API tokens at once; `resetTotp` turns off
 * their two-factor sign-in (for a lost phone).
 */
export const ZUpdateUserRequest = z.object({
  displayName: ZDisplayName.optional(),
  password: ZPassword.optional(),
  isAdmin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  resetTotp: z.literal(true).optional(),
});
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

/** A user as administrators see it; never the password hash or the TOTP secret. */
export const ZUserAccount = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.string(),
});
export type TUserAccount = z.infer<typeof ZUserAccount>;

/** `GET /api/users/names?ids=a,b`: the user ids an owner label names, at most 100 at once. */
export const ZUserNamesQuery = z.object({
  ids: commaList(z.string().min(1).max(64)).pipe(z.array(z.string()).max(100, 'at most 100 ids')),
});
export type TUserNamesQuery = z.infer<typeof ZUserNamesQuery>;

/** The name to show for a user: their display name, or their username when they have none. */
export const ZUserName = z.object({ id: z.string(), name: z.string() });
export type TUserName = z.infer<typeof ZUserName>;
