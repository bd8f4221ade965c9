import type { ClientToServerEvents, ServerToClientEvents } from '@berth/shared';
import type { Socket } from 'socket.io';
import type { Principal } from '../auth/principal.js';

export interface SocketData {
  /** Set during the handshake; sockets without one are dropped on connection. */
  principal: Principal | null;
}

export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
