import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Redis } from 'ioredis';

// Nest's socket.io (the one the server runs on), which may be another copy than the app's own.
type ServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type Server = ReturnType<IoAdapter['createIOServer']>;

/**
 * socket.io across replicas: rooms and broadcasts reach the sockets of every replica through
 * Redis Streams (`@socket.io/redis-streams-adapter`), which, unlike the pub/sub adapter, reads
 * on from its last offset after a lost Redis connection, so no broadcast is dropped meanwhile.
 * WebSocket only: long polling would need every request of a session on the same replica
 * (sticky sessions); a WebSocket is one connection, so any replica can take it.
 *
 * The adapter publishes on a connection of its own and makes its reading and subscribing ones with
 * `duplicate()`; it closes those only once a read in flight ends, which never happens while Redis
 * is away (ioredis waits for it, reconnecting). Made through `AdapterConnection`, all of them are
 * known and closed when the server stops.
 */
export class ClusteredSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly publisher: Redis,
    private readonly connections: readonly Redis[],
    private readonly createAdapter: (client: Redis) => Parameters<Server['adapter']>[0],
  ) {
    super(app);
  }

  /** Loads the adapter only when replicas are configured. */
  static async create(app: INestApplicationContext, redis: Redis): Promise<ClusteredSocketAdapter> {
    const [{ createAdapter }, { Redis: RedisClient }] = await Promise.all([
      import('@socket.io/redis-streams-adapter'),
      import('ioredis'),
    ]);
    const connections: Redis[] = [];
    class AdapterConnection extends RedisClient {
      override duplicate(...options: Parameters<Redis['duplicate']>): Redis {
        const connection = super.duplicate(...options);
        connections.push(connection);
        return connection;
      }
    }
    // The replica's own options (REDIS_URL's), with the default reply mapping it was made with.
    const { replyMapping: _mapping, ...options } = redis.options;
    const publisher = new AdapterConnection(options);
    // The replica's own connection reports Redis going away; the adapter's say nothing more.
    publisher.on('error', () => undefined);
    connections.push(publisher);
    return new ClusteredSocketAdapter(app, publisher, connections, (client) =>
      createAdapter(client, { streamName: 'berth:socket.io' }),
    );
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
    } as ServerOptions);
    server.adapter(this.createAdapter(this.publisher));
    return server;
  }

  /** After the servers closed (their adapters stopped reading): the adapter's connections. */
  override async dispose(): Promise<void> {
    await super.dispose();
    for (const connection of this.connections) connection.disconnect();
  }
}
