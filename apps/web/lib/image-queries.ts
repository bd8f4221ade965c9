import {
  ROUTES,
  type TImageSort,
  type TImageSummary,
  type TPruneImagesRequest,
  type TPullImagesRequest,
  type TTagImageRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from './api';
import { useLiveList } from './use-live-list';

export interface ImageListFilters {
  hostId: string;
  q: string;
  /** '' every image, 'true' only untagged ones, 'false' only tagged ones. */
  dangling: '' | 'true' | 'false';
  sort: TImageSort;
  order: 'asc' | 'desc';
}

export const DEFAULT_IMAGE_FILTERS: ImageListFilters = {
  hostId: '',
  q: '',
  dangling: '',
  sort: 'tag',
  order: 'asc',
};

const IMAGE_PAGE_SIZE = 100;

export const imageKeys = {
  all: ['images'] as const,
  lists: ['images', 'list'] as const,
  list: (filters: ImageListFilters) => ['images', 'list', filters] as const,
  history: (hostId: string, id: string) => ['images', 'history', hostId, id] as const,
  inspect: (hostId: string, id: string) => ['images', 'inspect', hostId, id] as const,
};

/** Engine image events of every host the user may see. */
const IMAGE_EVENTS = { types: ['image'] };

/**
 * The fleet's images, paged over REST as the table scrolls. Any image event (pull, tag, untag,
 * delete, import) refetches the loaded pages shortly after: the inventory lists a host's images
 * again whole on such events, so the server's answer is the one to show.
 */
export function useLiveImageList(filters: ImageListFilters) {
  return useLiveList<TImageSummary, 'events.subscribe'>({
    queryKey: imageKeys.list(filters),
    listsKey: imageKeys.lists,
    fetchPage: (cursor) =>
      callRoute(ROUTES.listImages, {
        query: {
          hostId: filters.hostId || undefined,
          q: filters.q.trim() || undefined,
          dangling: filters.dangling || undefined,
          sort: filters.sort,
          order: filters.order,
          cursor: cursor ?? undefined,
          limit: IMAGE_PAGE_SIZE,
        },
      }),
    event: 'events.subscribe',
    request: IMAGE_EVENTS,
    onPush: (pushed, rows) => {
      if (pushed.name === 'engine.event') rows.refetchSoon();
    },
  });
}

export function useImageHistory(hostId: string, id: string) {
  return useQuery({
    queryKey: imageKeys.history(hostId, id),
    queryFn: () => callRoute(ROUTES.imageHistory, { params: { hostId, id } }),
  });
}

export function useImageInspect(hostId: string, id: string) {
  return useQuery({
    queryKey: imageKeys.inspect(hostId, id),
    queryFn: () => callRoute(ROUTES.inspectImage, { params: { hostId, id } }),
  });
}

/** After a change the lists and details are asked again; the events refresh them too. */
function useInvalidateImages() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: imageKeys.all });
}

export function usePullImages() {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (body: TPullImagesRequest) => callRoute(ROUTES.pullImages, { body }),
    onSettled: invalidate,
  });
}

export function useTagImage(hostId: string, id: string) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (body: TTagImageRequest) =>
      callRoute(ROUTES.tagImage, { params: { hostId, id }, body }),
    onSettled: invalidate,
  });
}

export function useRemoveImage(hostId: string, id: string) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (options: { force: boolean }) =>
      callRoute(ROUTES.removeImage, {
        params: { hostId, id },
        query: { force: options.force ? 'true' : undefined },
      }),
    onSettled: invalidate,
  });
}

export function usePruneImages(hostId: string) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (body: TPruneImagesRequest) =>
      callRoute(ROUTES.pruneImages, { params: { hostId }, body }),
    onSettled: invalidate,
  });
}
