import type { TEngineFacts, THostStatus } from '@berth/shared';
import type { EngineConnection } from '../docker/engine-connection.js';
import { HostKeyMismatchError } from '../docker/ssh-host-key.js';

export interface ProbeResult {
  status: THostStatus;
  error: string | null;
  engine: TEngineFacts | null;
  latencyMs: number;
  /** Fingerprint of the host key an SSH engine presented (absent for other kinds). */
  sshHostKey?: string | null;
}

interface DockerInfo {
  ServerVersion?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  Architecture?: string;
  Driver?: string;
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  Swarm?: { LocalNodeState?: string };
}

interface DockerVersion {
  Version?: string;
  ApiVersion?: string;
}

/** dockerode passes an abort signal on these calls; its type declarations leave the option out. */
type AbortableCall<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/**
 * Asks an engine for `docker info` and `docker version` within a deadline, each on a new
 * connection: a host that no longer accepts connections is down, even while connections it
 * accepted earlier still get answers (dockerd does that while it stops its containers).
 */
export async function probeEngine(
  connection: EngineConnection,
  timeoutMs: number,
): Promise<ProbeResult> {
  const started = performance.now();
  const abort = new AbortController();
  const { fresh } = connection;
  const info = fresh.info.bind(fresh) as unknown as AbortableCall<DockerInfo>;
  const version = fresh.version.bind(fresh) as unknown as AbortableCall<DockerVersion>;
  try {
    const [facts, versions] = await withDeadline(
      Promise.all([info({ abortSignal: abort.signal }), version({ abortSignal: abort.signal })]),
      timeoutMs,
    );
    return {
      status: 'up',
      error: null,
      engine: {
        version: versions.Version ?? facts.ServerVersion ?? '',
        apiVersion: versions.ApiVersion ?? '',
        os: facts.OperatingSystem ?? '',
        kernelVersion: facts.KernelVersion ?? '',
        architecture: facts.Architecture ?? '',
        storageDriver: facts.Driver ?? '',
        hostname: facts.Name ?? '',
        cpus: facts.NCPU ?? 0,
        memoryBytes: facts.MemTotal ?? 0,
        containers: {
          running: facts.ContainersRunning ?? 0,
          paused: facts.ContainersPaused ?? 0,
          stopped: facts.ContainersStopped ?? 0,
        },
        images: facts.Images ?? 0,
        swarm: facts.Swarm?.LocalNodeState ?? 'inactive',
      },
      latencyMs: Math.round(performance.now() - started),
      sshHostKey: connection.presentedHostKey,
    };
  } catch (error) {
    return {
      ...classifyEngineError(error),
      engine: null,
      latencyMs: Math.round(performance.now() - started),
      sshHostKey: connection.presentedHostKey,
    };
  } finally {
    // Whatever is still waiting (the other call after one failed, a late answer) goes too.
    abort.abort();
  }
}

/** Sorts a failure into down / unauthorized / tls error / host key mismatch, with a reason a person can act on. */
export function classifyEngineError(error: unknown): { status: THostStatus; error: string } {
  const e = error as { code?: string; statusCode?: number; level?: string; message?: string };
  const code = e.code ?? '';
  const message = e.message ?? String(error);
  if (error instanceof HostKeyMismatchError) return { status: 'host_key_mismatch', error: message };
  if (e.statusCode === 401 || e.statusCode === 403 || e.level === 'client-authentication') {
    return { status: 'unauthorized', error: 'the engine refused the credentials' };
  }
  if (
    /authentication methods failed|permission denied \(publickey|bad passphrase|encrypted private key/i.test(
      message,
    )
  ) {
    return { status: 'unauthorized', error: `ssh: ${message}` };
  }
  if (
    /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|EPROTO)/.test(code) ||
    /certificate|ssl|tls/i.test(message)
  ) {
    return { status: 'tls_error', error: `tls: ${code || message}` };
  }
  if (code === 'ENOENT') return { status: 'down', error: 'the socket does not exist' };
  if (code === 'EACCES')
    return { status: 'unauthorized', error: 'no permission to open the socket' };
  if (code === 'ECONNREFUSED') return { status: 'down', error: 'connection refused' };
  if (code === 'ETIMEDOUT' || code === 'DEADLINE')
    return { status: 'down', error: 'no answer in time' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { status: 'down', error: 'host unreachable' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { status: 'down', error: 'host name not found' };
  return { status: 'down', error: code ? `${code}: ${message}` : message };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('no answer in time'), { code: 'DEADLINE' })),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
