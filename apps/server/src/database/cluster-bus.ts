import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { TContainerUpdate } from '@berth/shared';
import pg from 'pg';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { settlesWithin } from '../common/settles-within.js';
import { CONFIG, type Config } from '../config/config.js';
import type { HostStatusEvent } from '../hosts/host-events.js';

/**
 * What one replica tells the others: cached credentials or grants that no longer hold, and what
 * the replica that runs a shared job (health monitor, update checks) found.
 */
export type ClusterMessage =
  /** One credential (by digest), every credential of a user, or (both null) every credential. */
  | { kind: 'credentials'; digest: string | null; userId: string | null }
  /** Grants, roles, teams or users changed: cached permissions must be worked out again. */
  | { kind: 'access' }
  /** The health monitor saw a host's status change. */
  | { kind: 'host-status'; event: HostStatusEvent }
  /** A scheduled update check's result for one container. */
  | { kind: 'update-result'; result: TContainerUpdate };

const CHANNEL = 'berth_cluster';
const RECONNECT_MS = 2_000;
/** A connection attempt that gets no answer is given up after this long (and tried again). */
const CONNECT_TIMEOUT_MS = 5_000;
/** How long stopping waits for the connection to say goodbye before dropping it. */
const END_MS = 1_000;

/**
 * Lets replicas that share a PostgreSQL database drop each other's stale caches at once, over
 * LISTEN/NOTIFY on a connection of its own (no Redis needed for this). With SQLite there is one
 * server and nothing to tell. While the connection is down, caches still expire within seconds;
 * after it comes back every cache is dropped, since messages may have been missed meanwhile.
 * Once the server stops, nothing is tried again, and a connection (or an attempt) that does not
 * close within a second is dropped.
 */
@Injectable()
export class ClusterBus implements OnModuleInit, OnApplicationShutdown {
  private readonly origin = randomUUID();
  private readonly listeners: ((message: ClusterMessage) => void)[] = [];
  private client: pg.Client | null = null;
  /** A connection being made (first, or after a drop). */
  private dialing: pg.Client | null = null;
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
    const open = [this.client, this.dialing].filter((client) => client !== null);
    this.client = null;
    await Promise.all(open.map((client) => this.end(client)));
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
    const client = new pg.Client({
      connectionString: this.config.database.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (note) => this.receive(note.payload));
    // A broken connection also ends; that is where it is replaced.
    client.on('error', () => undefined);
    this.dialing = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      // A failed attempt (refused, timed out, LISTEN refused) leaves nothing to say goodbye to.
      client.connection.stream.destroy();
      throw error;
    } finally {
      if (this.dialing === client) this.dialing = null;
    }
    client.once('end', () => this.lost(client));
    return client;
  }

  /** Says goodbye on the connection; one that gets no answer in time is dropped. */
  private async end(client: pg.Client): Promise<void> {
    if (await settlesWithin(client.end(), END_MS)) return;
    this.log.warn(
      `stop: the replica message connection did not close within ${END_MS / 1000} s; dropped it`,
    );
    client.connection.stream.destroy();
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.log.warn('the replica message connection dropped; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnect = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.closed) {
            void this.end(client);
            return;
          }
          this.client = client;
          // Whatever was sent meanwhile is lost: every cache goes.
          this.deliver({ kind: 'credentials', digest: null, userId: null });
          this.deliver({ kind: 'access' });
        },
        (error: unknown) => {
          if (this.closed) return;
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
