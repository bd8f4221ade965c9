import { z } from 'zod';

/** A branch or tag name a webhook accepts (`main`, `v1.2`, `latest`). */
const ZWebhookRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s~^:?*[\\]+$/, 'a branch or tag name');

/** What every webhook (of a stack, a container or a service) may be given. */
export const ZWebhookOptions = z.object({
  /**
   * When set, calls must be signed with it: `X-Hub-Signature-256` (HMAC-SHA256 of the body,
   * GitHub and Gitea style) or `X-Gitlab-Token` equal to it.
   */
  secret: z.string().min(8).max(256).optional(),
  /**
   * Accept only calls naming one of these branches or tags (GitHub, GitLab and Gitea pushes, Docker
   * Hub and registry notifications); other calls are recorded as skipped. Empty: every call.
   */
  refs: z.array(ZWebhookRef).max(20).default([]),
  /** Calls accepted per minute; more are answered 429 with Retry-After. */
  rateLimit: z.number().int().min(1).max(600).default(30),
});

export const ZCreateStackWebhookRequest = ZWebhookOptions.extend({
  /** Pull the stack's images before redeploying, so a newer image with the same tag is used. */
  pullImages: z.boolean().default(false),
  /** Redeploy only these services (and what they need to start). Empty: the whole stack. */
  services: z.array(z.string().min(1).max(255)).max(100).default([]),
});

/** The webhook's URL, carrying its token: answered only when it is created or rotated. */
export const ZStackWebhookUrl = z.object({ id: z.string(), url: z.string() });

export const ZStackWebhook = z.object({
  id: z.string(),
  stackId: z.string(),
  signed: z.boolean(),
  pullImages: z.boolean(),
  refs: z.array(z.string()),
  services: z.array(z.string()),
  rateLimit: z.number(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  lastCalledAt: z.string().nullable(),
});

export const ZStackWebhookList = z.object({ items: z.array(ZStackWebhook) });

/** A trigger's answer: the redeploy it started, or the queued one it joined. */
export const ZStackWebhookTriggered = z.object({
  stackId: z.string(),
  deploymentId: z.string(),
  status: z.enum(['running', 'queued']),
});

/** A trigger of a container webhook: the recreate it started, or the one queued after it. */
export const ZContainerWebhookTriggered = z.object({
  container: z.string(),
  status: z.enum(['running', 'queued']),
});

/** A trigger of a service webhook: the forced update it started, or the one queued after it. */
export const ZServiceWebhookTriggered = z.object({
  service: z.string(),
  status: z.enum(['running', 'queued']),
});

/** A call that was accepted but changes nothing: its branch or tag is not one the webhook takes. */
export const ZWebhookSkipped = z.object({
  status: z.literal('skipped'),
  reason: z.string(),
  /** The history entry of a stack that records the skipped call. */
  deploymentId: z.string().optional(),
});

export const ZWebhookAnswer = z.union([
  ZStackWebhookTriggered,
  ZContainerWebhookTriggered,
  ZServiceWebhookTriggered,
  ZWebhookSkipped,
]);

export const ZCreateContainerWebhookRequest = ZWebhookOptions.extend({
  /** Pull the container's image before recreating it, so a newer image with its tag is used. */
  pullImage: z.boolean().default(true),
});

export const ZContainerWebhook = z.object({
  id: z.string(),
  hostId: z.string(),
  container: z.string(),
  signed: z.boolean(),
  pullImage: z.boolean(),
  refs: z.array(z.string()),
  rateLimit: z.number(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  lastCalledAt: z.string().nullable(),
});

export const ZContainerWebhookList = z.object({ items: z.array(ZContainerWebhook) });

export type TCreateStackWebhookRequest = z.infer<typeof ZCreateStackWebhookRequest>;
export type TStackWebhookUrl = z.infer<typeof ZStackWebhookUrl>;
export type TStackWebhook = z.infer<typeof ZStackWebhook>;
export type TStackWebhookList = z.infer<typeof ZStackWebhookList>;
export type TStackWebhookTriggered = z.infer<typeof ZStackWebhookTriggered>;
export type TContainerWebhookTriggered = z.infer<typeof ZContainerWebhookTriggered>;
export type TServiceWebhookTriggered = z.infer<typeof ZServiceWebhookTriggered>;
export type TWebhookSkipped = z.infer<typeof ZWebhookSkipped>;
export type TWebhookAnswer = z.infer<typeof ZWebhookAnswer>;
export type TCreateContainerWebhookRequest = z.infer<typeof ZCreateContainerWebhookRequest>;
export type TContainerWebhook = z.infer<typeof ZContainerWebhook>;
export type TContainerWebhookList = z.infer<typeof ZContainerWebhookList>;
