import { z } from 'zod';

const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** One stack variable; a secret one is sealed at rest and answered masked. */
export const ZStackEnvEntry = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _, not first a digit'),
  value: z.string().max(65_536),
  secret: z.boolean().default(false),
});

export const ZCreateStackRequest = z.object({
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(STACK_NAME, 'lower-case letters, digits, - and _, starting with a letter or digit'),
  compose: z.string().min(1).max(1_000_000),
  env: z.array(ZStackEnvEntry).max(500).optional(),
  /**
   * The text of an uploaded `.env` file: its variables are added (not secret) unless `env` names
   * them; a line that does not parse answers 400 naming it.
   */
  envFile: z.string().max(1_000_000).optional(),
  /** Where the compose text came from: typed in the editor or an uploaded file. */
  source: z.enum(['editor', 'upload']).optional(),
});

export const ZUpdateStackRequest = z.object({
  compose: z.string().min(1).max(1_000_000).optional(),
  env: z.array(ZStackEnvEntry).max(500).optional(),
});

export const ZStackDeployResponse = z.object({ id: z.string(), deploymentId: z.string() });

export const ZStackStatus = z.enum([
  'deploying',
  'running',
  'partial',
  'stopped',
  'failed',
  'down',
]);

export const ZStackSummary = z.object({
  id: z.string(),
  hostId: z.string(),
  name: z.string(),
  status: ZStackStatus,
  services: z.array(
    z.object({
      name: z.string(),
      containers: z.array(z.object({ id: z.string(), state: z.string() })),
    }),
  ),
});

/** Where a stack's compose file came from. */
export const ZStackSource = z.enum(['editor', 'upload', 'git']);

export const ZStack = ZStackSummary.extend({
  compose: z.string(),
  source: ZStackSource,
  /** Secret values are answered as `********`. */
  env: z.array(ZStackEnvEntry),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZStackListQuery = z.object({ hostId: z.string().optional() });
export const ZStackList = z.object({ items: z.array(ZStackSummary) });

export const ZStackDeleteQuery = z.object({
  volumes: z.enum(['true', 'false']).optional(),
});

/** One engine call of a plan, as answered to clients. */
export const ZStackPlanStep = z.object({
  id: z.string(),
  after: z.array(z.string()),
  kind: z.string(),
  /** What the step acts on: a network, volume, image or container name. */
  target: z.string(),
  service: z.string().optional(),
  reason: z.string().optional(),
});

export const ZStackPlan = z.object({
  steps: z.array(ZStackPlanStep),
  recreated: z.array(z.object({ service: z.string(), number: z.number(), reason: z.string() })),
});

/** `skipped`: a webhook call recorded that did not redeploy (its branch or tag was not accepted). */
export const ZDeploymentStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']);

export const ZStackDeployment = z.object({
  id: z.string(),
  stackId: z.string(),
  status: ZDeploymentStatus,
  /** `deploy`, `redeploy`, `start`, `stop`, `down`, `delete`. */
  trigger: z.string(),
  triggeredBy: z.string().nullable(),
  plan: ZStackPlan.nullable(),
  /** The step that failed, when one did. */
  failedStep: z.string().nullable(),
  output: z.string(),
  /** The git commit deployed, for a stack from a repository. */
  commit: z.string().nullable(),
  /**
   * The version of the compose file a deploy applied: the first 12 hex digits of its SHA-256, the
   * same for every deployment of the same text. Null for start, stop, down and delete.
   */
  fileVersion: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const ZStackDeploymentList = z.object({ items: z.array(ZStackDeployment) });

/** Progress of one plan step of a stack operation, sent to the user who started it. */
export const ZStackProgress = z.object({
  stackId: z.string(),
  deploymentId: z.string(),
  step: z.string(),
  status: z.enum(['started', 'done', 'failed']),
  message: z.string().optional(),
});

export type TStackEnvEntry = z.infer<typeof ZStackEnvEntry>;
export type TCreateStackRequest = z.infer<typeof ZCreateStackRequest>;
export type TUpdateStackRequest = z.infer<typeof ZUpdateStackRequest>;
export type TStackDeployResponse = z.infer<typeof ZStackDeployResponse>;
export type TStackSource = z.infer<typeof ZStackSource>;
export type TStackStatus = z.infer<typeof ZStackStatus>;
export type TStackSummary = z.infer<typeof ZStackSummary>;
export type TStack = z.infer<typeof ZStack>;
export type TStackListQuery = z.infer<typeof ZStackListQuery>;
export type TStackList = z.infer<typeof ZStackList>;
export type TStackDeleteQuery = z.infer<typeof ZStackDeleteQuery>;
export type TStackPlanStep = z.infer<typeof ZStackPlanStep>;
export type TStackPlan = z.infer<typeof ZStackPlan>;
export type TDeploymentStatus = z.infer<typeof ZDeploymentStatus>;
export type TStackDeployment = z.infer<typeof ZStackDeployment>;
export type TStackDeploymentList = z.infer<typeof ZStackDeploymentList>;
export type TStackProgress = z.infer<typeof ZStackProgress>;
