import { ROUTES } from '@berth/shared';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from './api';

/** Names rarely change; one lookup per set of ids a page shows. */
const NAMES_STALE_MS = 5 * 60_000;

/**
 * Names for user ids (owner labels): the server answers those the user may know (themselves and
 * their team mates; administrators, anyone), so an id without a name stays an id.
 */
export function useUserNames(ids: readonly string[]): ReadonlyMap<string, string> {
  const wanted = [...new Set(ids.filter(Boolean))].sort();
  const names = useQuery({
    queryKey: ['users', 'names', wanted],
    queryFn: () => callRoute(ROUTES.userNames, { query: { ids: wanted.join(',') } }),
    enabled: wanted.length > 0,
    staleTime: NAMES_STALE_MS,
  });
  return new Map((names.data ?? []).map((user) => [user.id, user.name]));
}
