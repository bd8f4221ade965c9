import { Secret, TOTP } from 'otpauth';

/** RFC 6238 with what every authenticator app supports: SHA-1, 6 digits, 30 s. */
export function totpOf(base32: string, username = ''): TOTP {
  return new TOTP({
    issuer: 'Berth',
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(base32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The time step a code belongs to, accepting one step of clock drift either way, or null when
 * the code is wrong. Callers refuse a step at or below the last one used, so a code works once.
 */
export function totpStep(base32: string, code: string, now = Date.now()): number | null {
  const totp = totpOf(base32);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}
