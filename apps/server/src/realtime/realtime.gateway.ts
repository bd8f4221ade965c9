import {
  type OnGatewayConnection,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Logger } from 'pino';
import { Inject } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Authenticator } from '../auth/authenticator.js';
import { CredentialWatch } from '../auth/credential-watch.js';
import { LOGGER } from '../common/logger.js';
import { HostEvents, type HostStatusEvent } from '../hosts/host-events.js';
import { ConsoleHandlers } from './console-handlers.js';
import {
  ADMIN_ROOM,
  RealtimePublisher,
  type RealtimeServer,
  userRoom,
} from './realtime-publisher.js';
import type { RealtimeSocket } from './socket-types.js';
import { SubscriptionHandlers } from './subscription-handlers.js';

/**
 * socket.io on /socket.io, same origin as the dashboard. A connection is authenticated from its
 * session cookie or bearer token during the handshake; anonymous sockets are dropped. Each socket
 * joins its user's room (pushes such as pull progress) and gets the subscribe and console
 * requests; every one of them is checked against the permission catalog for its host. A socket
 * lives no longer than its credential (CredentialWatch); closing it ends its log, stats and event
 * subscriptions, while its console sessions wait a grace period to be resumed from another
 * socket (on any replica).
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, destroyUpgrade: false })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection {
  @WebSocketServer()
  private readonly server!: RealtimeServer;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly access: AccessService,
    private readonly publisher: RealtimePublisher,
    private readonly subscriptions: SubscriptionHandlers,
    private readonly consoles: ConsoleHandlers,
    private readonly credentials: CredentialWatch,
    hostEvents: HostEvents,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    hostEvents.onStatus((event) => this.pushStatus(event));
  }

  afterInit(server: RealtimeServer): void {
    this.publisher.attach(server);
    this.consoles.listen(server);
    // Authenticating in the handshake means the handlers exist before the client's first request.
    server.use((socket, next) => {
      this.authenticator.authenticate(socket.request).then(
        (principal) => {
          (socket as RealtimeSocket).data = { principal };
          next();
        },
        (error: unknown) => {
          this.log.warn({ err: error }, 'socket authentication failed');
          (socket as RealtimeSocket).data = { principal: null };
          next();
        },
      );
    });
  }

  async handleConnection(socket: RealtimeSocket): Promise<void> {
    const principal = socket.data?.principal ?? null;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    const unwatch = this.credentials.watch({
      request: socket.request,
      principal,
      kind: 'socket',
      close: () => socket.disconnect(true),
    });
    socket.once('disconnect', unwatch);
    this.subscriptions.bind(socket, principal);
    this.consoles.bind(socket, principal);
    await socket.join(userRoom(principal.user.id));
    if (principal.user.isAdmin) await socket.join(ADMIN_ROOM);
  }

  /**
   * Host status goes to administrators and to every other user who can see the host. Every
   * replica hears each change (`ClusterBus`), so each tells only its own sockets.
   */
  private pushStatus(event: HostStatusEvent): void {
    if (!this.server) return;
    this.server.local.to(ADMIN_ROOM).emit('host.status', event);
    for (const socket of this.server.sockets.sockets.values()) {
      const user = (socket as RealtimeSocket).data?.principal?.user;
      if (!user || user.isAdmin) continue;
      this.access.forHost(user, event.hostId).then(
        (access) => {
          if (access.visible) socket.emit('host.status', event);
        },
        // The database is unavailable: who may see the host is unknown, so nothing is sent.
        () => undefined,
      );
    }
  }
}
