import { z } from 'zod';
import { ZLabels } from './containers.js';

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The `type` option of the local driver that mounts something other than a plain folder. */
export const LOCAL_VOLUME_TYPES = ['tmpfs', 'nfs', 'cifs'] as const;
/** The options the local driver knows. */
const LOCAL_OPTIONS = ['type', 'o', 'device'] as const;

export const ZVolumeName = z
  .string()
  .trim()
  .min(2, 'at least 2 characters')
  .max(255, 'at most 255 characters')
  .regex(VOLUME_NAME, 'letters, digits, dot, dash and underscore; not starting with a sign');

export const ZCreateVolumeRequest = z
  .object({
    name: ZVolumeName,
    /** `local` (the default) or a volume plugin's driver name. */
    driver: z
      .string()
      .trim()
      .min(1, 'required')
      .max(255, 'at most 255 characters')
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:/-]*$/, 'a driver name like local or vieux/sshfs:latest')
      .default('local'),
    /** Driver options; for local: `type` (tmpfs, nfs, cifs, none), `o` (mount options), `device`. */
    driverOpts: z
      .record(
        z.string().min(1, 'an option name cannot be empty').max(256, 'at most 256 characters'),
        z.string().max(4096, 'at most 4096 characters'),
      )
      .default({}),
    labels: ZLabels.default({}),
  })
  .superRefine((request, ctx) => {
    if (request.driver !== 'local') return;
    const issue = (key: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['driverOpts', key], message });
    const opts = request.driverOpts;
    for (const key of Object.keys(opts)) {
      if (!(LOCAL_OPTIONS as readonly string[]).includes(key)) {
        issue(key, 'the local driver knows only type, o and device');
      }
    }
    const type = opts.type;
    if (type === undefined) {
      if (opts.o !== undefined || opts.device !== undefined)
        issue('type', 'required with o or device');
      return;
    }
    if (!type) issue('type', 'required');
    if (type !== 'tmpfs' && !opts.device) issue('device', `a ${type} volume needs a device`);
    if ((type === 'nfs' || type === 'cifs') && !/(^|,)addr=/.test(opts.o ?? '')) {
      issue('o', `a ${type} volume needs the server's address in o (addr=…)`);
    }
  });
export type TCreateVolumeRequest = z.infer<typeof ZCreateVolumeRequest>;
export type TCreateVolumeInput = z.input<typeof ZCreateVolumeRequest>;

export const ZCreateVolumeResponse = z.object({ name: z.string() });
export type TCreateVolumeResponse = z.infer<typeof ZCreateVolumeResponse>;

/** A container that mounts a volume, and where. */
export const ZVolumeUser = z.object({
  id: z.string(),
  name: z.string(),
  destination: z.string(),
  readOnly: z.boolean(),
});
export type TVolumeUser = z.infer<typeof ZVolumeUser>;

/** `GET /api/hosts/:hostId/volumes/:name`. */
export const ZVolumeDetail = z.object({
  name: z.string(),
  hostId: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  scope: z.string(),
  createdAt: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  /** Bytes, where the engine reports it (local volumes, from disk usage); else null. */
  size: z.number().nullable(),
  containers: z.array(ZVolumeUser),
});
export type TVolumeDetail = z.infer<typeof ZVolumeDetail>;

export const ZRemoveVolumeQuery = z.object({
  force: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type TRemoveVolumeQuery = z.infer<typeof ZRemoveVolumeQuery>;

/** A path inside a volume: absolute, no `..` step. */
export const ZVolumePath = z
  .string()
  .max(4096, 'at most 4096 characters')
  .default('/')
  .refine((path) => path.startsWith('/'), 'an absolute path inside the volume, like /data')
  .refine((path) => !path.split('/').includes('..'), 'no .. in the path')
  .refine((path) => !path.includes('\0'), 'no NUL in the path');

export const ZVolumePathQuery = z.object({ path: ZVolumePath });
export type TVolumePathQuery = z.infer<typeof ZVolumePathQuery>;

export const VOLUME_ENTRY_TYPES = ['file', 'directory', 'symlink', 'other'] as const;

export const ZVolumeEntry = z.object({
  name: z.string(),
  type: z.enum(VOLUME_ENTRY_TYPES),
  size: z.number(),
  /** Permission bits in octal, like 0644. */
  mode: z.string(),
  modifiedAt: z.string().nullable(),
  /** Where a symlink points. */
  target: z.string().optional(),
});
export type TVolumeEntry = z.infer<typeof ZVolumeEntry>;

export const ZVolumeListing = z.object({
  path: z.string(),
  entries: z.array(ZVolumeEntry),
});
export type TVolumeListing = z.infer<typeof ZVolumeListing>;
