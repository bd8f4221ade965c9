import { parseImageReference } from '@berth/shared';

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** `https://Registry.example.com:5000/v2/` → `registry.example.com:5000`; Docker Hub's names → `docker.io`. */
export function normaliseRegistryAddress(address: string): string {
  const host =
    address
      .trim()
      .replace(/^https?:\/\//i, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/**
 * The registry a pull or push of `reference` contacts, as the engine reads the reference (see
 * `parseImageReference`), in the form registry addresses are stored; null when the engine would
 * refuse the reference or it names no registry, so that no stored login goes with it. Host names
 * are compared without case, as DNS resolves them: `EVIL/x` goes to the host a login stored for
 * `evil` belongs to, and never to Docker Hub.
 */
export function registryOfImage(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (!parsed.ok || parsed.reference.domain === '') return null;
  return normaliseRegistryAddress(parsed.reference.domain);
}
