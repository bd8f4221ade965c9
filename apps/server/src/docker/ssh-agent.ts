import { Agent, type AgentOptions, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { fingerprintOf, HostKeyMismatchError } from './ssh-host-key.js';

type Callback = (error: Error | null, socket?: Duplex) => void;

/**
 * OpenSSH's default `MaxSessions`: a server refuses more channels than this on one connection, so
 * more concurrent streams (attach, logs -f, events) than this need a further connection. A server
 * that allows fewer refuses a channel; the connection then counts as full until one closes.
 */
const CHANNELS_PER_CONNECTION = 10;
/** How often one request moves on to another connection after a refused channel. */
const MAX_CHANNEL_RETRIES = 8;
/** Idle dial-stdio channels kept for reuse, and for how long: opening one costs 50-300 ms. */
const MAX_IDLE_CHANNELS = 4;
const IDLE_CHANNEL_MS = 30_000;

interface Connection {
  client: Promise<Client>;
  /** Channels open or being opened. */
  channels: number;
  /** The server refused a channel: open no more here until one closes. */
  full: boolean;
  closed: boolean;
}

/**
 * An HTTP agent whose "sockets" are `docker system dial-stdio` channels over SSH (what
 * `docker -H ssh://` does). Channels are kept alive between requests like TCP sockets; a second
 * connection is opened when the first carries as many channels as a default sshd allows.
 * Connections are opened on first use, and again after they drop. With a pinned host key, a host
 * presenting any other key is refused before authenticating (the private key is never offered).
 */
export class SshAgent extends Agent {
  private connections: Connection[] = [];
  private readonly idle = new WeakMap<Duplex, NodeJS.Timeout>();
  /** Fingerprint of the key the host presented on the latest connection. */
  presentedHostKey: string | null = null;
  private destroyed = false;

  constructor(
    private readonly connect: ConnectConfig,
    /** Fingerprint of the trusted host key; null trusts whatever key the host presents. */
    private pinnedHostKey: string | null,
    options: AgentOptions = {},
  ) {
    super({ ...options, keepAlive: true, maxFreeSockets: MAX_IDLE_CHANNELS });
  }

  override createConnection(options: unknown, callback: Callback, retries = 0): undefined {
    if (this.destroyed) {
      // A request queued on a replaced connection must not dial a new one nobody would close.
      callback(new Error('the SSH connection to this host was closed'));
      return undefined;
    }
    const connection = this.pick();
    connection.channels += 1;
    const release = () => {
      connection.channels -= 1;
      this.closeIfSpare(connection);
    };
    connection.client
      .then((client) =>
        client.exec('docker system dial-stdio', (error, channel) => {
          if (!error) {
            channel.once('close', () => {
              connection.full = false;
              release();
            });
            callback(null, asSocket(channel));
            return;
          }
          const crowded = connection.channels > 1;
          release();
          if (crowded && retries < MAX_CHANNEL_RETRIES && isChannelRefusal(error)) {
            // This server allows fewer sessions per connection: use (or open) another one.
            connection.full = true;
            this.createConnection(options, callback, retries + 1);
            return;
          }
          callback(error);
        }),
      )
      .catch((error: Error) => {
        release();
        callback(error);
      });
    return undefined;
  }

  /** A channel back in the pool is closed if nobody reuses it for a while. */
  override keepSocketAlive(socket: Socket): boolean {
    const timer = setTimeout(() => socket.destroy(), IDLE_CHANNEL_MS);
    timer.unref();
    this.idle.set(socket, timer);
    return true;
  }

  override reuseSocket(socket: Socket, req: ClientRequest): void {
    clearTimeout(this.idle.get(socket));
    this.idle.delete(socket);
    super.reuseSocket(socket, req);
  }

  /** Trusts only this key from now on (the key the open connections already presented). */
  pin(fingerprint: string): void {
    this.pinnedHostKey = fingerprint;
  }

  override destroy(): void {
    this.destroyed = true;
    super.destroy();
    for (const connection of this.connections) this.end(connection);
    this.connections = [];
  }

  private pick(): Connection {
    const open = this.connections.find(
      (c) => !c.closed && !c.full && c.channels < CHANNELS_PER_CONNECTION,
    );
    if (open) return open;
    const connection: Connection = {
      client: this.dial(() => {
        connection.closed = true;
        this.connections = this.connections.filter((c) => c !== connection);
      }),
      channels: 0,
      full: false,
      closed: false,
    };
    this.connections.push(connection);
    return connection;
  }

  private dial(onClose: () => void): Promise<Client> {
    const ready = new Promise<Client>((resolve, reject) => {
      const client = new ssh2.Client();
      let refusedKey: string | null = null;
      const hostVerifier = (key: Buffer): boolean => {
        const presented = fingerprintOf(key);
        this.presentedHostKey = presented;
        if (this.pinnedHostKey === null || presented === this.pinnedHostKey) return true;
        refusedKey = presented;
        return false;
      };
      client
        .once('ready', () => resolve(client))
        .once('error', (error) => {
          onClose();
          reject(
            refusedKey && this.pinnedHostKey
              ? new HostKeyMismatchError(this.pinnedHostKey, refusedKey)
              : error,
          );
        })
        .once('close', onClose)
        .connect({
          keepaliveInterval: 15_000,
          readyTimeout: 10_000,
          ...this.connect,
          hostVerifier,
        });
    });
    // A failed connection is reported to the requests that wait for it, never as unhandled.
    ready.catch(() => undefined);
    return ready;
  }

  /** Extra connections opened for a burst of streams are closed once their last channel is. */
  private closeIfSpare(connection: Connection): void {
    if (connection.channels > 0 || connection === this.connections[0]) return;
    this.connections = this.connections.filter((c) => c !== connection);
    this.end(connection);
  }

  private end(connection: Connection): void {
    connection.closed = true;
    void connection.client.then((client) => client.end()).catch(() => undefined);
  }
}

/** ssh2's error when the server will not open another channel on this connection. */
function isChannelRefusal(error: Error): boolean {
  return error.message.startsWith('(SSH) Channel open failure');
}

/** http.ClientRequest calls these socket methods; an SSH channel has none of them. */
function asSocket(channel: ClientChannel): Duplex {
  // dial-stdio's stderr shares the channel's flow-control window: drain it so it cannot stall.
  channel.stderr.resume();
  const socket = channel as ClientChannel & Record<string, unknown>;
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof socket[name] !== 'function') socket[name] = () => socket;
  }
  return socket;
}
