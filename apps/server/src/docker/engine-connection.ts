import {
  Agent as HttpAgent,
  type AgentOptions,
  type ClientRequest,
  type OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { buildConnector, type Dispatcher, Pool } from 'undici';
import type { EngineEndpoint } from './engine-endpoint.js';
import { SshAgent } from './ssh-agent.js';

export interface EngineRequest {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
}

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 256, maxFreeSockets: 32 };
/** How long an engine may take to accept a connection before a call fails as unreachable. */
export const ENGINE_CONNECT_TIMEOUT_MS = 5_000;
/** Connections to one engine at once, as many as the agents allow. */
const MAX_CONNECTIONS = 256;
/**
 * An idle pooled connection is closed after `idleMs` (dockerd keeps them open forever). Read when
 * a host's pool is made; tests shorten it to see a call after the pool has let go of its
 * connections without waiting half a minute.
 */
export const enginePoolTiming = { idleMs: 30_000 };

/**
 * An agent that opens a new connection for every request and closes it after the answer. For SSH
 * it opens a new dial-stdio channel on the given agent's SSH connections.
 */
class FreshConnections extends HttpAgent {
  constructor(private readonly channels: SshAgent) {
    super({ keepAlive: false });
  }

  override createConnection(...args: Parameters<SshAgent['createConnection']>): undefined {
    return this.channels.createConnection(...args);
  }
}

/**
 * One live connection setup per host: an undici pool for the gateway's ordinary calls
 * (`dispatcher`), a pooled agent for its transport with a raw streaming request function for
 * Berth's own streams and hijacked calls, and a dockerode client for typed calls. dockerode gets an
 * agent of its own: docker-modem runs `util.inspect` over its request options (agent included) on
 * every call, which over the gateway's busy pool took hundreds of milliseconds of event loop. Both
 * agents also print as one word, so that inspection never walks their sockets.
 *
 * `fresh` is a dockerode client that never reuses a connection, for the health probe: a stopping
 * dockerd refuses new connections at once but keeps answering pooled ones while it stops its
 * containers, so a probe on a pooled connection saw the host up for as long as that took.
 */
export class EngineConnection {
  readonly docker: Docker;
  readonly fresh: Docker;
  readonly dispatcher: Dispatcher;
  private readonly agent: HttpAgent;
  /** Hijacked connections (attach, exec): they left the agents' pools, so closing those misses them. */
  private readonly hijacked = new Set<Duplex>();
  private readonly dockerodeAgent: HttpAgent;
  private readonly freshAgent: HttpAgent;

  constructor(readonly endpoint: EngineEndpoint) {
    this.agent = opaque(createAgent(endpoint));
    this.dockerodeAgent = opaque(createAgent(endpoint));
    this.freshAgent = opaque(
      this.dockerodeAgent instanceof SshAgent
        ? new FreshConnections(this.dockerodeAgent)
        : createAgent(endpoint, { keepAlive: false }),
    );
    this.docker = dockerodeOn(endpoint, this.dockerodeAgent);
    this.fresh = dockerodeOn(endpoint, this.freshAgent);
    this.dispatcher = createPool(endpoint, this.agent);
  }

  /** A request to the engine; the caller writes the body and handles response, upgrade and errors. */
  request(req: EngineRequest): ClientRequest {
    const e = this.endpoint;
    const base = { method: req.method, path: req.path, headers: req.headers, agent: this.agent };
    switch (e.kind) {
      case 'unix':
        return httpRequest({ ...base, socketPath: e.socketPath });
      case 'tcp':
        return httpRequest({ ...base, host: e.host, port: e.port });
      case 'ssh':
        // The host name only fills the Host header; the agent opens the channel.
        return httpRequest({ ...base, host: 'docker', port: 80 });
      case 'tls':
        // Node takes the TLS server name from the Host header, which is not the engine's name
        // here; name it explicitly ('' for an IP: no SNI, the certificate is checked against host).
        return httpsRequest({
          ...base,
          host: e.host,
          port: e.port,
          servername: isIP(e.host) ? '' : e.host,
        });
    }
  }

  /** Fingerprint of the host key an SSH engine presented last (null for other kinds). */
  get presentedHostKey(): string | null {
    for (const agent of [this.dockerodeAgent, this.agent]) {
      if (agent instanceof SshAgent && agent.presentedHostKey) return agent.presentedHostKey;
    }
    return null;
  }

  /** Pins an SSH engine's host key for every connection opened from now on. */
  pinHostKey(fingerprint: string): void {
    for (const agent of [this.dockerodeAgent, this.agent]) {
      if (agent instanceof SshAgent) agent.pin(fingerprint);
    }
  }

  /** Keeps a hijacked connection to cut when the host is closed (removed, or its address changed). */
  track(socket: Duplex): void {
    this.hijacked.add(socket);
    socket.once('close', () => this.hijacked.delete(socket));
  }

  close(): void {
    for (const socket of this.hijacked) socket.destroy();
    void this.dispatcher.destroy().catch(() => undefined);
    this.agent.destroy();
    this.dockerodeAgent.destroy();
    this.freshAgent.destroy();
  }
}

/** An agent whose `util.inspect` form is its name: its sockets (and what they hold) are not walked. */
function opaque<A extends HttpAgent>(agent: A): A {
  Object.defineProperty(agent, inspect.custom, { value: () => `[${agent.constructor.name}]` });
  return agent;
}

function createAgent(e: EngineEndpoint, pooling: AgentOptions = AGENT_OPTIONS): HttpAgent {
  switch (e.kind) {
    case 'unix':
    case 'tcp':
      return new HttpAgent(pooling);
    case 'tls':
      return new HttpsAgent({
        ...pooling,
        ...(e.ca ? { ca: e.ca } : {}),
        cert: e.cert,
        key: e.key,
        rejectUnauthorized: !e.skipVerify,
      });
    case 'ssh':
      return new SshAgent(
        {
          host: e.host,
          port: e.port,
          username: e.username,
          privateKey: e.privateKey,
          ...(e.passphrase ? { passphrase: e.passphrase } : {}),
        },
        e.hostKey,
      );
  }
}

/**
 * The gateway's pool on the host's transport. An SSH engine's connections are dial-stdio channels
 * opened by the host's SSH agent (its host key pinned like every other connection's).
 */
function createPool(e: EngineEndpoint, agent: HttpAgent): Dispatcher {
  const pooling = {
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: enginePoolTiming.idleMs,
    keepAliveMaxTimeout: enginePoolTiming.idleMs,
  };
  const timeout = ENGINE_CONNECT_TIMEOUT_MS;
  switch (e.kind) {
    case 'unix':
      return new Pool('http://docker', {
        ...pooling,
        connect: { socketPath: e.socketPath, timeout },
      });
    case 'tcp':
      return new Pool(`http://${hostPort(e.host, e.port)}`, { ...pooling, connect: { timeout } });
    case 'tls': {
      const connector = buildConnector({
        timeout,
        ...(e.ca ? { ca: e.ca } : {}),
        cert: e.cert,
        key: e.key,
        rejectUnauthorized: !e.skipVerify,
      });
      // undici names the server after the Host header ('docker'): name the engine instead (no
      // name for an IP, whose certificate is checked against the address).
      const servername = isIP(e.host) ? '' : e.host;
      return new Pool(`https://${hostPort(e.host, e.port)}`, {
        ...pooling,
        connect: (options, callback) => connector({ ...options, servername }, callback),
      });
    }
    case 'ssh': {
      const channels = agent as SshAgent;
      return new Pool('http://docker', {
        ...pooling,
        connect: (options, callback) => {
          channels.createConnection(options, (error, socket) => {
            if (error || !socket) callback(error ?? new Error('no SSH channel'), null);
            else callback(null, socket as Socket);
          });
        },
      });
    }
  }
}

/** `host:port` for a URL, an IPv6 address in brackets. */
function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function dockerodeOn(e: EngineEndpoint, agent: HttpAgent): Docker {
  return new Docker({ ...dockerodeTarget(e), agent } as Docker.DockerOptions);
}

function dockerodeTarget(e: EngineEndpoint): Docker.DockerOptions {
  switch (e.kind) {
    case 'unix':
      return { socketPath: e.socketPath };
    case 'tcp':
      return { protocol: 'http', host: e.host, port: e.port };
    case 'ssh':
      return { protocol: 'http', host: 'docker', port: 80 };
    case 'tls':
      return {
        protocol: 'https',
        host: e.host,
        port: e.port,
        ...(e.ca ? { ca: e.ca } : {}),
        cert: e.cert,
        key: e.key,
      };
  }
}
