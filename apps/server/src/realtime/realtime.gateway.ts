import { type OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { ClientToServerEvents, ServerToClientEvents } from '@berth/shared';
import type { Server, Socket } from 'socket.io';
import { Authenticator } from '../auth/authenticator.js';
import { HostEvents } from '../hosts/host-events.js';

const ADMINS = 'role:admin';

/**
 * socket.io on /socket.io, same origin as the dashboard. A connection is authenticated from its
 * session cookie or bearer token during the handshake; anonymous sockets are dropped.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, destroyUpgrade: false })
export class RealtimeGateway implements OnGatewayConnection {
  @WebSocketServer()
  private readonly server!: Server<ClientToServerEvents, ServerToClientEvents>;

  constructor(
    private readonly authenticator: Authenticator,
    hostEvents: HostEvents,
  ) {
    // Until per-host grants exist, host events go to global administrators only.
    hostEvents.onStatus((event) => this.server?.to(ADMINS).emit('host.status', event));
  }

  async handleConnection(socket: Socket): Promise<void> {
    const principal = await this.authenticator.authenticate(socket.request);
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    socket.data = { principal };
    if (principal.user.isAdmin) await socket.join(ADMINS);
  }
}
