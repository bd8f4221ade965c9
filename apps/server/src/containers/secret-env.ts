import { BERTH_LABELS, SECRET_MASK } from '@berth/shared';

/** Names of the environment variables a container's `berth.secret-env` label marks secret. */
export function secretEnvNames(labels: Record<string, string> | null | undefined): Set<string> {
  const value = labels?.[BERTH_LABELS.secretEnv] ?? '';
  return new Set(
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

interface InspectShape {
  Config?: { Env?: string[] | null; Labels?: Record<string, string> | null } | null;
}

/** A copy of an inspect answer in which secret environment values read `********`. */
export function maskSecretEnv<T extends object>(inspect: T): T {
  const config = (inspect as InspectShape).Config;
  const secret = secretEnvNames(config?.Labels);
  if (!config?.Env || secret.size === 0) return inspect;
  const env = config.Env.map((entry) => {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    return secret.has(name) ? `${name}=${SECRET_MASK}` : entry;
  });
  return { ...inspect, Config: { ...config, Env: env } };
}
