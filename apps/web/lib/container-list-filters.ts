import { CONTAINER_SORTS, CONTAINER_STATES, type ROUTES, type TContainerSort } from '@berth/shared';
import type { RouteQuery } from './api';

/** What the containers page filters and sorts by; also kept in its URL. */
export interface ContainerListFilters {
  hostId: string;
  state: string;
  q: string;
  sort: TContainerSort;
  order: 'asc' | 'desc';
}

export const DEFAULT_LIST_FILTERS: ContainerListFilters = {
  hostId: '',
  state: '',
  q: '',
  sort: 'name',
  order: 'asc',
};

type SearchParams = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Filters from the page's URL; anything unknown falls back to the default. */
export function filtersFromSearchParams(params: SearchParams): ContainerListFilters {
  const sort = single(params.sort);
  const state = single(params.state);
  return {
    hostId: single(params.host),
    state: (CONTAINER_STATES as readonly string[]).includes(state) ? state : '',
    q: single(params.q).slice(0, 200),
    sort: (CONTAINER_SORTS as readonly string[]).includes(sort)
      ? (sort as TContainerSort)
      : DEFAULT_LIST_FILTERS.sort,
    order: single(params.order) === 'desc' ? 'desc' : 'asc',
  };
}

/** The page's own URL for these filters (defaults left out). */
export function filtersSearch(filters: ContainerListFilters): string {
  const query = new URLSearchParams();
  if (filters.hostId) query.set('host', filters.hostId);
  if (filters.state) query.set('state', filters.state);
  if (filters.q) query.set('q', filters.q);
  if (filters.sort !== DEFAULT_LIST_FILTERS.sort) query.set('sort', filters.sort);
  if (filters.order !== DEFAULT_LIST_FILTERS.order) query.set('order', filters.order);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The `listContainers` query for one page. */
export function listQuery(
  filters: ContainerListFilters,
  cursor: string | null,
  limit: number,
): RouteQuery<typeof ROUTES.listContainers> {
  return {
    sort: filters.sort,
    order: filters.order,
    hostId: filters.hostId || undefined,
    state: filters.state || undefined,
    q: filters.q.trim() || undefined,
    cursor: cursor ?? undefined,
    limit,
  };
}
