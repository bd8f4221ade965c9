import { z } from 'zod';

export const ZCreateStackWebhookRequest = z.object({
  /**
   * When set, calls must be signed with it: `X-Hub-Signature-256` (HMAC-SHA256 of the body,
   * GitHub and Gitea style) or `X-Gitlab-Token` equal to it.
   */
  secret: z.string().min(8).max(256).optional(),
  /** Pull the stack's images before redeploying, so a newer image with the same tag is used. */
  pullImages: z.boolean().default(false),
});

/** The webhook's URL, carrying its token: answered only when it is created or rotated. */
export const ZStackWebhookUrl = z.object({ id: z.string(), url: z.string() });

export const ZStackWebhook = z.object({
  id: z.string(),
  stackId: z.string(),
  signed: z.boolean(),
  pullImages: z.boolean(),
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

export type TCreateStackWebhookRequest = z.infer<typeof ZCreateStackWebhookRequest>;
export type TStackWebhookUrl = z.infer<typeof ZStackWebhookUrl>;
export type TStackWebhook = z.infer<typeof ZStackWebhook>;
export type TStackWebhookList = z.infer<typeof ZStackWebhookList>;
export type TStackWebhookTriggered = z.infer<typeof ZStackWebhookTriggered>;
