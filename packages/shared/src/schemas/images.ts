import { z } from 'zod';
import { commaList, ZImageReference } from './containers.js';
import { ZQueryFlag } from './inventory.js';

/** Image operations on one host, and pulls to several at once. */

const strings = z.array(z.string()).nullish();

/** `GET /api/hosts/{hostId}/images/{id}`: the engine's inspect; secret environment values masked. */
export const ZImageInspect = z.looseObject({
  Id: z.string(),
  RepoTags: strings,
  RepoDigests: strings,
  Created: z.string(),
  Size: z.number(),
  Architecture: z.string().nullish(),
  Os: z.string().nullish(),
  Author: z.string().nullish(),
  Config: z
    .looseObject({
      Env: strings,
      Cmd: strings,
      Entrypoint: strings,
      WorkingDir: z.string().nullish(),
      User: z.string().nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  RootFS: z.looseObject({ Type: z.string(), Layers: strings }).nullish(),
});
export type TImageInspect = z.infer<typeof ZImageInspect>;

/** One layer of an image's history, newest first. */
export const ZImageLayer = z.object({
  /** The layer's image id, or `<missing>` for layers pulled as part of another image. */
  id: z.string(),
  /** The instruction that made the layer (`RUN …`, `COPY …`, `ENV …`). */
  createdBy: z.string(),
  size: z.number(),
  createdAt: z.string(),
  /** Adds no files (metadata only: ENV, CMD, LABEL…). */
  empty: z.boolean(),
  tags: z.array(z.string()),
  comment: z.string(),
});
export type TImageLayer = z.infer<typeof ZImageLayer>;

/** A name with a tag (`:latest` when none is given), never a digest: what tag and push take. */
const ZTagReference = ZImageReference.refine(
  (v) => !v.includes('@'),
  'a name and tag, not a digest',
);

export const ZTagImageRequest = z.object({
  /** The new name: `repository:tag`. */
  reference: ZTagReference,
});
export type TTagImageRequest = z.infer<typeof ZTagImageRequest>;

export const ZRemoveImageQuery = z.object({
  /** Remove even if a stopped container uses it, and every tag of it. */
  force: ZQueryFlag.optional(),
  /** Keep untagged parent images. */
  noprune: ZQueryFlag.optional(),
});
export type TRemoveImageQuery = z.infer<typeof ZRemoveImageQuery>;

export const ZRemoveImageResponse = z.object({
  untagged: z.array(z.string()),
  deleted: z.array(z.string()),
});
export type TRemoveImageResponse = z.infer<typeof ZRemoveImageResponse>;

export const ZPruneImagesRequest = z.object({
  /** `dangling`: untagged images only; `unused`: every image no container uses. */
  mode: z.enum(['dangling', 'unused']).default('dangling'),
  /** Only images carrying each of these labels (`key` or `key=value`), as `--filter label=`. */
  labels: z.array(z.string().min(1).max(512)).max(20).optional(),
});
export type TPruneImagesRequest = z.input<typeof ZPruneImagesRequest>;

export const ZPruneImagesResponse = z.object({
  deleted: z.array(z.string()),
  untagged: z.array(z.string()),
  /** Bytes freed on the host. */
  spaceReclaimed: z.number(),
});
export type TPruneImagesResponse = z.infer<typeof ZPruneImagesResponse>;

export const ZPullImagesRequest = z.object({
  reference: ZImageReference,
  hostIds: z
    .array(z.string().min(1))
    .min(1, 'choose at least one host')
    .max(100, 'at most 100 hosts')
    .refine((ids) => new Set(ids).size === ids.length, 'each host once'),
});
export type TPullImagesRequest = z.infer<typeof ZPullImagesRequest>;

const ZHostResultError = z.object({ code: z.string(), message: z.string() });

/** One host's pull: the image's id when it worked, the error when not. */
export const ZPullResult = z.object({
  hostId: z.string(),
  ok: z.boolean(),
  id: z.string().nullable(),
  error: ZHostResultError.optional(),
});
export type TPullResult = z.infer<typeof ZPullResult>;

/** Progress comes over socket.io (`image.pull`) while the pulls run; this answers once all ended. */
export const ZPullImagesResponse = z.object({
  reference: z.string(),
  results: z.array(ZPullResult),
});
export type TPullImagesResponse = z.infer<typeof ZPullImagesResponse>;

export const ZPushImageRequest = z.object({
  /** The tag to push, naming its registry (`registry:5000/team/app:1.0`); tag it first. */
  reference: ZTagReference,
});
export type TPushImageRequest = z.infer<typeof ZPushImageRequest>;

export const ZPushImageResponse = z.object({
  reference: z.string(),
  /** The manifest digest the registry stored, when the engine reported it. */
  digest: z.string().nullable(),
});
export type TPushImageResponse = z.infer<typeof ZPushImageResponse>;

/** `GET /api/hosts/{hostId}/images/save`: the images to export as one tar archive. */
export const ZSaveImagesQuery = z.object({
  /** Image ids or names, comma-separated. */
  names: commaList(z.string().min(1).max(512)).pipe(
    z.array(z.string()).min(1, 'name at least one image').max(20, 'at most 20 images'),
  ),
});
export type TSaveImagesQuery = z.infer<typeof ZSaveImagesQuery>;

/** A path inside a build context: relative, with no `..` step out of it. */
const ZContextPath = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'),
    'a path inside the context, without ".." or a leading "/"',
  );

/** What a build makes and how; the context comes as an upload or from a git repository. */
export const ZBuildOptions = z.object({
  /** Each `repository:tag` the image gets (`:latest` when none is given). */
  tags: z.array(ZTagReference).min(1, 'give the image at least one tag').max(10, 'at most 10 tags'),
  /** The Dockerfile's path inside the context. */
  dockerfile: ZContextPath.default('Dockerfile'),
  /** The stage of a multi-stage Dockerfile to build up to. */
  target: z.string().trim().max(128).optional(),
  /** `ARG` values; their names are audited, their values are not. */
  buildArgs: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a build argument name (letters, digits, _)'),
      z.string().max(4096),
    )
    .optional(),
  /** Run every step again instead of reusing the host's build cache. */
  noCache: z.boolean().optional(),
});
export type TBuildOptions = z.input<typeof ZBuildOptions>;

/** A git repository Berth fetches (shallow) and sends to the engine as the build context. */
export const ZGitSource = z.object({
  /** `https://` or `http://` only; credentials go in `username`/`token`, not in the URL. */
  url: z
    .string()
    .trim()
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.username === '' &&
          url.password === ''
        );
      } catch {
        return false;
      }
    }, 'an http(s) URL of a git repository, without credentials in it'),
  /** A branch, tag or full commit id; the repository's default branch when left out. */
  ref: z
    .string()
    .trim()
    .max(255)
    .regex(/^[\w./-]*$/, 'a branch, tag or commit id')
    .refine((r) => !r.startsWith('-') && !r.includes('..'), 'a branch, tag or commit id')
    .optional(),
  /** The folder inside the repository used as the context. */
  subPath: ZContextPath.optional(),
  username: z.string().max(256).optional(),
  /** A password or access token; never stored, logged or audited. */
  token: z.string().max(4096).optional(),
});
export type TGitSource = z.infer<typeof ZGitSource>;

export const ZBuildFromGitRequest = ZBuildOptions.extend({ git: ZGitSource });
export type TBuildFromGitRequest = z.input<typeof ZBuildFromGitRequest>;

/** A finished build; its log came over socket.io (`image.build`) while it ran. */
export const ZBuildImageResponse = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  /** The commit built, for a build from git. */
  commit: z.string().nullable(),
});
export type TBuildImageResponse = z.infer<typeof ZBuildImageResponse>;

/** `POST /api/hosts/{hostId}/images/load`: what the engine loaded from the archive. */
export const ZLoadImagesResponse = z.object({
  /** Each `repository:tag` (or image id, for an untagged one) the archive held. */
  loaded: z.array(z.string()),
});
export type TLoadImagesResponse = z.infer<typeof ZLoadImagesResponse>;
