import { ROUTES } from '@berth/shared';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from './api';
import { networkKeys } from './network-queries';
import { volumeKeys } from './volume-queries';

/** One page of the inventory is enough to offer names; more can still be typed. */
const LIMIT = 500;

/**
 * The names of one host's networks and volumes, from the inventory, offered in the container
 * create form's rows (under the lists' prefixes, so a create or remove refreshes them).
 */
export function useHostObjectNames(hostId: string): { networks: string[]; volumes: string[] } {
  const networks = useQuery({
    queryKey: [...networkKeys.all, 'names', hostId],
    queryFn: () => callRoute(ROUTES.listNetworks, { query: { hostId, limit: LIMIT } }),
    enabled: hostId !== '',
  });
  const volumes = useQuery({
    queryKey: [...volumeKeys.all, 'names', hostId],
    queryFn: () => callRoute(ROUTES.listVolumes, { query: { hostId, limit: LIMIT } }),
    enabled: hostId !== '',
  });
  return {
    networks: networks.data?.items.map((n) => n.name) ?? [],
    volumes: volumes.data?.items.map((v) => v.name) ?? [],
  };
}
