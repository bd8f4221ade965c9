import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

/**
 * How often every held connection's credential is checked again. Revocations close connections at
 * once (on every replica, through the Authenticator's cluster messages); this sweep catches
 * sessions and tokens that simply expired.
 */
const SWEEP_INTERVAL_MS = 15_000;

/** A connection that outlives its authentication: a socket.io socket, a gateway stream or console. */
export interface HeldConnection {
  /** The request it authenticated with; its credential is read from it again. */
  request: IncomingMessage;
  principal: Principal;
  /** What it is, for the log line when it is closed. */
  kind: string;
  close: () => void;
}

/**
 * Closes connections whose credential no longer holds: the session signed out or revoked, the
 * token revoked or expired, the user disabled or deleted. A connection whose user gained or lost
 * the global administrator flag is closed too, since it was authorised for the old rights.
 */
@Injectable()
export class CredentialWatch implements OnModuleDestroy {
  private readonly held = new Set<HeldConnection>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly authenticator: Authenticator,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    authenticator.onCredentialChange((userId) => void this.revalidate(userId));
    this.timer = setInterval(() => void this.revalidate(null), SWEEP_INTERVAL_MS).unref();
  }

  /** Holds a connection to its credential until the returned function is called. */
  watch(connection: HeldConnection): () => void {
    this.held.add(connection);
    return () => this.held.delete(connection);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Checks the connections of one user (or all of them) against the credential store again. */
  async revalidate(userId: string | null): Promise<void> {
    const affected = [...this.held].filter(
      (held) => userId === null || held.principal.user.id === userId,
    );
    await Promise.all(affected.map((held) => this.check(held)));
  }

  private async check(held: HeldConnection): Promise<void> {
    let now: Principal | null;
    try {
      now = await this.authenticator.authenticate(held.request);
    } catch (error) {
      // The store could not answer: keep the connection rather than drop everyone on a hiccup.
      this.log.warn({ err: error }, 'credential check failed');
      return;
    }
    if (!this.held.has(held)) return;
    const before = held.principal.user;
    if (now && now.user.id === before.id && now.user.isAdmin === before.isAdmin) return;
    this.held.delete(held);
    this.log.info(
      { userId: before.id, kind: held.kind },
      now ? `${held.kind} closed: rights changed` : `${held.kind} closed: credential ended`,
    );
    held.close();
  }
}
