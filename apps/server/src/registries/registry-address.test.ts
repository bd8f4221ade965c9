import { describe, expect, it } from '@jest/globals';
import { matchRegistry, normaliseRegistryAddress, registryOfImage } from './registry-address.js';

describe('registryOfImage', () => {
  it.each([
    ['EVIL/x', 'evil'],
    ['EVIL/team/app:1', 'evil'],
    ['evil/x', 'docker.io'],
    ['busybox', 'docker.io'],
    ['localhost', 'docker.io'],
    ['localhost:5000', 'docker.io'],
    ['localhost/x', 'localhost'],
    ['localhost:5000/x', 'localhost:5000'],
    ['127.0.0.1:5000/team/app:1.0', '127.0.0.1:5000'],
    ['docker.io/library/busybox', 'docker.io'],
    ['index.docker.io/x', 'docker.io'],
    ['registry-1.docker.io/library/busybox', 'docker.io'],
    [`busybox@sha256:${'a'.repeat(64)}`, 'docker.io'],
    [`ghcr.io/team/app:2@sha256:${'a'.repeat(64)}`, 'ghcr.io'],
    ['Foo.io:5000/x', 'foo.io:5000'],
    ['[FC00::1]:5000/x', '[fc00::1]:5000'],
  ])('%s is pulled from %s', (image, registry) => {
    expect(registryOfImage(image)).toBe(registry);
  });

  it.each([
    'docker/Docker',
    'evil.example/App',
    `busybox@sha256:${'a'.repeat(10)}`,
    'a'.repeat(64),
    'my_host.com/x',
    'https://evil.example/x',
    '',
  ])('%j gets no registry', (image) => {
    expect(registryOfImage(image)).toBeNull();
  });
});

describe('normaliseRegistryAddress', () => {
  it('keeps the host and port, lower case, and names Docker Hub one way', () => {
    expect(normaliseRegistryAddress(' https://Registry.example.com:5000/v2/ ')).toBe(
      'registry.example.com:5000',
    );
    expect(normaliseRegistryAddress('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normaliseRegistryAddress('registry.hub.docker.com')).toBe('docker.io');
  });
});

describe('matchRegistry', () => {
  const stored = [
    { serverAddress: 'ghcr.io' },
    { serverAddress: 'ghcr.io/team' },
    { serverAddress: 'ghcr.io/team/sub' },
    { serverAddress: 'docker.io' },
    { serverAddress: 'docker.io/acme' },
    { serverAddress: '127.0.0.1:5000' },
  ];
  it.each([
    ['ghcr.io/team/app:1', 'ghcr.io/team'],
    ['ghcr.io/team/sub/app', 'ghcr.io/team/sub'],
    ['ghcr.io/teamx/app', 'ghcr.io'],
    ['ghcr.io/team', 'ghcr.io/team'],
    ['busybox', 'docker.io'],
    ['acme/app', 'docker.io/acme'],
    ['index.docker.io/acme/app', 'docker.io/acme'],
    ['registry-1.docker.io/library/busybox', 'docker.io'],
    ['127.0.0.1:5000/x/y:1', '127.0.0.1:5000'],
  ])('%s uses the login stored for %s', (image, address) => {
    expect(matchRegistry(stored, image)?.serverAddress).toBe(address);
  });

  it.each(['quay.io/team/app', 'not a reference', '127.0.0.1:5001/x'])('%s uses none', (image) => {
    expect(matchRegistry(stored, image)).toBeNull();
  });
});

describe('normaliseRegistryAddress with a path prefix', () => {
  it('keeps the prefix and drops the API version', () => {
    expect(normaliseRegistryAddress('https://ghcr.io/team/')).toBe('ghcr.io/team');
    expect(normaliseRegistryAddress('https://index.docker.io/acme')).toBe('docker.io/acme');
    expect(normaliseRegistryAddress('registry.example.com/v2')).toBe('registry.example.com');
  });
});
