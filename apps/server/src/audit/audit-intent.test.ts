import { describe, expect, it } from '@jest/globals';
import { AppError } from '../common/app-error.js';
import { decodeIntent, encodeIntent, failedOutcome, settledEntry } from './audit-intent.js';

const actor = { type: 'user' as const, id: 'u1', name: 'ann' };

describe('failedOutcome', () => {
  const transport = (code: string, message = code) => Object.assign(new Error(message), { code });
  const unreachable = (cause: unknown) =>
    new AppError('HOST_UNREACHABLE', 'host a is unreachable', {}, cause);

  it('is unknown when the request may have reached the engine and the answer was lost', () => {
    expect(failedOutcome(unreachable(transport('ECONNRESET', 'socket hang up')))).toBe('unknown');
    expect(failedOutcome(unreachable(transport('EPIPE')))).toBe('unknown');
    expect(failedOutcome(unreachable(transport('UND_ERR_SOCKET', 'other side closed')))).toBe(
      'unknown',
    );
    expect(failedOutcome(unreachable(new Error('socket hang up')))).toBe('unknown');
    expect(failedOutcome(transport('ECONNRESET'))).toBe('unknown');
  });

  it('is failure when the engine answered, or was never reached', () => {
    expect(failedOutcome(unreachable(transport('ECONNREFUSED')))).toBe('failure');
    expect(failedOutcome(unreachable(transport('ENOENT')))).toBe('failure');
    expect(failedOutcome(new AppError('NOT_FOUND', 'no such container'))).toBe('failure');
    const answered = Object.assign(new Error('(HTTP code 500) server error'), {
      statusCode: 500,
      code: 'ECONNRESET',
    });
    expect(failedOutcome(unreachable(answered))).toBe('failure');
    expect(failedOutcome(new Error('anything else'))).toBe('failure');
  });
});

describe('settledEntry', () => {
  it('merges the outcome, status, target and details into the entry as intended', () => {
    const entry = { actor, action: 'container.create' as const, target: 'img', details: { a: 1 } };
    expect(
      settledEntry(entry, { outcome: 'success', status: 201, target: 'web', details: { b: 2 } }),
    ).toEqual({
      actor,
      action: 'container.create',
      outcome: 'success',
      status: 201,
      target: 'web',
      details: { a: 1, b: 2 },
    });
    expect(settledEntry(entry, { outcome: 'failure' })).toMatchObject({
      target: 'img',
      details: { a: 1 },
    });
  });
});

describe('stored intents', () => {
  it('reads back what was written, and nothing that is not an intent', () => {
    const entry = { actor, action: 'container.remove' as const, hostId: 'h', target: 'web' };
    const check = { container: 'abc', exists: false };
    expect(decodeIntent(encodeIntent(entry, check))).toEqual({ entry, check });
    expect(decodeIntent(encodeIntent(entry, undefined))).toEqual({ entry });
    expect(decodeIntent('not json')).toBeNull();
    expect(decodeIntent(JSON.stringify({ entry: { ...entry, action: 'nope' } }))).toBeNull();
  });
});
