import { z } from 'zod';
import { ZPassword, ZTotpCode } from './auth.js';

/** One of your sign-in sessions. `id` is the stored digest of the cookie, never the cookie itself. */
export const ZSession = z.object({
  id: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type TSession = z.infer<typeof ZSession>;

export const ZTotpStatus = z.object({
  enabled: z.boolean(),
  /** Setup was started but not confirmed with a code yet. */
  pending: z.boolean(),
});
export type TTotpStatus = z.infer<typeof ZTotpStatus>;

/** The new secret, shown once: as text and as an otpauth:// URL for a QR code. */
export const ZTotpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export type TTotpSetupResponse = z.infer<typeof ZTotpSetupResponse>;

export const ZTotpCodeRequest = z.object({ code: ZTotpCode });
export type TTotpCodeRequest = z.infer<typeof ZTotpCodeRequest>;

/** Turning two-factor sign-in on answers the recovery codes, shown once. */
export const ZTotpEnableResponse = z.object({ recoveryCodes: z.array(z.string()) });
export type TTotpEnableResponse = z.infer<typeof ZTotpEnableResponse>;

/** Turning two-factor sign-in off takes your password (or, as before, a code from the app). */
export const ZTotpDisableRequest = z
  .object({
    password: z.string().min(1, 'required').max(1024, 'at most 1024 characters').optional(),
    code: ZTotpCode.optional(),
  })
  .refine((body) => body.password !== undefined || body.code !== undefined, {
    path: ['password'],
    error: 'required',
  });
export type TTotpDisableRequest = z.infer<typeof ZTotpDisableRequest>;

/** Changing your own password takes the current one; your other sessions end. */
export const ZChangePasswordRequest = z.object({
  currentPassword: z.string().min(1, 'required').max(1024, 'at most 1024 characters'),
  newPassword: ZPassword,
});
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;

/** How many sessions an action ended. */
export const ZEndedSessions = z.object({ ended: z.number().int() });
export type TEndedSessions = z.infer<typeof ZEndedSessions>;
