import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 12;

/** The httpOnly cookie that carries a dashboard session (set by sign-in and setup). */
export const SESSION_COOKIE = 'berth_session';

export const ZUsername = z
  .string()
  .trim()
  .min(2, 'at least 2 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

export const ZPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024, 'at most 1024 characters');

/** Six digits from an authenticator app (RFC 6238, SHA-1, 30 s). */
export const ZTotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'six digits from your authenticator app');

/** A one-time recovery code, given when two-factor sign-in is turned on (`abcde-23456`). */
export const ZRecoveryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z2-7]{5}-[a-z2-7]{5}$/, 'a recovery code looks like abcde-23456');

export const ZLoginRequest = z.object({
  username: z.string().min(1, 'required'),
  password: z.string().min(1, 'required'),
  /** Required once the account has two-factor sign-in enabled: a code, or a recovery code. */
  totp: z
    .union([ZTotpCode, ZRecoveryCode], {
      error: 'six digits from your authenticator app, or a recovery code',
    })
    .optional(),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZLoginResponse = z.object({ user: ZUser, csrfToken: z.string() });
export type TLoginResponse = z.infer<typeof ZLoginResponse>;

export const ZMeResponse = ZLoginResponse;
export type TMeResponse = TLoginResponse;

/** First-run setup: creates the first administrator when none exists yet. */
export const ZSetupRequest = z.object({
  username: ZUsername,
  password: ZPassword,
});
export type TSetupRequest = z.infer<typeof ZSetupRequest>;

export const ZSetupStatus = z.object({ needsSetup: z.boolean() });
export type TSetupStatus = z.infer<typeof ZSetupStatus>;

export const ZCreateTokenRequest = z.object({
  name: z.string().trim().min(1, 'required').max(100, 'at most 100 characters'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type TCreateTokenRequest = z.infer<typeof ZCreateTokenRequest>;

export const ZCreateTokenResponse = z.object({ id: z.string(), token: z.string() });
export type TCreateTokenResponse = z.infer<typeof ZCreateTokenResponse>;

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TApiToken = z.infer<typeof ZApiToken>;
