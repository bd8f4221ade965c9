import type { ClientToServerEvents, ServerToClientEvents, THost } from '@berth/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { queryKeys } from './queries';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Keeps host data fresh from the server's `host.status` pushes: the new status shows at once,
 * then the hosts are refetched for the engine facts that came with it. One socket per session.
 */
export function useHostStatusEvents(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    // Same origin: the session cookie authenticates the socket like any API call.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: '/socket.io',
      withCredentials: true,
    });
    socket.on('connect', () => setState('live'));
    socket.on('disconnect', () => setState('offline'));
    socket.on('connect_error', () => setState('offline'));
    socket.on('host.status', (event) => {
      const patch = (host: THost): THost =>
        host.id === event.hostId ? { ...host, status: event.status, error: event.error } : host;
      queryClient.setQueryData<THost[]>(queryKeys.hosts, (hosts) => hosts?.map(patch));
      queryClient.setQueryData<THost>(queryKeys.host(event.hostId), (host) =>
        host ? patch(host) : host,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.hosts });
    });
    return () => {
      socket.disconnect();
    };
  }, [queryClient]);

  return state;
}
