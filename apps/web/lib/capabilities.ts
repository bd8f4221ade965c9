import { ROUTES, type Permission, type TCapabilities } from '@berth/shared';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from './api';

export const capabilitiesKey = ['auth', 'capabilities'] as const;

/** Grants change rarely; a minute's staleness is corrected on the next focus or answer. */
const CAPABILITIES_STALE_MS = 60_000;

/**
 * What the signed-in user may do (`GET /api/me/capabilities`), worked out by the server from the
 * grants the API checks. The dashboard shows a page, tab or button only when this allows it.
 */
export function useCapabilities() {
  return useQuery({
    queryKey: capabilitiesKey,
    queryFn: () => callRoute(ROUTES.capabilities),
    staleTime: CAPABILITIES_STALE_MS,
  });
}

/** Whether `capabilities` hold `permission` on the host; nothing is allowed until they are known. */
export function can(
  capabilities: TCapabilities | undefined,
  hostId: string,
  permission: Permission,
): boolean {
  return capabilities?.hosts[hostId]?.includes(permission) === true;
}

/** The hosts on which the user holds `permission`. */
export function hostsWith(
  capabilities: TCapabilities | undefined,
  permission: Permission,
): string[] {
  return Object.entries(capabilities?.hosts ?? {})
    .filter(([, permissions]) => permissions.includes(permission))
    .map(([hostId]) => hostId);
}

/**
 * Whether `capabilities` hold `permission` on every object of the host, as a change to what
 * everyone there shares (images, plugins, disk usage) needs; an owned-only grant is not enough.
 */
export function canShared(
  capabilities: TCapabilities | undefined,
  hostId: string,
  permission: Permission,
): boolean {
  return (
    can(capabilities, hostId, permission) &&
    capabilities?.ownedOnly[hostId]?.includes(permission) !== true
  );
}

/** The hosts on which the user may change what everyone shares with `permission`. */
export function hostsWithShared(
  capabilities: TCapabilities | undefined,
  permission: Permission,
): string[] {
  return hostsWith(capabilities, permission).filter((hostId) =>
    canShared(capabilities, hostId, permission),
  );
}

export function useCanShared(hostId: string, permission: Permission): boolean {
  return canShared(useCapabilities().data, hostId, permission);
}

/** Whether the user may change what everyone shares with `permission` on at least one host. */
export function useCanSharedAnywhere(permission: Permission): boolean {
  return hostsWithShared(useCapabilities().data, permission).length > 0;
}

export function useCan(hostId: string, permission: Permission): boolean {
  return can(useCapabilities().data, hostId, permission);
}

/** Whether the user holds `permission` on at least one host (a fleet-wide "New …" button). */
export function useCanAnywhere(permission: Permission): boolean {
  return hostsWith(useCapabilities().data, permission).length > 0;
}
