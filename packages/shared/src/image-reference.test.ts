import { describe, expect, it } from '@jest/globals';
import { type ImageReference, parseImageReference } from './image-reference.js';

const SHA = 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
const HEX64 = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

/** Input, then what the engine reads: registry host, repository path, tag, digest. */
type Row = [string, string, string, (string | null)?, (string | null)?];

const read = (text: string) => {
  const parsed = parseImageReference(text);
  return parsed.ok ? parsed.reference : parsed;
};
const expected = ([, domain, path, tag = null, digest = null]: Row): ImageReference => ({
  domain,
  path,
  tag,
  digest,
});

describe('parseImageReference: the registry host a reference sends its credentials to', () => {
  const rows: Row[] = [
    // An upper-case first component is a host for current engines, never Docker Hub.
    ['EVIL/x', 'EVIL', 'x'],
    ['Evil/team/app:1', 'Evil', 'team/app', '1'],
    ['Foo/bar', 'Foo', 'bar'],
    ['LOCALDOMAIN/library/debian', 'LOCALDOMAIN', 'library/debian'],
    ['evil/x', 'docker.io', 'evil/x'],
    // localhost, a dot or a port make a host; a single component never does.
    ['localhost/x', 'localhost', 'x'],
    ['localhost:5000/x:1', 'localhost:5000', 'x', '1'],
    ['localhost', 'docker.io', 'library/localhost'],
    ['localhost:5000', 'docker.io', 'library/localhost', '5000'],
    ['example.com', 'docker.io', 'library/example.com'],
    ['x/localhost', 'docker.io', 'x/localhost'],
    ['127.0.0.1:5000/team/app:1.0', '127.0.0.1:5000', 'team/app', '1.0'],
    ['192.168.0.1', 'docker.io', 'library/192.168.0.1'],
    ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80'],
    ['Foo.io:5000/x', 'Foo.io:5000', 'x'],
    ['test:5000/repo', 'test:5000', 'repo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    [
      'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
      'sub-dom1.foo.com',
      'bar/baz/quux',
      'some-long-tag',
    ],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    [
      'b.gcr.io/test.example.com/my-app:test.example.com',
      'b.gcr.io',
      'test.example.com/my-app',
      'test.example.com',
    ],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000', 'docker'],
    ['[2001:db8::1]/repo:tag', '[2001:db8::1]', 'repo', 'tag'],
    // Docker Hub under its names, official images under library/.
    ['busybox', 'docker.io', 'library/busybox'],
    ['docker.io/library/busybox', 'docker.io', 'library/busybox'],
    ['docker.io/busybox:latest', 'docker.io', 'library/busybox', 'latest'],
    ['index.docker.io/x', 'docker.io', 'library/x'],
    ['index.docker.io/docker/docker', 'docker.io', 'docker/docker'],
    ['library/foo/bar', 'docker.io', 'library/foo/bar'],
    ['store/foo/bar', 'docker.io', 'store/foo/bar'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080'],
    // Only the exact spellings are Docker Hub: others are a host of their own.
    ['Docker.io/x', 'Docker.io', 'x'],
    ['INDEX.DOCKER.IO/x', 'INDEX.DOCKER.IO', 'x'],
    ['registry-1.docker.io/library/busybox', 'registry-1.docker.io', 'library/busybox'],
    // A first component with a dot that is no host name: a valid name on no registry.
    ['my_host.com/x', '', 'my_host.com/x'],
    // Tags and digests.
    [`busybox@${SHA}`, 'docker.io', 'library/busybox', null, SHA],
    [`busybox:latest@${SHA}`, 'docker.io', 'library/busybox', 'latest', SHA],
    [`127.0.0.1:5000/app:1@${SHA}`, '127.0.0.1:5000', 'app', '1', SHA],
    [`b@sha512:${'f'.repeat(128)}`, 'docker.io', 'library/b', null, `sha512:${'f'.repeat(128)}`],
    ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase'],
    [`x:${'t'.repeat(128)}`, 'docker.io', 'library/x', 't'.repeat(128)],
    [`docker.io/${HEX64}`, 'docker.io', `library/${HEX64}`],
    [HEX64.slice(1), 'docker.io', `library/${HEX64.slice(1)}`],
    // Path components: runs of dashes, single or double underscores, dots between.
    ['docker---rules/docker', 'docker.io', 'docker---rules/docker'],
    ['dock__er/docker', 'docker.io', 'dock__er/docker'],
    [`example.com/${'a'.repeat(255)}:tag`, 'example.com', 'a'.repeat(255), 'tag'],
    [
      `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
      'docker.io',
      `${'a/'.repeat(127)}a`,
      'tag-puts-this-over-max',
    ],
  ];

  it.each(rows)('%s', (...row) => {
    expect(read(row[0])).toEqual(expected(row));
  });
});

describe('parseImageReference: references the engine refuses', () => {
  const rows: [string, string][] = [
    ['', 'invalid reference format'],
    [
      'docker/Docker',
      'invalid reference format: repository name (docker/Docker) must be lowercase',
    ],
    [
      'docker.io/docker/Docker',
      'invalid reference format: repository name (docker/Docker) must be lowercase',
    ],
    [
      'Uppercase:tag',
      'invalid reference format: repository name (library/Uppercase) must be lowercase',
    ],
    [
      'test:5000/Uppercase/lowercase:tag',
      'invalid reference format: repository name (Uppercase/lowercase) must be lowercase',
    ],

    ['evil/X', 'invalid reference format: repository name (evil/X) must be lowercase'],
    // The Kelvin sign lower-cases to k, so this is "upper case", then not a host name.
    ['\u212A/x', 'repository name must be lowercase'],
    [HEX64, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['-docker', 'invalid reference format'],
    ['-docker.io/docker/docker', 'invalid reference format'],
    ['docker-/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    ['/x', 'invalid reference format'],
    ['____/____', 'invalid reference format'],
    ['dock..er/docker', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['my_host.com:5000/x', 'invalid reference format'],
    ['[fc00::1]', 'invalid reference format'],
    ['[fc00::1]:5000', 'invalid reference format'],
    ['fc00::1:5000/debian', 'invalid reference format'],
    ['[fe80::1%eth0]:5000/debian', 'invalid reference format'],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid reference format'],
    ['aa/asdf$$^/aa', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busybox:-tag', 'invalid reference format'],
    [`x:${'t'.repeat(129)}`, 'invalid reference format'],
    ['busybox\n', 'invalid reference format'],
    [':justtag', 'invalid reference format'],
    [`@${SHA}`, 'invalid reference format'],
    [`domain/${'a'.repeat(256)}:tag`, 'repository name must not be more than 255 characters'],
    [`repo@sha256:${'f'.repeat(34)}`, 'invalid checksum digest length'],
    [`repo@sha256:${'F'.repeat(64)}`, 'invalid checksum digest format'],
    [`repo@md5:${'f'.repeat(32)}`, 'unsupported digest algorithm'],
    [`x:tag@SHA256:${'f'.repeat(64)}`, 'invalid checksum digest format'],
    [`x@sha3.x:${'f'.repeat(64)}`, 'unsupported digest algorithm'],
    [
      `repo@SHA256:${'f'.repeat(64)}`,
      'invalid reference format: repository name (library/repo@SHA256) must be lowercase',
    ],
  ];

  it.each(rows)('%j', (text, error) => {
    expect(parseImageReference(text)).toEqual({ ok: false, error });
  });
});

describe('parseImageReference on hostile input', () => {
  it('answers in linear time', () => {
    // A pattern that backtracks on these would not return before the test's timeout.
    for (const text of [
      `${'a-'.repeat(50_000)}!`,
      `${'a.'.repeat(50_000)}/x!`,
      `${'a/'.repeat(50_000)}!`,
      `x@${'a'.repeat(50_000)}:${'f'.repeat(50_000)}g`,
    ]) {
      expect(parseImageReference(text).ok).toBe(false);
    }
  });
});
