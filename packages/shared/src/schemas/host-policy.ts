import { z } from 'zod';

const ZBindPrefix = z
  .string()
  .trim()
  .max(4096)
  .regex(/^\//, 'an absolute host path such as /srv/data')
  .refine((path) => !path.split('/').includes('..'), 'must not contain ".."');

/**
 * Security limits of one host for everyone but global administrators, checked by the gateway on
 * container (and volume) creation. Every field defaults to the safe choice, so `{}` forbids all.
 *
 * Bind prefixes are compared as paths after normalising `.` and `..`; the engine follows symbolic
 * links on the host, so only list directories that callers cannot put links into.
 */
export const ZHostPolicy = z.strictObject({
  forbidPrivileged: z.boolean().default(true),
  bindMounts: z.enum(['forbid', 'allow-listed', 'allow']).default('forbid'),
  allowedBindPrefixes: z.array(ZBindPrefix).max(100).default([]),
  forbidHostPid: z.boolean().default(true),
  forbidHostIpc: z.boolean().default(true),
  forbidHostNetwork: z.boolean().default(true),
  forbidHostUts: z.boolean().default(true),
  forbidHostUserns: z.boolean().default(true),
  forbidHostCgroupns: z.boolean().default(true),
  forbidDevices: z.boolean().default(true),
  forbidAddedCapabilities: z.boolean().default(true),
  forbidSysctls: z.boolean().default(true),
});
export type THostPolicy = z.output<typeof ZHostPolicy>;
export type THostPolicyInput = z.input<typeof ZHostPolicy>;

export const DEFAULT_HOST_POLICY: THostPolicy = ZHostPolicy.parse({});
