import { describe, expect, it } from '@jest/globals';
import type { ManifestBody } from '../registries/registry-client.js';
import { entryFor } from './registry-comparison.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function index(
  ...platforms: { os: string; architecture: string; variant?: string }[]
): ManifestBody {
  return {
    manifests: platforms.map((platform, n) => ({
      mediaType: MANIFEST,
      digest: `sha256:${n}`,
      size: 1,
      platform,
    })),
  };
}

describe('the index entry the engine would pull for a platform', () => {
  it('is the one of the same os and architecture, never an attestation', () => {
    const body = index(
      { os: 'unknown', architecture: 'unknown' },
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'amd64' },
    );
    expect(entryFor(body, { os: 'linux', architecture: 'amd64' })?.digest).toBe('sha256:2');
    expect(entryFor(body, { os: 'windows', architecture: 'amd64' })).toBeNull();
  });

  it('prefers the same variant and takes one without a variant otherwise', () => {
    const body = index(
      { os: 'linux', architecture: 'arm', variant: 'v6' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    );
    const v7 = { os: 'linux', architecture: 'arm', variant: 'v7' };
    expect(entryFor(body, v7)?.digest).toBe('sha256:1');
    expect(entryFor(index({ os: 'linux', architecture: 'arm' }), v7)?.digest).toBe('sha256:0');
    expect(entryFor(body, { os: 'linux', architecture: 'arm', variant: 'v8' })).toBeNull();
  });
});
