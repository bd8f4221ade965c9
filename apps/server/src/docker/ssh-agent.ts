import { Agent, type AgentOptions, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2';

type Callback = (error: Error | null, socket?: Duplex) => void;

/**
 * OpenSSH's default `MaxSessions`: a server refuses more channels than this on one connection, so
 * more concurrent streams (attach, logs -f, events) than this need a further connection.
 */
const CHANNELS_PER_CONNECTION = 10;
/** Idle dial-stdio channels kept for reuse, and for how long: opening one costs 50-300 ms. */
const MAX_IDLE_CHANNELS = 4;
const IDLE_CHANNEL_MS = 30_000;

interface Connection {
  client: Promise<Client>;
  channels: number;
  closed: boolean;
}

/**
 * An HTTP agent whose "sockets" are `docker system dial-stdio` channels over SSH (what
 * `docker -H ssh://` does). Channels are kept alive between requests like TCP sockets; a second
 * connection is opened when the first carries as many channels as a default sshd allows.
 * Connections are opened on first use, and again after they drop.
 */
export class SshAgent extends Agent {
  private connections: Connection[] = [];
  private readonly idle = new WeakMap<Duplex, NodeJS.Timeout>();

  constructor(
    private readonly connect: ConnectConfig,
    options: AgentOptions = {},
  ) {
    super({ ...options, keepAlive: true, maxFreeSockets: MAX_IDLE_CHANNELS });
  }

  override createConnection(_options: unknown, callback: Callback): undefined {
    const connection = this.pick();
    connection.channels += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      connection.channels -= 1;
      this.closeIfSpare(connection);
    };
    connection.client
      .then((client) =>
        client.exec('docker system dial-stdio', (error, channel) => {
          if (error) {
            release();
            callback(error);
            return;
          }
          channel.once('close', release);
          callback(null, asSocket(channel));
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

  override destroy(): void {
    super.destroy();
    for (const connection of this.connections) this.end(connection);
    this.connections = [];
  }

  private pick(): Connection {
    const open = this.connections.find((c) => !c.closed && c.channels < CHANNELS_PER_CONNECTION);
    if (open) return open;
    const connection: Connection = {
      client: this.dial(() => {
        connection.closed = true;
        this.connections = this.connections.filter((c) => c !== connection);
      }),
      channels: 0,
      closed: false,
    };
    this.connections.push(connection);
    return connection;
  }

  private dial(onClose: () => void): Promise<Client> {
    const ready = new Promise<Client>((resolve, reject) => {
      const client = new ssh2.Client();
      client
        .once('ready', () => resolve(client))
        .once('error', (error) => {
          onClose();
          reject(error);
        })
        .once('close', onClose)
        .connect({ keepaliveInterval: 15_000, readyTimeout: 10_000, ...this.connect });
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
