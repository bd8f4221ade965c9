import { z } from 'zod';
import { ZTotpCode } from './auth.js';

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
