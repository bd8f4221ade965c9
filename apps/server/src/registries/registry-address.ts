import { parseImageReference } from '@berth/shared';

export const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/**
 * `https://Registry.example.com:5000/v2/` → `registry.example.com:5000`; Docker Hub's names →
 * `docker.io`. A path prefix is kept (`ghcr.io/team`), so that logins for several organisations
 * on one registry host can be stored; the API version path is not part of it.
 */
export function normaliseRegistryAddress(address: string): string {
  const [host = '', ...path] = address
    .trim()
    .replace(/^https?:\/\//i, '')
    .split('/');
  const name = host.toLowerCase();
  const prefix = path
    .filter(Boolean)
    .join('/')
    .replace(/^v[12]$/, '');
  return `${HUB_ALIASES.has(name) ? DOCKER_HUB : name}${prefix ? `/${prefix}` : ''}`;
}

/** The host (and port) part of a stored address: where the registry's API answers. */
export function hostOf(serverAddress: string): string {
  return serverAddress.split('/')[0] ?? serverAddress;
}

/** The path prefix part of a stored address, or '' when it names the whole registry. */
export function prefixOf(serverAddress: string): string {
  return serverAddress.split('/').slice(1).join('/');
}

/**
 * The registry a pull or push of `reference` contacts, as the engine reads the reference (see
 * `parseImageReference`), in the form registry addresses are stored; null when the engine would
 * refuse the reference or it names no registry, so that no stored login goes with it. Host names
 * are compared without case, as DNS resolves them: `EVIL/x` goes to the host a login stored for
 * `evil` belongs to, and never to Docker Hub.
 */
export function registryOfImage(reference: string): string | null {
  return repositoryOfImage(reference)?.host ?? null;
}

/** The registry host and repository path `reference` is pulled from, or null (see `registryOfImage`). */
export function repositoryOfImage(reference: string): { host: string; path: string } | null {
  const parsed = parseImageReference(reference);
  if (!parsed.ok || parsed.reference.domain === '') return null;
  return {
    host: normaliseRegistryAddress(parsed.reference.domain),
    path: parsed.reference.path,
  };
}

/**
 * Of the stored addresses, the one whose host is the reference's registry and whose path prefix
 * is the longest that starts the repository path, whole segments only (`ghcr.io/team` matches
 * `ghcr.io/team/app` and not `ghcr.io/teamx/app`); null when none does.
 */
export function matchRegistry<T extends { serverAddress: string }>(
  stored: readonly T[],
  reference: string,
): T | null {
  const repository = repositoryOfImage(reference);
  if (!repository) return null;
  let best: T | null = null;
  let bestLength = -1;
  for (const candidate of stored) {
    if (hostOf(candidate.serverAddress) !== repository.host) continue;
    const prefix = prefixOf(candidate.serverAddress);
    const covers =
      prefix === '' || repository.path === prefix || repository.path.startsWith(`${prefix}/`);
    if (covers && prefix.length > bestLength) {
      best = candidate;
      bestLength = prefix.length;
    }
  }
  return best;
}
