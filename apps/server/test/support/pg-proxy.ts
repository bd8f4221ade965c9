import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the test PostgreSQL server (or Redis: any server of a URL), so a test
 * can drop one server's connections the way a failover or a network fault does, without touching
 * the shared server.
 */
export class PgProxy {
  /** Each client connection and its connection to PostgreSQL (none while held). */
  private readonly clients = new Map<Socket, Socket | null>();
  /** Clients that hung up while silenced: no answer to that either, as from a vanished machine. */
  private readonly hungUp = new Set<Socket>();
  // Half-open: a client's hang-up is passed on by the pipe while answering, and never answered
  // while silenced.
  private readonly server: Server = createServer({ allowHalfOpen: true }, (client) =>
    this.accept(client),
  );
  private port = 0;
  private answering = true;
  /** Connections accepted so far. */
  accepted = 0;

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

  /** Connections open through the proxy now (a client that hung up while silenced is not). */
  get open(): number {
    return this.clients.size - this.hungUp.size;
  }

  /**
   * Every open connection is closed the moment its client next sends anything, as a connection a
   * NAT or failover forgot behaves: the client learns it only when it uses it. `reset` answers
   * with a TCP reset (ECONNRESET) instead of an orderly close.
   */
  breakOnNextUse(how: 'close' | 'reset' = 'close'): void {
    for (const client of this.clients.keys()) {
      client.unpipe();
      client.once('data', () => (how === 'reset' ? client.resetAndDestroy() : client.destroy()));
      client.resume();
    }
  }

  /** Closes every open connection now. */
  cut(how: 'close' | 'reset' = 'close'): void {
    for (const client of this.clients.keys()) {
      if (how === 'reset') client.resetAndDestroy();
      else client.destroy();
    }
  }

  /**
   * The database stops answering, as when its machine vanishes from the network: open
   * connections stay open but nothing passes either way any more, and new connections are
   * accepted and never answered.
   */
  silence(): void {
    this.answering = false;
    for (const [client, peer] of this.clients) {
      client.unpipe();
      peer?.unpipe();
      this.hear(client);
      peer?.on('data', discard);
    }
  }

  /** New connections are refused (existing ones are left as they are). */
  refuse(): void {
    this.server.close();
  }

  /**
   * Answers again after `silence` or `refuse`, on the same port: connections silenced meanwhile
   * are closed (their clients reconnect), new ones are relayed.
   */
  async restore(): Promise<void> {
    if (!this.answering) {
      this.answering = true;
      this.cut();
    }
    if (this.server.listening) return;
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.cut();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    client.on('error', () => undefined);
    client.once('close', () => {
      this.clients.delete(client);
      this.hungUp.delete(client);
    });
    if (!this.answering) {
      this.clients.set(client, null);
      this.hear(client);
      return;
    }
    const peer = connect(Number(this.upstream.port || 5432), this.upstream.hostname);
    this.clients.set(client, peer);
    client.once('close', () => peer.destroy());
    peer.once('close', () => client.destroy());
    peer.on('error', () => undefined);
    client.pipe(peer).pipe(client);
  }

  /**
   * A silenced client: what it sends is read and dropped (unpiped, a stream is paused, and a
   * listener alone would not read it again), and its hang-up is noticed, never answered.
   */
  private hear(client: Socket): void {
    client.on('data', discard).resume();
    client.once('end', () => this.hungUp.add(client));
  }
}

function discard(): void {}
