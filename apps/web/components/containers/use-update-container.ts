import { ZUpdateContainerResponse, type TUpdateContainerRequest } from '@berth/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { containerKeys, containerPath } from '@/lib/container-queries';

/** `docker update`: CPU, memory and restart policy; the engine's warnings come back. */
export function useUpdateContainer(hostId: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateContainerRequest) =>
      api.post(`${containerPath(hostId, id)}/update`, { body, schema: ZUpdateContainerResponse }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: containerKeys.container(hostId, id) }),
  });
}
