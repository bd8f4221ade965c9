import { z } from 'zod';
import { ZGitSource } from './images.js';
import { ZCreateStackRequest, ZStackEnvEntry } from './stacks.js';

/** Where a stack's compose file lives: a repository, a branch or tag, a path inside it. */
export const ZStackGitSource = ZGitSource.omit({ subPath: true }).extend({
  /** The compose file's path inside the repository. */
  path: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .regex(/^[\w./-]+$/, 'a path inside the repository')
    .refine(
      (p) => !p.startsWith('/') && !p.split('/').includes('..'),
      'a path inside the repository',
    )
    .default('compose.yaml'),
  /**
   * Check the branch for new commits this often (seconds) and redeploy when it moved; left out:
   * only on request (a redeploy or a webhook call fetches again).
   */
  pollSeconds: z.number().int().min(10).max(86_400).optional(),
});

/** A stack from a git repository: the login is sealed with the stack, never answered. */
export const ZCreateGitStackRequest = z.object({
  name: ZCreateStackRequest.shape.name,
  git: ZStackGitSource,
  env: z.array(ZStackEnvEntry).max(500).optional(),
});

/** The git source of a stack as answered: without its login. */
export const ZStackGitInfo = z.object({
  url: z.string(),
  ref: z.string().nullable(),
  path: z.string(),
  pollSeconds: z.number().nullable(),
  /** The commit last deployed. */
  commit: z.string().nullable(),
  hasLogin: z.boolean(),
});

export type TStackGitSource = z.input<typeof ZStackGitSource>;
export type TCreateGitStackRequest = z.input<typeof ZCreateGitStackRequest>;
export type TStackGitInfo = z.infer<typeof ZStackGitInfo>;
