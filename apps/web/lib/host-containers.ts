import { ROUTES } from '@berth/shared';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from './api';
import { containerKeys } from './container-queries';

/** A host's containers from Berth's inventory (as last seen while the host is down), by name. */
export function useHostContainers(hostId: string, limit: number) {
  return useQuery({
    // Under the lists' key, so whatever refreshes the container lists refreshes this too.
    queryKey: [...containerKeys.lists, 'host', hostId, limit] as const,
    queryFn: () => callRoute(ROUTES.listContainers, { query: { hostId, limit } }),
    refetchInterval: 15_000,
  });
}
