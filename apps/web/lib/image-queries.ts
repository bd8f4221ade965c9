import {
  ROUTES,
  type TBuildFromGitRequest,
  type TImageSort,
  type TImageSummary,
  type TPruneImagesRequest,
  type TPullImagesRequest,
  type TPushImageRequest,
  type TTagImageRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from './api';
import { type UploadOptions, uploadToRoute } from './upload';
import { useLiveInventoryList } from './use-live-inventory-list';

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

/** The fleet's images, refreshed as the inventory takes in image and container changes. */
export function useLiveImageList(filters: ImageListFilters) {
  return useLiveInventoryList<TImageSummary>({
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

/** Tags the image with the reference when it lacks it, then pushes it (progress: `image.push`). */
export function usePushImage(hostId: string, id: string) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: async (input: TPushImageRequest & { requestId: string; tagFirst: boolean }) => {
      if (input.tagFirst) {
        await callRoute(ROUTES.tagImage, {
          params: { hostId, id },
          body: { reference: input.reference },
        });
      }
      return callRoute(ROUTES.pushImage, {
        params: { hostId },
        body: { reference: input.reference },
      });
    },
    onSettled: invalidate,
  });
}

/** A build from an upload (a multipart form) or from git; its log comes as `image.build`. */
export type BuildInput =
  | { kind: 'upload'; hostId: string; form: FormData; requestId: string }
  | { kind: 'git'; hostId: string; body: TBuildFromGitRequest; requestId: string };

export function useBuildImage(onUploadProgress?: (fraction: number) => void) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (input: BuildInput) =>
      input.kind === 'upload'
        ? uploadToRoute(ROUTES.buildImage, {
            params: { hostId: input.hostId },
            body: input.form,
            requestId: input.requestId,
            ...(onUploadProgress ? { onUploadProgress } : {}),
          })
        : uploadToRoute(ROUTES.buildImageFromGit, {
            params: { hostId: input.hostId },
            body: new Blob([JSON.stringify(input.body)]),
            contentType: 'application/json',
            requestId: input.requestId,
          }),
    onSettled: invalidate,
  });
}

/** Loads a `docker save` archive onto a host, the upload's share reported as it goes. */
export function useLoadImages(onUploadProgress: UploadOptions['onUploadProgress']) {
  const invalidate = useInvalidateImages();
  return useMutation({
    mutationFn: (input: { hostId: string; file: File; requestId: string }) =>
      uploadToRoute(ROUTES.loadImages, {
        params: { hostId: input.hostId },
        body: input.file,
        contentType: 'application/x-tar',
        requestId: input.requestId,
        ...(onUploadProgress ? { onUploadProgress } : {}),
      }),
    onSettled: invalidate,
  });
}
