import { describe, expect, it } from '@jest/globals';
import { readWebhookPayload, refusal } from './webhook-payload.js';

const read = (body: unknown, headers: Parameters<typeof readWebhookPayload>[1] = {}) =>
  readWebhookPayload(Buffer.from(JSON.stringify(body)), headers);

describe('readWebhookPayload', () => {
  it('reads a GitHub or Gitea push: branch, tag, repository, commit', () => {
    const push = read(
      { ref: 'refs/heads/main', after: 'abcdef0123456789', repository: { full_name: 'o/r' } },
      { event: 'push' },
    );
    expect(push).toEqual({
      source: 'github',
      refs: ['main'],
      push: true,
      commit: 'abcdef0123456789',
      summary: 'github push o/r refs/heads/main abcdef012345',
    });
    expect(read({ ref: 'refs/tags/v1.2' }, { giteaEvent: 'push' })).toMatchObject({
      source: 'gitea',
      refs: ['v1.2'],
    });
  });

  it('reads a GitLab push, a Docker Hub push and a registry notification', () => {
    expect(
      read({ object_kind: 'push', ref: 'refs/heads/dev', project: { path_with_namespace: 'g/p' } }),
    ).toMatchObject({ source: 'gitlab', refs: ['dev'], summary: 'gitlab push g/p refs/heads/dev' });
    expect(read({ push_data: { tag: '1.0' }, repository: { repo_name: 'o/r' } })).toEqual({
      source: 'docker-hub',
      refs: ['1.0'],
      push: true,
      summary: 'docker-hub push o/r:1.0',
    });
    const registry = read({
      events: [
        { action: 'push', target: { repository: 'team/app', tag: 'latest' } },
        { action: 'push', target: { repository: 'team/app', mediaType: 'layer' } },
        { action: 'pull', target: { repository: 'team/app', tag: 'old' } },
      ],
    });
    expect(registry).toEqual({
      source: 'registry',
      refs: ['latest'],
      push: true,
      summary: 'registry push team/app:latest',
    });
  });

  it('never throws on a body that is not JSON, and says its size', () => {
    expect(readWebhookPayload(Buffer.from('not json'), {})).toEqual({
      source: 'unknown',
      refs: [],
      push: true,
      summary: 'call of 8 bytes',
    });
  });
});

describe('refusal', () => {
  const github = read({ ref: 'refs/heads/dev' });
  it('lets every call through a webhook without refs, and an accepted ref through one with', () => {
    expect(refusal(github, [])).toBeUndefined();
    expect(refusal(github, ['main', 'dev'])).toBeUndefined();
  });
  it('names the ref that is not accepted, or that the call names none', () => {
    expect(refusal(github, ['main'])).toBe('dev is not accepted (accepted: main)');
    expect(refusal(read({}), ['main'])).toBe('the call names no branch or tag (accepted: main)');
  });
  it('skips a registry notification without a tag push, even with no refs', () => {
    const pull = read({ events: [{ action: 'pull', target: { repository: 'a', tag: 'b' } }] });
    expect(refusal(pull, [])).toBe('the registry notification has no tag push');
  });

  it("reads GitHub's form encoding: the JSON in the one payload field", () => {
    const form = (text: string) =>
      readWebhookPayload(Buffer.from(text), {
        event: 'push',
        contentType: 'application/x-www-form-urlencoded',
      });
    const json = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'o/r' } });
    expect(form(`payload=${encodeURIComponent(json)}`)).toMatchObject({
      source: 'github',
      refs: ['main'],
    });
    // Given twice, it is read neither way.
    const other = encodeURIComponent(JSON.stringify({ ref: 'refs/heads/other' }));
    expect(form(`payload=${other}&payload=${encodeURIComponent(json)}`)).toMatchObject({
      source: 'unknown',
      refs: [],
    });
    // A JSON body sent with the form's type, as curl -d does, is still read.
    expect(form(json)).toMatchObject({ refs: ['main'] });
  });
});
