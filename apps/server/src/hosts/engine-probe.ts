import type { TEngineFacts, THostStatus } from '@berth/shared';
import type { EngineClient } from '../docker/engine-client.js';
import { EngineError } from '../docker/engine-error.js';

export interface ProbeResult {
  status: THostStatus;
  error: string | null;
  engine: TEngineFacts | null;
  latencyMs: number;
  /** Fingerprint of the host key an SSH engine presented (absent for other kinds). */
  sshHostKey?: string | null;
}

/**
 * Asks an engine for `docker info` and `docker version` within a deadline, each on a new
 * connection: a host that no longer accepts connections is down, even while connections it
 * accepted earlier still get answers (dockerd does that while it stops its containers).
 */
export async function probeEngine(client: EngineClient, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const abort = new AbortController();
  try {
    const { info: facts, version: versions } = await withDeadline(
      client.facts(abort.signal),
      timeoutMs,
    );
    return {
      status: 'up',
      error: null,
      engine: {
        ...(facts.ID ? { id: facts.ID } : {}),
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
      sshHostKey: client.presentedHostKey,
    };
  } catch (error) {
    return {
      ...hostStatusOf(EngineError.from(error)),
      engine: null,
      latencyMs: Math.round(performance.now() - started),
      sshHostKey: client.presentedHostKey,
    };
  } finally {
    // Whatever is still waiting (the other call after one failed, a late answer) goes too.
    abort.abort();
  }
}

/** What a failed probe says of the host: down, unauthorized, TLS error or host key mismatch. */
export function hostStatusOf(error: EngineError): { status: THostStatus; error: string } {
  switch (error.kind) {
    case 'auth':
      return {
        status: 'unauthorized',
        error: error.status === null ? error.reason : 'the engine refused the credentials',
      };
    case 'tls':
      return { status: 'tls_error', error: error.reason };
    case 'host_key_mismatch':
      return { status: 'host_key_mismatch', error: error.reason };
    case 'unreachable':
    case 'not_modified':
    case 'bad_request':
    case 'not_found':
    case 'conflict':
    case 'engine':
      return { status: 'down', error: error.reason };
  }
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
