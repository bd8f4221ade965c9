import { z } from 'zod';

export const REGISTRY_KINDS = ['dockerhub', 'v2', 'ghcr', 'gitlab', 'quay', 'ecr'] as const;
export const ZRegistryKind = z.enum(REGISTRY_KINDS);
export type TRegistryKind = z.infer<typeof ZRegistryKind>;

/** What a kind asks for: the address it presets and what its username and password are called. */
export interface RegistryKindInfo {
  label: string;
  /** The address filled in when the kind is picked; empty when every installation has its own. */
  address: string;
  /** Shown as the address field's placeholder. */
  addressHint: string;
  username: string;
  password: string;
  /** Whether a login is optional (anonymous pulls work). */
  anonymous: boolean;
  /** ECR: an AWS region, a key pair, and the registry password made from them. */
  region: boolean;
  /** Whether plain HTTP, unverified TLS and an own CA make sense (self-hosted registries). */
  selfHosted: boolean;
}

export const REGISTRY_KIND_INFO: Record<TRegistryKind, RegistryKindInfo> = {
  dockerhub: {
    label: 'Docker Hub',
    address: 'docker.io',
    addressHint: 'docker.io or docker.io/your-organisation',
    username: 'Docker ID',
    password: 'Access token',
    anonymous: true,
    region: false,
    selfHosted: false,
  },
  v2: {
    label: 'Registry v2 / OCI',
    address: '',
    addressHint: 'registry.example.com:5000',
    username: 'Username',
    password: 'Password or token',
    anonymous: true,
    region: false,
    selfHosted: true,
  },
  ghcr: {
    label: 'GitHub Container Registry',
    address: 'ghcr.io',
    addressHint: 'ghcr.io or ghcr.io/your-organisation',
    username: 'GitHub user',
    password: 'Personal access token',
    anonymous: true,
    region: false,
    selfHosted: false,
  },
  gitlab: {
    label: 'GitLab Container Registry',
    address: 'registry.gitlab.com',
    addressHint: 'registry.gitlab.com or your GitLab registry host',
    username: 'GitLab user or deploy token name',
    password: 'Access or deploy token',
    anonymous: true,
    region: false,
    selfHosted: true,
  },
  quay: {
    label: 'Quay',
    address: 'quay.io',
    addressHint: 'quay.io or your Quay host',
    username: 'Username or robot account',
    password: 'Password or robot token',
    anonymous: true,
    region: false,
    selfHosted: true,
  },
  ecr: {
    label: 'Amazon ECR',
    address: '',
    addressHint: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    username: 'Access key id',
    password: 'Secret access key',
    anonymous: false,
    region: true,
    selfHosted: false,
  },
};

export const ZRegistryAddress = z
  .string()
  .trim()
  .min(1, 'required')
  .max(255)
  .regex(
    /^(https?:\/\/)?[a-zA-Z0-9.-]+(:\d{1,5})?(\/[a-zA-Z0-9._/-]*)?$/,
    'a registry host such as registry.example.com:5000 or docker.io, optionally with a path prefix',
  );

const ZPem = z
  .string()
  .trim()
  .max(65_536)
  .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'a PEM certificate');

const registryFields = {
  name: z.string().trim().min(1, 'required').max(64),
  kind: ZRegistryKind,
  serverAddress: ZRegistryAddress,
  username: z.string().trim().max(255),
  /** Write-only: sealed at rest, never answered. */
  password: z.string().max(4096),
  insecure: z.boolean(),
  caCert: ZPem.nullable(),
  region: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .nullable(),
};

/** The fields a kind needs, checked on whatever the body holds (an update names only its changes). */
function checkKind(
  body: { kind?: TRegistryKind; username?: string; password?: string; region?: string | null },
  ctx: z.RefinementCtx,
  creating: boolean,
): void {
  const kind = body.kind;
  if (!kind) return;
  const info = REGISTRY_KIND_INFO[kind];
  if (info.region && creating && !body.region) {
    ctx.addIssue({ code: 'custom', path: ['region'], message: 'required for ECR' });
  }
  if (!info.anonymous && creating) {
    for (const field of ['username', 'password'] as const) {
      if (!body[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'required' });
    }
  }
  if (creating && body.password && !body.username) {
    ctx.addIssue({ code: 'custom', path: ['username'], message: 'required with a password' });
  }
}

export const ZCreateRegistryRequest = z
  .object({
    ...registryFields,
    kind: registryFields.kind.default('v2'),
    username: registryFields.username.default(''),
    password: registryFields.password.optional(),
    insecure: registryFields.insecure.default(false),
    caCert: registryFields.caCert.optional(),
    region: registryFields.region.optional(),
  })
  .superRefine((body, ctx) => checkKind(body, ctx, true));
export type TCreateRegistryRequest = z.input<typeof ZCreateRegistryRequest>;

/** Every field optional; the password is kept unless a new one is given (an empty one clears it). */
export const ZUpdateRegistryRequest = z
  .object(registryFields)
  .partial()
  .superRefine((body, ctx) => checkKind(body, ctx, false));
export type TUpdateRegistryRequest = z.infer<typeof ZUpdateRegistryRequest>;

/** Who may use a registry's credentials besides global administrators. */
export const ZRegistryAccess = z.object({
  users: z.array(z.string().min(1)).max(1000),
  teams: z.array(z.string().min(1)).max(1000),
  /**
   * Limits the use to these hosts and the hosts of these groups; both empty or absent: every host
   * where `registry.use` is granted.
   */
  hostIds: z.array(z.string().min(1)).max(1000).optional(),
  hostGroups: z.array(z.string().trim().min(1).max(64)).max(1000).optional(),
});
export type TRegistryAccess = z.infer<typeof ZRegistryAccess>;

/** A stored registry; the password is write-only and never part of it. */
export const ZRegistry = z.object({
  id: z.string(),
  name: z.string(),
  kind: ZRegistryKind,
  serverAddress: z.string(),
  username: z.string(),
  /** Whether a password or token is stored (it is never answered). */
  hasPassword: z.boolean(),
  insecure: z.boolean(),
  caCert: z.string().nullable(),
  region: z.string().nullable(),
  access: ZRegistryAccess.required(),
  createdAt: z.string(),
});
export type TRegistry = z.infer<typeof ZRegistry>;

/**
 * A stored registry as a user who may push and pull with it sees it: what to pick it by, never its
 * login, TLS material or who else may use it.
 */
export const ZUsableRegistry = ZRegistry.pick({
  id: true,
  name: true,
  kind: true,
  serverAddress: true,
});
export type TUsableRegistry = z.infer<typeof ZUsableRegistry>;

/** A connection test: `message` is the registry's own reason when `ok` is false. */
export const ZRegistryTestResult = z.object({ ok: z.boolean(), message: z.string() });
export type TRegistryTestResult = z.infer<typeof ZRegistryTestResult>;

export const ZRepositoryPageQuery = z.object({ cursor: z.string().max(1024).optional() });

export const ZRepositoryPage = z.object({
  items: z.array(z.object({ name: z.string() })),
  nextCursor: z.string().nullable(),
  /** `catalog`: the registry's own list; `hosts`: it refused its catalog, so the repositories seen on Berth's hosts. */
  source: z.enum(['catalog', 'hosts']),
});
export type TRepositoryPage = z.infer<typeof ZRepositoryPage>;

export const ZTagList = z.object({ items: z.array(z.object({ tag: z.string() })) });
export type TTagList = z.infer<typeof ZTagList>;

export const ZManifestPlatform = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  digest: z.string(),
  mediaType: z.string(),
  size: z.number(),
});

export const ZManifestLayer = z.object({
  digest: z.string(),
  mediaType: z.string(),
  size: z.number(),
});

/** A tag's manifest: an index lists platforms; an image has its config's created time and layers. */
export const ZTagManifest = z.object({
  digest: z.string(),
  mediaType: z.string(),
  /** Bytes of the manifest, its config and layers; of an index: the sum over its platforms. */
  size: z.number(),
  platforms: z.array(ZManifestPlatform),
  created: z.string().nullable(),
  layers: z.array(ZManifestLayer),
});
export type TTagManifest = z.infer<typeof ZTagManifest>;
