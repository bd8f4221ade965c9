import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { LOGGER } from '../common/logger.js';
import type { RealtimeServer } from './realtime-publisher.js';
import type { RealtimeSocket } from './socket-types.js';

/**
 * How often every open socket's credential is checked again. Revocations on this replica close
 * sockets at once; this sweep catches those made on another replica and sessions that expired.
 */
const SWEEP_INTERVAL_MS = 15_000;

/**
 * Closes sockets whose credential no longer holds: the session signed out or revoked, the token
 * revoked or expired, the user disabled or deleted. A socket whose user gained or lost the global
 * administrator flag is closed too, since its rooms and handlers were set up for the old rights.
 * Closing a socket ends its log, stats and event subscriptions and its console sessions.
 */
@Injectable()
export class SocketRevalidator implements OnModuleDestroy {
  private server: RealtimeServer | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly authenticator: Authenticator,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    authenticator.onCredentialChange((userId) => void this.revalidate(userId));
    this.timer = setInterval(() => void this.revalidate(null), SWEEP_INTERVAL_MS).unref();
  }

  attach(server: RealtimeServer): void {
    this.server = server;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Checks the sockets of one user (or all of them) against the credential store again. */
  async revalidate(userId: string | null): Promise<void> {
    if (!this.server) return;
    const sockets = [...this.server.sockets.sockets.values()] as RealtimeSocket[];
    await Promise.all(
      sockets
        .filter((socket) => userId === null || socket.data?.principal?.user.id === userId)
        .map((socket) => this.check(socket)),
    );
  }

  private async check(socket: RealtimeSocket): Promise<void> {
    const before = socket.data?.principal;
    if (!before || socket.disconnected) return;
    let now: Principal | null;
    try {
      now = await this.authenticator.authenticate(socket.request);
    } catch (error) {
      // The store could not answer: keep the socket rather than drop everyone on a hiccup.
      this.log.warn({ err: error }, 'socket credential check failed');
      return;
    }
    if (now && now.user.id === before.user.id && now.user.isAdmin === before.user.isAdmin) return;
    this.log.info(
      { userId: before.user.id, socketId: socket.id },
      now ? 'socket closed: rights changed' : 'socket closed: credential ended',
    );
    socket.disconnect(true);
  }
}
