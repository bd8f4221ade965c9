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
 */
export class ClusteredSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly redis: Redis,
    private readonly createAdapter: (client: Redis) => Parameters<Server['adapter']>[0],
  ) {
    super(app);
  }

  /** Loads the adapter only when replicas are configured. */
  static async create(app: INestApplicationContext, redis: Redis): Promise<ClusteredSocketAdapter> {
    const { createAdapter } = await import('@socket.io/redis-streams-adapter');
    return new ClusteredSocketAdapter(app, redis, (client) =>
      createAdapter(client, { streamName: 'berth:socket.io' }),
    );
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
    } as ServerOptions);
    server.adapter(this.createAdapter(this.redis));
    return server;
  }
}
