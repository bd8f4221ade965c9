import type { ErrorBody, TWebhookAnswer } from '@berth/shared';

export interface WebhookReply<T = TWebhookAnswer> {
  status: number;
  body: T & ErrorBody;
  headers: Headers;
}

/** POSTs `body` (sent as it is, so a signature over it holds) to a webhook URL, as JSON. */
export async function callWebhook<T = TWebhookAnswer>(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<WebhookReply<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as WebhookReply<T>['body'],
    headers: res.headers,
  };
}
