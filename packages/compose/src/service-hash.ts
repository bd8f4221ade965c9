import { createHash } from 'node:crypto';
import { type ComposeProject, type ServiceSpec } from './model.js';

/**
 * The configuration hash of a service, stored in the `com.docker.compose.config-hash` label: it
 * changes when a container of the service must be recreated. Like Compose's `ServiceHash`, it
 * leaves out what does not change a container (build settings, pull policy, replica count,
 * dependencies, profiles, the container names that follow from the replica count); unlike it, it
 * also covers the contents of the files the service mounts (bind-mounted files, secrets,
 * configs), so editing a mounted configuration file recreates the service.
 */
export function serviceConfigHash(
  service: ServiceSpec,
  project: ComposeProject,
  readFile: (path: string) => string | undefined,
): string {
  const {
    build: _build,
    pullPolicy: _pullPolicy,
    replicas: _replicas,
    dependsOn: _dependsOn,
    profiles: _profiles,
    containerNames: _containerNames,
    ...hashed
  } = service;
  const files: Record<string, string | null> = {};
  const digestOf = (path: string) => {
    const content = readFile(path);
    return content === undefined ? null : sha256(content);
  };
  for (const mount of service.volumes) {
    if (mount.type === 'bind') files[mount.target] = digestOf(mount.source);
  }
  for (const secret of service.secrets) {
    const file = project.secrets[secret.source]?.file;
    if (file) files[secret.target] = digestOf(file);
  }
  for (const config of service.configs) {
    const file = project.configs[config.source]?.file;
    if (file) files[config.target] = digestOf(file);
  }
  return sha256(canonicalJson({ ...hashed, files }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with the keys of every object sorted, so equal configurations hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      ),
    );
  });
}
