import type { ServerToClientEvents, THost } from '@berth/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { holdLiveSocket } from './dashboard-socket';
import { queryKeys } from './queries';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Keeps host data fresh from the server's `host.status` pushes: the new status shows at once,
 * then the hosts are refetched for the engine facts that came with it. It shares the dashboard's
 * one socket with the live container views.
 */
export function useHostStatusEvents(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const { socket, release } = holdLiveSocket();
    const live = () => setState('live');
    const offline = () => setState('offline');
    const onStatus: ServerToClientEvents['host.status'] = (event) => {
      const patch = (host: THost): THost =>
        host.id === event.hostId ? { ...host, status: event.status, error: event.error } : host;
      queryClient.setQueryData<THost[]>(queryKeys.hosts, (hosts) => hosts?.map(patch));
      queryClient.setQueryData<THost>(queryKeys.host(event.hostId), (host) =>
        host ? patch(host) : host,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.hosts });
    };
    if (socket.connected) live();
    socket.on('connect', live);
    socket.on('disconnect', offline);
    socket.on('connect_error', offline);
    socket.on('host.status', onStatus);
    return () => {
      socket.off('connect', live);
      socket.off('disconnect', offline);
      socket.off('connect_error', offline);
      socket.off('host.status', onStatus);
      release();
    };
  }, [queryClient]);

  return state;
}
