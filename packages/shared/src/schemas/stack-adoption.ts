import { z } from 'zod';

/**
 * A compose project running on a host that no Berth stack manages: made with `docker compose` or
 * `docker-compose` on the host, found by its containers' `com.docker.compose.project` label.
 */
export const ZUnmanagedStack = z.object({
  hostId: z.string(),
  name: z.string(),
  /** Where the tool that made it ran, and the files it read, as its labels say. */
  workingDir: z.string().nullable(),
  configFiles: z.array(z.string()),
  services: z.array(
    z.object({
      name: z.string(),
      containers: z.array(z.object({ id: z.string(), name: z.string(), state: z.string() })),
    }),
  ),
});

export const ZUnmanagedStackListQuery = z.object({ hostId: z.string().optional() });
export const ZUnmanagedStackList = z.object({ items: z.array(ZUnmanagedStack) });

/** Containers of one host to describe in a compose file. */
export const ZComposeFromContainersRequest = z.object({
  ids: z.array(z.string().min(1).max(128)).min(1).max(50),
});

export const ZComposeFromContainers = z.object({
  /** The compose file (YAML); secret values are replaced by `${NAME}` references. */
  compose: z.string(),
  /** The variables those references name: they need values before the file is deployed. */
  variables: z.array(z.string()),
});

export type TUnmanagedStack = z.infer<typeof ZUnmanagedStack>;
export type TUnmanagedStackListQuery = z.infer<typeof ZUnmanagedStackListQuery>;
export type TUnmanagedStackList = z.infer<typeof ZUnmanagedStackList>;
export type TComposeFromContainersRequest = z.infer<typeof ZComposeFromContainersRequest>;
export type TComposeFromContainers = z.infer<typeof ZComposeFromContainers>;
