import { createHash } from 'node:crypto';

/** A registry of the test fleet and a login that may push to it. */
export interface UploadTarget {
  address: string;
  username: string;
  password: string;
  /** The token service of a bearer-token registry; absent for basic auth. */
  tokenService?: { url: string; service: string };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const digestOf = (content: Buffer) =>
  `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** An entry of an index: a manifest in the repository and the platform it is for. */
export interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  platform: { os: string; architecture: string };
}

/**
 * Pushes, with the distribution API alone, a multi-arch index under `tag`: two small image
 * manifests (linux/amd64 and linux/arm64, each a config and one layer of a few bytes) and the
 * index over them, the images also tagged `tag-amd64` and `tag-arm64`. Answers the digests.
 */
export async function pushIndex(
  target: UploadTarget,
  repository: string,
  tag: string,
  created: string,
): Promise<{ index: string; images: Record<'amd64' | 'arm64', string> }> {
  const amd64 = await pushTinyImage(target, repository, `${tag}-amd64`, 'amd64', created);
  const arm64 = await pushTinyImage(target, repository, `${tag}-arm64`, 'arm64', created);
  const index = await pushIndexOf(target, repository, tag, [amd64, arm64]);
  return { index, images: { amd64: amd64.digest, arm64: arm64.digest } };
}

/**
 * Pushes a small image manifest for linux/`architecture` under `tag` (a config and one layer of a
 * few bytes: listed and inspected, never run); `created` makes it differ from earlier ones.
 */
export async function pushTinyImage(
  target: UploadTarget,
  repository: string,
  tag: string,
  architecture: string,
  created: string,
): Promise<IndexEntry> {
  const auth = await authorization(target, `repository:${repository}:pull,push`);
  const layer = Buffer.from(`layer of ${architecture} ${repository}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      created,
      rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
      config: {},
    }),
  );
  await putBlob(target, auth, repository, layer);
  await putBlob(target, auth, repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digestOf(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: digestOf(layer),
          size: layer.length,
        },
      ],
    }),
  );
  await putManifest(target, auth, repository, tag, OCI_MANIFEST, manifest);
  return {
    mediaType: OCI_MANIFEST,
    digest: digestOf(manifest),
    size: manifest.length,
    platform: { os: 'linux', architecture },
  };
}

/** Puts an OCI index over manifests already in the repository under `tag`; answers its digest. */
export async function pushIndexOf(
  target: UploadTarget,
  repository: string,
  tag: string,
  entries: readonly IndexEntry[],
): Promise<string> {
  const auth = await authorization(target, `repository:${repository}:pull,push`);
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }),
  );
  await putManifest(target, auth, repository, tag, OCI_INDEX, index);
  return digestOf(index);
}

/** The index entry for a manifest the registry holds under `reference` (e.g. one the engine pushed). */
export async function manifestEntry(
  target: UploadTarget,
  repository: string,
  reference: string,
  architecture: string,
): Promise<IndexEntry> {
  const auth = await authorization(target, `repository:${repository}:pull`);
  const res = await fetch(`http://${target.address}/v2/${repository}/manifests/${reference}`, {
    headers: {
      authorization: auth,
      accept: [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json'].join(', '),
    },
  });
  if (!res.ok) throw new Error(`manifest: ${res.status} ${await res.text()}`);
  const content = Buffer.from(await res.arrayBuffer());
  return {
    mediaType: res.headers.get('content-type') ?? OCI_MANIFEST,
    digest: digestOf(content),
    size: content.length,
    platform: { os: 'linux', architecture },
  };
}

/** The Authorization header for `scope`: basic auth, or a token from the token service. */
async function authorization(target: UploadTarget, scope: string): Promise<string> {
  const basic = `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
  if (!target.tokenService) return basic;
  const url = new URL(target.tokenService.url);
  url.searchParams.set('service', target.tokenService.service);
  url.searchParams.set('scope', scope);
  const res = await fetch(url, { headers: { authorization: basic } });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

async function putBlob(
  target: UploadTarget,
  auth: string,
  repository: string,
  content: Buffer,
): Promise<void> {
  const start = await fetch(`http://${target.address}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: auth },
  });
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location') ?? '', `http://${target.address}`);
  location.searchParams.set('digest', digestOf(content));
  const put = await fetch(location, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/octet-stream' },
    body: content,
  });
  if (put.status !== 201) throw new Error(`upload: ${put.status} ${await put.text()}`);
}

async function putManifest(
  target: UploadTarget,
  auth: string,
  repository: string,
  reference: string,
  mediaType: string,
  content: Buffer,
): Promise<void> {
  const res = await fetch(`http://${target.address}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': mediaType },
    body: content,
  });
  if (res.status !== 201) throw new Error(`manifest: ${res.status} ${await res.text()}`);
}
