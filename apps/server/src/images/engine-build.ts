import type { Readable } from 'node:stream';
import type { EngineClient } from '../docker/engine-client.js';
import type { RegistryCaller } from '../registries/registry-credentials.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { authConfigOf, encodeAuthHeader } from '../registries/registry-auth-header.js';
import { type BuildEnd, followBuildLog } from './build-log.js';

/** Docker Hub's key in a build's registry config, as the engine looks it up. */
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
/** Once the context is sent, the engine's first answer has this long. */
const BUILD_ANSWER_TIMEOUT_MS = 60_000;

/** What an engine build is asked for, besides its context. */
export interface EngineBuildRequest {
  tags: string[];
  dockerfile: string;
  target?: string | undefined;
  buildArgs?: Record<string, string> | undefined;
  noCache?: boolean | undefined;
  /** Labels the image gets. */
  labels?: Record<string, string>;
}

/**
 * Sends a build context to the engine (`POST /build`, the legacy builder) and follows its log to
 * the end, each text line passed on. Rejects only when the engine refuses the build before it
 * starts; a failed step ends with `error` and the step it failed at.
 */
export async function runEngineBuild(
  client: EngineClient,
  request: EngineBuildRequest,
  headers: Record<string, string>,
  context: Readable,
  line: (text: string) => void,
): Promise<BuildEnd> {
  const stream = await client.stream({
    method: 'POST',
    path: `/build?${buildQuery(request)}`,
    headers: { 'content-type': 'application/x-tar', ...headers },
    upload: context,
    timeoutMs: BUILD_ANSWER_TIMEOUT_MS,
  });
  return followBuildLog(stream, line);
}

/** Every stored login the caller may use on the host, as the `X-Registry-Config` header. */
export async function buildRegistryHeaders(
  credentials: RegistryCredentialsService,
  caller: RegistryCaller,
  hostId: string,
): Promise<Record<string, string>> {
  const logins = await credentials.forBuild(caller, hostId);
  if (logins.length === 0) return {};
  const config: Record<string, unknown> = {};
  for (const login of logins) {
    const key = login.serverAddress === 'docker.io' ? DOCKER_HUB_CONFIG_KEY : login.serverAddress;
    config[key] ??= authConfigOf(login);
  }
  return { 'x-registry-config': encodeAuthHeader(config) };
}

function buildQuery(request: EngineBuildRequest): string {
  const query = new URLSearchParams();
  for (const tag of request.tags) query.append('t', tag);
  query.set('dockerfile', request.dockerfile);
  if (request.target) query.set('target', request.target);
  if (request.buildArgs) query.set('buildargs', JSON.stringify(request.buildArgs));
  if (request.labels) query.set('labels', JSON.stringify(request.labels));
  if (request.noCache) query.set('nocache', 'true');
  // Intermediate containers go, whether the build works or not.
  query.set('rm', 'true');
  query.set('forcerm', 'true');
  return query.toString();
}
