import { createHash } from 'node:crypto';
import { SSH_FINGERPRINT } from '@berth/shared';

/** OpenSSH's fingerprint of a host key blob: `SHA256:` and the digest in unpadded base64. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint of what a user gave as the host key: a fingerprint already, or a public key line. */
export function toFingerprint(hostKey: string): string {
  const value = hostKey.trim();
  if (SSH_FINGERPRINT.test(value)) return value;
  const blob = value.split(/\s+/)[1] ?? '';
  return fingerprintOf(Buffer.from(blob, 'base64'));
}

/** The SSH host presented another key than the pinned one: possibly not the host it claims to be. */
export class HostKeyMismatchError extends Error {
  readonly code = 'HOST_KEY_MISMATCH';

  constructor(
    readonly pinned: string,
    readonly presented: string,
  ) {
    super(`the host key changed: pinned ${pinned}, presented ${presented}`);
  }
}
