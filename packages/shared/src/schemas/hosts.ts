import { z } from 'zod';

export const HOST_STATUSES = [
  'unknown',
  'up',
  'down',
  'unauthorized',
  'tls_error',
  /** An SSH host presented another host key than the one pinned for it. */
  'host_key_mismatch',
] as const;
export const ZHostStatus = z.enum(HOST_STATUSES);
export type THostStatus = z.infer<typeof ZHostStatus>;

const pem = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----$/, `must be a PEM ${what}`);

export const ZHostUrl = z
  .string()
  .trim()
  .refine(
    (url) =>
      /^(unix:\/\/\/.+|tcp:\/\/[^/\s:]+:\d{1,5}|ssh:\/\/[^@/\s]+@[^/\s:]+(:\d{1,5})?)$/.test(url),
    'must be unix:///path, tcp://host:port or ssh://user@host[:port]',
  );

export const ZHostTls = z.object({
  ca: pem('certificate').optional(),
  cert: pem('certificate'),
  key: pem('private key'),
  skipVerify: z.boolean().optional(),
});

export const ZHostSsh = z.object({
  privateKey: pem('private key'),
  passphrase: z.string().min(1).optional(),
});

/** OpenSSH's form of a host key fingerprint: `SHA256:` and the unpadded base64 of the digest. */
export const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( .*)?$/;

/**
 * The SSH host key to trust: its fingerprint (`ssh-keygen -lf`, the `SHA256:…` form) or the public
 * key line itself (`ssh-keyscan`, known_hosts without the host name). Left out when adding a host,
 * the key the host presents on the first successful connection is pinned.
 */
export const ZSshHostKey = z
  .string()
  .trim()
  .refine(
    (value) => SSH_FINGERPRINT.test(value) || SSH_PUBLIC_KEY.test(value),
    'must be a SHA256:… fingerprint or an ssh-ed25519 / ssh-rsa / ecdsa-sha2-… public key line',
  );

export const ZHostName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._ -]*$/, 'letters, digits, space, dot, dash and underscore');

const hostFields = {
  name: ZHostName,
  url: ZHostUrl,
  tags: z.array(z.string().trim().min(1).max(32)).max(20).optional(),
  group: z.string().trim().min(1).max(64).nullable().optional(),
  tls: ZHostTls.optional(),
  ssh: ZHostSsh.optional(),
  sshHostKey: ZSshHostKey.optional(),
};

function kindMatchesSecrets(
  host: { url?: string | undefined; tls?: unknown; ssh?: unknown; sshHostKey?: unknown },
  ctx: z.RefinementCtx,
) {
  if (host.url === undefined) return;
  if (host.sshHostKey && !host.url.startsWith('ssh://')) {
    ctx.addIssue({ code: 'custom', path: ['sshHostKey'], message: 'only for ssh:// hosts' });
  }
  if (host.ssh && !host.url.startsWith('ssh://')) {
    ctx.addIssue({ code: 'custom', path: ['ssh'], message: 'only for ssh:// hosts' });
  }
  if (host.url.startsWith('ssh://') && !host.ssh) {
    ctx.addIssue({ code: 'custom', path: ['ssh'], message: 'an ssh:// host needs a private key' });
  }
  if (host.tls && !host.url.startsWith('tcp://')) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'only for tcp:// hosts' });
  }
}

export const ZCreateHostRequest = z
  .object({
    ...hostFields,
    /**
     * Register the engine although another host already reaches it (same engine ID), e.g. once by
     * its socket and once over TLS. Without it such a registration answers 409 naming that host.
     */
    allowSameEngine: z.boolean().optional(),
  })
  .superRefine(kindMatchesSecrets);
export type TCreateHostRequest = z.infer<typeof ZCreateHostRequest>;

/**
 * Editing keeps stored secrets unless new ones are given (secrets are write-only). `sshHostKey`
 * pins another key; `null` forgets the pinned one, and the next successful connection pins anew.
 */
export const ZUpdateHostRequest = z
  .object({
    ...hostFields,
    name: ZHostName.optional(),
    url: ZHostUrl.optional(),
    sshHostKey: ZSshHostKey.nullable().optional(),
    /**
     * Save a new URL or credentials although another host already reaches that engine (same engine
     * ID). Without it such an edit answers 409 naming that host.
     */
    allowSameEngine: z.boolean().optional(),
  })
  .partial();
export type TUpdateHostRequest = z.infer<typeof ZUpdateHostRequest>;

export const ZEngineFacts = z.object({
  /** The engine's own ID (`docker info`), the same by every address it is reached at. */
  id: z.string().optional(),
  version: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  kernelVersion: z.string(),
  architecture: z.string(),
  storageDriver: z.string(),
  hostname: z.string(),
  cpus: z.number(),
  memoryBytes: z.number(),
  containers: z.object({ running: z.number(), paused: z.number(), stopped: z.number() }),
  images: z.number(),
  swarm: z.string(),
});
export type TEngineFacts = z.infer<typeof ZEngineFacts>;

export const ZHost = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  kind: z.enum(['unix', 'tcp', 'tls', 'ssh']),
  tags: z.array(z.string()),
  group: z.string().nullable(),
  tlsSkipVerify: z.boolean(),
  hasSecret: z.boolean(),
  /** Fingerprint of the pinned SSH host key (ssh hosts; null until the first connection). */
  sshHostKey: z.string().nullable(),
  status: ZHostStatus,
  error: z.string().nullable(),
  engine: ZEngineFacts.nullable(),
  lastSeenAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type THost = z.infer<typeof ZHost>;

export const ZHostTestResult = z.object({
  ok: z.boolean(),
  status: ZHostStatus,
  error: z.string().nullable(),
  engine: ZEngineFacts.nullable(),
  latencyMs: z.number(),
  /** Fingerprint of the host key an SSH host presented, to compare with the one you expect. */
  sshHostKey: z.string().nullable(),
  /** Another registered host that reaches the same engine (same engine ID), if any. */
  sameEngineAs: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type THostTestResult = z.infer<typeof ZHostTestResult>;
