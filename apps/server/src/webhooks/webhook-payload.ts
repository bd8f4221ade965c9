/** What a webhook call says, read from the payloads of the services that send them. */
export interface WebhookPayload {
  /** Who sent it, as far as the payload and headers tell. */
  source: 'github' | 'gitlab' | 'gitea' | 'docker-hub' | 'registry' | 'unknown';
  /** The branches and tags it names (`refs/heads/main` → `main`). */
  refs: string[];
  /** False for a registry notification without a push (pulls, deletes): nothing to redeploy. */
  push: boolean;
  /** The commit a git push moved to, when it names one. */
  commit?: string;
  /** One line for the history and the audit log: source, event, repository, refs. */
  summary: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 200) : undefined;

/** `refs/heads/main` and `refs/tags/v1` → `main` and `v1`; anything else as it is. */
function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

/**
 * Reads a call's body (JSON of GitHub, Gitea, GitLab, Docker Hub or a distribution registry's
 * notifications; anything else is `unknown`) and its event headers. Never throws.
 */
export function readWebhookPayload(
  body: Buffer,
  headers: { event?: string; gitlabEvent?: string; giteaEvent?: string; contentType?: string },
): WebhookPayload {
  const json = parsed(body, headers.contentType);
  if (!isObject(json)) {
    return { source: 'unknown', refs: [], push: true, summary: `call of ${body.length} bytes` };
  }
  if (Array.isArray(json.events)) return registryNotification(json.events);
  if (isObject(json.push_data)) {
    const tag = text(json.push_data.tag);
    const repo = isObject(json.repository) ? text(json.repository.repo_name) : undefined;
    return {
      source: 'docker-hub',
      refs: tag ? [tag] : [],
      push: true,
      summary: `docker-hub push ${repo ?? '?'}:${tag ?? '?'}`,
    };
  }
  const ref = text(json.ref);
  const source =
    headers.gitlabEvent || typeof json.object_kind === 'string'
      ? 'gitlab'
      : headers.giteaEvent
        ? 'gitea'
        : headers.event || ref
          ? 'github'
          : 'unknown';
  const repository = isObject(json.repository)
    ? (text(json.repository.full_name) ??
      text(json.repository.path_with_namespace) ??
      text(json.repository.name))
    : isObject(json.project)
      ? text(json.project.path_with_namespace)
      : undefined;
  const commit = text(json.after) ?? text(json.checkout_sha);
  const event =
    headers.event ?? headers.giteaEvent ?? headers.gitlabEvent ?? text(json.object_kind);
  const parts = [source, event ?? 'call', repository, ref, commit?.slice(0, 12)];
  return {
    source,
    refs: ref ? [refName(ref)] : [],
    push: true,
    ...(commit ? { commit } : {}),
    summary: parts.filter(Boolean).join(' '),
  };
}

/**
 * The body's JSON, or undefined when it holds none. GitHub's `application/x-www-form-urlencoded`
 * content type sends the JSON as the form's one `payload` field; a form with it twice is
 * unreadable rather than read one way here and another elsewhere.
 */
function parsed(body: Buffer, contentType: string | undefined): unknown {
  let text = body.toString('utf8');
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    const payloads = new URLSearchParams(text).getAll('payload');
    if (payloads.length > 1) return undefined;
    if (payloads.length === 1) text = payloads[0]!;
  }
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A distribution registry's envelope: only `push` events of a tagged manifest count. */
function registryNotification(events: unknown[]): WebhookPayload {
  const pushed: string[] = [];
  const tags = new Set<string>();
  let others = 0;
  for (const event of events) {
    if (!isObject(event) || !isObject(event.target)) continue;
    const tag = text(event.target.tag);
    if (event.action === 'push' && tag) {
      tags.add(tag);
      pushed.push(`${text(event.target.repository) ?? '?'}:${tag}`);
    } else {
      others += 1;
    }
  }
  const summary = pushed.length
    ? `registry push ${[...new Set(pushed)].join(', ')}`
    : `registry notification without a tag push (${others} other events)`;
  return { source: 'registry', refs: [...tags], push: pushed.length > 0, summary };
}

/**
 * Whether a call passes a webhook's branch or tag filter; the reason it does not, else undefined.
 */
export function refusal(payload: WebhookPayload, accepted: string[]): string | undefined {
  if (!payload.push) return 'the registry notification has no tag push';
  if (accepted.length === 0) return undefined;
  if (payload.refs.length === 0) {
    return `the call names no branch or tag (accepted: ${accepted.join(', ')})`;
  }
  if (payload.refs.some((ref) => accepted.includes(ref))) return undefined;
  return `${payload.refs.join(', ')} is not accepted (accepted: ${accepted.join(', ')})`;
}
