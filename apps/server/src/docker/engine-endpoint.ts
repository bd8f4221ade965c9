/** Where an engine is and the credentials to reach it: decrypted, held only in memory. */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | {
      kind: 'tls';
      host: string;
      port: number;
      ca?: string;
      cert: string;
      key: string;
      skipVerify: boolean;
    }
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string;
      privateKey: string;
      passphrase?: string;
      /** Fingerprint of the pinned host key; null until the first connection pins one. */
      hostKey: string | null;
    };

export type EngineKind = EngineEndpoint['kind'];

export interface HostSecrets {
  tls?: { ca?: string; cert: string; key: string };
  ssh?: { privateKey: string; passphrase?: string };
}

export function kindOf(url: string, hasTls: boolean): EngineKind {
  if (url.startsWith('unix://')) return 'unix';
  if (url.startsWith('ssh://')) return 'ssh';
  return hasTls ? 'tls' : 'tcp';
}

/** How far to trust the other end: TLS verification, and the SSH host key. */
export interface EngineTrust {
  skipVerify: boolean;
  sshHostKey: string | null;
}

/** Builds the endpoint from a host URL (already validated by ZHostUrl) and its secrets. */
export function endpointOf(url: string, secrets: HostSecrets, trust: EngineTrust): EngineEndpoint {
  if (url.startsWith('unix://')) return { kind: 'unix', socketPath: url.slice('unix://'.length) };
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (parsed.protocol === 'ssh:') {
    if (!secrets.ssh) throw new Error('an ssh host needs a private key');
    return {
      kind: 'ssh',
      host,
      port: Number(parsed.port || 22),
      username: decodeURIComponent(parsed.username),
      privateKey: secrets.ssh.privateKey,
      ...(secrets.ssh.passphrase ? { passphrase: secrets.ssh.passphrase } : {}),
      hostKey: trust.sshHostKey,
    };
  }
  const port = Number(parsed.port);
  if (secrets.tls) {
    return { kind: 'tls', host, port, ...secrets.tls, skipVerify: trust.skipVerify };
  }
  return { kind: 'tcp', host, port };
}
