import { z } from 'zod';

export const ZRegistryAddress = z
  .string()
  .trim()
  .min(1, 'required')
  .max(255)
  .regex(
    /^(https?:\/\/)?[a-zA-Z0-9.-]+(:\d{1,5})?(\/.*)?$/,
    'a registry host such as registry.example.com:5000 or docker.io',
  );

export const ZCreateRegistryRequest = z.object({
  name: z.string().trim().min(1, 'required').max(64),
  serverAddress: ZRegistryAddress,
  username: z.string().min(1, 'required').max(255),
  password: z.string().min(1, 'required').max(4096),
});
export type TCreateRegistryRequest = z.infer<typeof ZCreateRegistryRequest>;

export const ZUpdateRegistryRequest = ZCreateRegistryRequest.partial();
export type TUpdateRegistryRequest = z.infer<typeof ZUpdateRegistryRequest>;

/** A stored registry; the password is write-only and never part of it. */
export const ZRegistry = z.object({
  id: z.string(),
  name: z.string(),
  serverAddress: z.string(),
  username: z.string(),
  createdAt: z.string(),
});
export type TRegistry = z.infer<typeof ZRegistry>;
