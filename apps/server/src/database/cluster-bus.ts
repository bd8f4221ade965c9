import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { CONFIG, type Config } from '../config/config.js';

/** What one replica tells the others: cached credentials or grants that no longer hold. */
export type ClusterMessage =
  /** One credential (by digest), every credential of a user, or (both null) every credential. */
  | { kind: 'credentials'; digest: string | null; userId: string | null }
  /** Grants, roles, teams or users changed: cached permissions must be worked out again. */
  | { kind: 'access' };

const CHANNEL = 'berth_cluster';
const RECONNECT_MS = 2_000;

/**
 * Lets replicas that share a PostgreSQL database drop each other's stale caches at once, over
 * LISTEN/NOTIFY on a connection of its own (no Redis needed for this). With SQLite there is one
 * server and nothing to tell. While the connection is down, caches still expire within seconds;
 * after it comes back every cache is dropped, since messages may have been missed meanwhile.
 */
@Injectable()
export class ClusterBus implements OnModuleInit, OnApplicationShutdown {
  private readonly origin = randomUUID();
  private readonly listeners: ((message: ClusterMessage) => void)[] = [];
  private client: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.provider === 'postgresql') this.client = await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    await this.client?.end().catch(() => undefined);
  }

  /** Called for messages from other replicas (never for this replica's own). */
  onMessage(listener: (message: ClusterMessage) => void): void {
    this.listeners.push(listener);
  }

  /** Tells the other replicas; this one has already acted on it. Best effort: caches expire anyway. */
  publish(message: ClusterMessage): void {
    const payload = JSON.stringify({ origin: this.origin, message });
    this.client?.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not tell the other replicas about a change');
    });
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.config.database.url });
    client.on('notification', (note) => this.receive(note.payload));
    // A broken connection also ends; that is where it is replaced.
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    client.once('end', () => this.lost(client));
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.log.warn('the replica message connection dropped; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnect = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.closed) {
            void client.end();
            return;
          }
          this.client = client;
          // Whatever was sent meanwhile is lost: every cache goes.
          this.deliver({ kind: 'credentials', digest: null, userId: null });
          this.deliver({ kind: 'access' });
        },
        (error: unknown) => {
          this.log.warn({ err: error }, 'the replica message connection failed; retrying');
          this.scheduleReconnect();
        },
      );
    }, RECONNECT_MS);
    this.reconnect.unref();
  }

  private receive(payload: string | undefined): void {
    try {
      const { origin, message } = JSON.parse(payload ?? '') as {
        origin: string;
        message: ClusterMessage;
      };
      if (origin !== this.origin) this.deliver(message);
    } catch {
      this.log.warn('ignored a malformed replica message');
    }
  }

  private deliver(message: ClusterMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}
