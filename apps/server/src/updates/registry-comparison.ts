import type { ManifestBody, RegistryClient } from '../registries/registry-client.js';

/** The platform an image was made for, as `docker image inspect` reports it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

/** What the engine knows of the image a container runs. */
export interface LocalImage {
  /** The image id: with the engine's classic store, the digest of the image's config. */
  id: string;
  /** The digests of the image's `RepoDigests` for the repository asked about. */
  digests: readonly string[];
  platform: Platform;
}

export interface Comparison {
  updateAvailable: boolean;
  /** The digest the registry answers for the tag. */
  remoteDigest: string;
  message: string;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/**
 * Compares a local image with what `repository:tag` names in its registry now, asking as little
 * as possible: one manifest HEAD, which settles it when the tag's digest is one the image was
 * pulled as. Otherwise the tag names a single manifest (compared by its config, i.e. the image
 * id) or an index. For an index only the entry for the image's platform counts: it is compared
 * with what the image was pulled as (the engine records the index digest in RepoDigests when a
 * tag is pulled from an index, so the entry for this platform is read from that older index, if
 * the registry still has it) and with the image's own config; a change for another platform is
 * not an update. Registry refusals are thrown as `RegistryError`.
 */
export async function compareWithRegistry(
  client: RegistryClient,
  repository: string,
  tag: string,
  local: LocalImage,
): Promise<Comparison> {
  const head = await client.manifestDigest(repository, tag);
  const current = (message: string): Comparison => ({
    updateAvailable: false,
    remoteDigest: head.digest,
    message,
  });
  if (local.digests.includes(head.digest)) return current('the tag still names this image');
  if (!INDEX_TYPES.has(head.mediaType)) {
    const manifest = await client.manifest(repository, head.digest);
    return manifest.body.config?.digest === local.id
      ? current('the tag names the same image under another manifest')
      : available(head.digest, 'the tag names a different image now');
  }
  const index = await client.manifest(repository, head.digest);
  const entry = entryFor(index.body, local.platform);
  if (!entry) {
    throw new ComparisonError(`the tag has no image for ${platformName(local.platform)} any more`);
  }
  if (local.digests.includes(entry.digest)) {
    return current(`the image for ${platformName(local.platform)} is unchanged`);
  }
  for (const digest of local.digests) {
    const previous = await client.manifest(repository, digest).catch(() => null);
    if (previous && entryFor(previous.body, local.platform)?.digest === entry.digest) {
      return current(`only images for other platforms changed`);
    }
  }
  const manifest = await client.manifest(repository, entry.digest);
  return manifest.body.config?.digest === local.id
    ? current(`the image for ${platformName(local.platform)} is unchanged`)
    : available(head.digest, `the image for ${platformName(local.platform)} changed`);
}

/** The tag's index has nothing for the local platform. */
export class ComparisonError extends Error {}

function available(remoteDigest: string, message: string): Comparison {
  return { updateAvailable: true, remoteDigest, message };
}

/**
 * The index entry the engine would pull for `platform`: same os and architecture, and the same
 * variant when both name one (an entry without a variant serves any); attestations (platform
 * `unknown`) never match.
 */
export function entryFor(index: ManifestBody, platform: Platform): { digest: string } | null {
  const candidates = (index.manifests ?? []).filter(
    (entry) =>
      entry.platform?.os === platform.os && entry.platform.architecture === platform.architecture,
  );
  return (
    candidates.find((entry) => (entry.platform?.variant ?? '') === (platform.variant ?? '')) ??
    candidates.find((entry) => !entry.platform?.variant || !platform.variant) ??
    null
  );
}

function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
