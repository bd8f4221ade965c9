import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the test PostgreSQL server, so a test can drop one server's database
 * connections the way a failover or a network fault does, without touching the shared server.
 */
export class PgProxy {
  private readonly clients = new Set<Socket>();
  private readonly server: Server = createServer((client) => this.relay(client));
  private port = 0;

  private constructor(private readonly upstream: URL) {}

  /** Relays to the server of `url` (a PostgreSQL URL) from a port of its own on 127.0.0.1. */
  static async start(url: string): Promise<PgProxy> {
    const proxy = new PgProxy(new URL(url));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** The URL of `database` through this proxy (same user and options as the upstream URL). */
  url(database: string): string {
    const url = new URL(this.upstream);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** Connections open through the proxy now. */
  get open(): number {
    return this.clients.size;
  }

  /**
   * Every open connection is closed the moment its client next sends anything, as a connection a
   * NAT or failover forgot behaves: the client learns it only when it uses it. `reset` answers
   * with a TCP reset (ECONNRESET) instead of an orderly close.
   */
  breakOnNextUse(how: 'close' | 'reset' = 'close'): void {
    for (const client of this.clients) {
      client.unpipe();
      client.once('data', () => (how === 'reset' ? client.resetAndDestroy() : client.destroy()));
      client.resume();
    }
  }

  /** Closes every open connection now. */
  cut(how: 'close' | 'reset' = 'close'): void {
    for (const client of this.clients) {
      if (how === 'reset') client.resetAndDestroy();
      else client.destroy();
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const peer = connect(Number(this.upstream.port || 5432), this.upstream.hostname);
    this.clients.add(client);
    client.once('close', () => {
      this.clients.delete(client);
      peer.destroy();
    });
    peer.once('close', () => client.destroy());
    client.on('error', () => undefined);
    peer.on('error', () => undefined);
    client.pipe(peer).pipe(client);
  }
}
