import { describe, expect, it } from '@jest/globals';
import { normaliseRegistryAddress, registryOfImage } from './registry-address.js';

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
