import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ConnectConfig } from 'ssh2';

type Callback = (error: Error | null, socket?: Duplex) => void;

/**
 * An HTTP agent whose "sockets" are `docker system dial-stdio` channels over one SSH connection
 * per host (what `docker -H ssh://` does). The connection is opened on first use, kept, and opened
 * again after it drops.
 */
export class SshAgent extends Agent {
  private client: Promise<Client> | null = null;

  constructor(
    private readonly connect: ConnectConfig,
    options: AgentOptions = {},
  ) {
    super({ ...options, keepAlive: false });
  }

  override createConnection(_options: unknown, callback: Callback): undefined {
    this.ready()
      .then((client) =>
        client.exec('docker system dial-stdio', (error, channel) => {
          if (error) {
            callback(error);
            return;
          }
          callback(null, asSocket(channel));
        }),
      )
      .catch((error: Error) => callback(error));
    return undefined;
  }

  override destroy(): void {
    super.destroy();
    void this.client?.then((client) => client.end()).catch(() => undefined);
    this.client = null;
  }

  private ready(): Promise<Client> {
    this.client ??= new Promise<Client>((resolve, reject) => {
      const client = new ssh2.Client();
      const reset = () => {
        if (this.client === pending) this.client = null;
      };
      client
        .once('ready', () => resolve(client))
        .once('error', (error) => {
          reset();
          reject(error);
        })
        .once('close', reset)
        .connect({ keepaliveInterval: 15_000, readyTimeout: 10_000, ...this.connect });
    });
    const pending = this.client;
    return pending;
  }
}

/** http.ClientRequest calls these socket methods; an SSH channel has none of them. */
function asSocket(channel: Duplex): Duplex {
  const socket = channel as Duplex & Record<string, unknown>;
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof socket[name] !== 'function') socket[name] = () => socket;
  }
  return socket;
}
