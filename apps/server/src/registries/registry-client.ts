import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { LRUCache } from 'lru-cache';
import { Agent, fetch, type Response } from 'undici';

/** Where a registry answers and as whom; `password` null for anonymous access. */
export interface RegistryEndpoint {
  /** Host and port, as stored (`registry.example.com:5000`, `docker.io`). */
  host: string;
  insecure: boolean;
  caCert: string | null;
  username: string;
  password: string | null;
}

/** A registry's refusal or a failure to reach it; `message` is the registry's own reason. */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** The registry's HTTP status, or null when it could not be reached. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

const REQUEST_TIMEOUT_MS = 15_000;
/** A token without `expires_in` lasts 60 s (the distribution spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** Tokens are dropped this long before they expire, so none is sent as it runs out. */
const TOKEN_EARLY_MS = 5_000;
const HUB_API = 'registry-1.docker.io';

interface Challenge {
  scheme: 'basic' | 'bearer';
  realm: string;
  service: string | null;
}

/**
 * Bearer tokens by registry, login and scope, kept until shortly before they expire; shared by
 * every client so that browsing a repository asks the token service once.
 */
const TOKENS = new LRUCache<string, string>({ max: 2_000, ttlAutopurge: false });

/**
 * A client of one registry's distribution API (`/v2/`): basic auth, or the bearer-token flow of
 * the `WWW-Authenticate: Bearer realm,service,scope` challenge with tokens cached until they
 * expire. TLS is verified against the system's roots plus the registry's own CA; `insecure` allows
 * unverified TLS and plain HTTP. Loopback registries may answer plain HTTP, as the engine lets
 * them, but a certificate they present is still verified unless the registry is insecure.
 */
export class RegistryClient {
  private readonly agent: Agent;
  private scheme: 'https' | 'http' | null = null;
  private challenge: Challenge | null = null;

  constructor(private readonly endpoint: RegistryEndpoint) {
    this.agent = new Agent({
      connect: {
        rejectUnauthorized: !endpoint.insecure,
        ...(endpoint.caCert ? { ca: [...rootCertificates, endpoint.caCert] } : {}),
      },
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /**
   * Checks that the registry answers its API and accepts the login: `GET /v2/`, then, behind a
   * token challenge, a token for the login (a wrong password is refused there).
   */
  async ping(): Promise<void> {
    const response = await this.request('GET', '/v2/', { scope: null });
    await this.expectOk(response);
  }

  /** One page of the catalog; `next` is the `last` to ask the following page with. */
  async catalog(last: string | null, n: number): Promise<{ names: string[]; next: string | null }> {
    const query = new URLSearchParams({ n: String(n), ...(last ? { last } : {}) });
    const response = await this.request('GET', `/v2/_catalog?${query.toString()}`, {
      scope: 'registry:catalog:*',
    });
    await this.expectOk(response);
    const body = (await response.json()) as { repositories?: string[] | null };
    const names = body.repositories ?? [];
    const link = response.headers.get('link');
    return { names, next: link && names.length > 0 ? names[names.length - 1]! : null };
  }

  /** Every tag of a repository, following the registry's pages. */
  async tags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | null = `/v2/${repository}/tags/list?n=1000`;
    while (path) {
      const response = await this.request('GET', path, { scope: pullScope(repository) });
      await this.expectOk(response);
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      path = nextPage(response.headers.get('link'));
    }
    return tags;
  }

  /** A manifest by tag or digest: its digest, media type, size and parsed body. */
  async manifest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; size: number; body: ManifestBody }> {
    const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, {
      scope: pullScope(repository),
      accept: MANIFEST_TYPES,
    });
    await this.expectOk(response);
    const raw = Buffer.from(await response.arrayBuffer());
    const body = JSON.parse(raw.toString('utf8')) as ManifestBody;
    const digest =
      response.headers.get('docker-content-digest') ??
      `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const mediaType =
      body.mediaType ?? response.headers.get('content-type')?.split(';')[0] ?? 'unknown';
    return { digest, mediaType, size: raw.length, body };
  }

  /**
   * A tag's current digest and media type by a manifest HEAD (Docker Hub does not count it as a
   * pull); a registry that answers HEAD without its digest is asked with a GET.
   */
  async manifestDigest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string }> {
    const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, {
      scope: pullScope(repository),
      accept: MANIFEST_TYPES,
    });
    if (response.status === 404) {
      await response.body?.cancel();
      throw new RegistryError(`the registry has no ${repository}:${reference}`, 404);
    }
    await this.expectOk(response);
    await response.body?.cancel();
    const digest = response.headers.get('docker-content-digest');
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (digest && mediaType) return { digest, mediaType };
    const { digest: got, mediaType: type } = await this.manifest(repository, reference);
    return { digest: got, mediaType: type };
  }

  /** A small JSON blob (an image config). */
  async blobJson(repository: string, digest: string): Promise<unknown> {
    const response = await this.request('GET', `/v2/${repository}/blobs/${digest}`, {
      scope: pullScope(repository),
    });
    await this.expectOk(response);
    return response.json();
  }

  /** Deletes a manifest by digest (registries refuse deleting by tag). */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const response = await this.request('DELETE', `/v2/${repository}/manifests/${digest}`, {
      scope: `repository:${repository}:delete`,
    });
    await this.expectOk(response);
  }

  private async request(
    method: string,
    path: string,
    options: {
      scope: string | null;
      accept?: string;
      body?: Buffer;
      contentType?: string;
    },
  ): Promise<Response> {
    const send = (authorization: string | null) =>
      this.send(
        method,
        path,
        {
          ...(options.accept ? { accept: options.accept } : {}),
          ...(options.contentType ? { 'content-type': options.contentType } : {}),
          ...(authorization ? { authorization } : {}),
        },
        options.body,
      );
    let authorization = this.challenge ? await this.authorization(options.scope) : null;
    let response = await send(authorization);
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      if (!challenge) return response;
      await response.body?.cancel();
      this.challenge = challenge;
      authorization = await this.authorization(options.scope);
      if (!authorization) return send(null);
      response = await send(authorization);
    }
    return response;
  }

  /** The Authorization header for a request of `scope` under the last challenge, if any. */
  private async authorization(scope: string | null): Promise<string | null> {
    const challenge = this.challenge;
    if (!challenge) return null;
    const { username, password } = this.endpoint;
    const basic =
      password !== null
        ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
        : null;
    if (challenge.scheme === 'basic') return basic;
    const login = password === null ? null : createHash('sha256').update(password).digest('hex');
    const key = JSON.stringify([this.endpoint.host, username, login, challenge, scope]);
    const cached = TOKENS.get(key);
    if (cached) return `Bearer ${cached}`;
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    if (scope) url.searchParams.set('scope', scope);
    if (password !== null) url.searchParams.set('account', username);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: basic ? { authorization: basic } : {},
        dispatcher: this.agent,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RegistryError(`the token service ${url.host}: ${reachError(error)}`, null);
    }
    if (!response.ok) {
      throw new RegistryError(
        `the token service refused the login: ${response.status} ${await reasonOf(response)}`,
        response.status,
      );
    }
    const body = (await response.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('the token service answered no token', response.status);
    const ttl = (body.expires_in ?? DEFAULT_TOKEN_SECONDS) * 1000 - TOKEN_EARLY_MS;
    if (ttl > 0) TOKENS.set(key, token, { ttl });
    return `Bearer ${token}`;
  }

  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Response> {
    const schemes: ('https' | 'http')[] = this.scheme
      ? [this.scheme]
      : this.endpoint.insecure || isLoopback(this.endpoint.host)
        ? ['https', 'http']
        : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      try {
        const response = await fetch(`${scheme}://${this.apiHost()}${path}`, {
          method,
          headers,
          ...(body ? { body } : {}),
          dispatcher: this.agent,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        this.scheme = scheme;
        return response;
      } catch (error) {
        lastError = error;
        // A registry that speaks TLS with a certificate that does not verify is not retried
        // over plain HTTP: its certificate is the answer.
        if (isCertificateError(error)) break;
      }
    }
    throw new RegistryError(`${this.endpoint.host}: ${reachError(lastError)}`, null);
  }

  /** Docker Hub's API answers on its own host. */
  private apiHost(): string {
    return this.endpoint.host === 'docker.io' ? HUB_API : this.endpoint.host;
  }

  private async expectOk(response: Response): Promise<void> {
    if (response.ok) return;
    const reason = await reasonOf(response);
    const what =
      response.status === 401
        ? 'the registry refused the login'
        : response.status === 403
          ? 'the registry denied access'
          : 'the registry answered';
    throw new RegistryError(`${what}: ${response.status} ${reason}`, response.status);
  }
}

export interface ManifestBody {
  mediaType?: string;
  schemaVersion?: number;
  config?: { digest: string; mediaType: string; size: number };
  layers?: { digest: string; mediaType: string; size: number }[];
  manifests?: {
    digest: string;
    mediaType: string;
    size: number;
    platform?: { os: string; architecture: string; variant?: string };
  }[];
}

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** `Bearer realm="https://auth",service="registry",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string | null): Challenge | null {
  if (!header) return null;
  const match = /^\s*(Basic|Bearer)\b(.*)$/i.exec(header);
  if (!match) return null;
  const params = new Map<string, string>();
  for (const [, key, quoted, bare] of match[2]!.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params.set(key!.toLowerCase(), quoted ?? bare ?? '');
  }
  const scheme = match[1]!.toLowerCase() as 'basic' | 'bearer';
  const realm = params.get('realm') ?? '';
  if (scheme === 'bearer' && !URL.canParse(realm)) return null;
  return { scheme, realm, service: params.get('service') ?? null };
}

/** The path of a `Link: </v2/…?n=…&last=…>; rel="next"` header. */
function nextPage(link: string | null): string | null {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!match) return null;
  const url = new URL(match[1]!, 'http://registry.invalid');
  return `${url.pathname}${url.search}`;
}

/** The registry's reason from its error body (`{"errors":[{"code","message"}]}`) or its text. */
async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  try {
    const body = JSON.parse(text) as {
      errors?: { code?: string; message?: string }[];
      details?: string;
      error?: string;
      message?: string;
    };
    const first = body.errors?.[0];
    if (first) return [first.code, first.message].filter(Boolean).join(': ');
    const reason = body.details ?? body.error ?? body.message;
    if (reason) return reason;
  } catch {
    // Not JSON: its text, shortened.
  }
  return text.slice(0, 200) || response.statusText;
}

/** Why a registry could not be reached, in the words of the network or TLS layer. */
function reachError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  return code ? `${message} (${code})` : message;
}

function isCertificateError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(cause?.code ?? '') ||
    /certificate/i.test(cause?.message ?? '')
  );
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}
