import { Injectable } from '@nestjs/common';
import type { ClientToServerEvents, ServerToClientEvents } from '@berth/shared';
import type { Server } from 'socket.io';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** The room every socket of one user joins. */
export const userRoom = (userId: string): string => `user:${userId}`;
/** The room of global administrators' sockets. */
export const ADMIN_ROOM = 'role:admin';

/**
 * Lets services push to dashboards without holding the socket.io server: the gateway hands the
 * server over once it is up. Before that (and in tests without sockets) pushes go nowhere.
 */
@Injectable()
export class RealtimePublisher {
  private server: RealtimeServer | null = null;

  attach(server: RealtimeServer): void {
    this.server = server;
  }

  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server?.to(userRoom(userId)).emit(event, ...payload);
  }

  /**
   * To one socket, on this replica or (through the socket.io adapter) another; a socket that is
   * here is written to directly, so its pushes never pass through Redis.
   */
  toSocket<E extends keyof ServerToClientEvents>(
    socketId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    const local = this.server?.of('/').sockets.get(socketId);
    if (local) local.emit(event, ...payload);
    else this.server?.to(socketId).emit(event, ...payload);
  }

  toAdmins<E extends keyof ServerToClientEvents>(
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server?.to(ADMIN_ROOM).emit(event, ...payload);
  }
}
