import { z } from 'zod';
import { ZHostStatus } from './hosts.js';

export const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ provider: z.enum(['sqlite', 'postgresql']), ok: z.boolean() }),
  hosts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: ZHostStatus,
      lastSeenAt: z.string().nullable(),
    }),
  ),
});
export type THealth = z.infer<typeof ZHealth>;
