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
 * The registry an image reference lives in, as `docker` decides it: the first path component when
 * it looks like a host (has a dot or a port, or is localhost), otherwise Docker Hub.
 */
export function registryOfImage(reference: string): string {
  const [first, ...rest] = reference.split('/');
  if (
    first &&
    rest.length > 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    return normaliseRegistryAddress(first);
  }
  return DOCKER_HUB;
}
