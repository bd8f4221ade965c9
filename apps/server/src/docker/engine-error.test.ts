import { describe, expect, it } from '@jest/globals';
import { AppError } from '../common/app-error.js';
import { engineError } from '../containers/engine-error.js';
import { hostStatusOf } from '../hosts/engine-probe.js';
import { EngineError } from './engine-error.js';
import { HostKeyMismatchError } from './ssh-host-key.js';

/** What dockerode throws for an answer the engine gave. */
function answered(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), {
    statusCode,
    json: { message },
  });
}

function transport(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('EngineError.from', () => {
  it.each([
    [304, 'not_modified'],
    [400, 'bad_request'],
    [401, 'auth'],
    [404, 'not_found'],
    [409, 'conflict'],
    [500, 'engine'],
  ] as const)(
    'classifies an answer with status %i as %s, with the engine message',
    (status, kind) => {
      const error = EngineError.from(answered(status, 'No such container: x'));
      expect(error).toMatchObject({ kind, status, reason: 'No such container: x' });
    },
  );

  it('takes the engine message out of dockerode text when there is no JSON body', () => {
    const raw = Object.assign(new Error('(HTTP code 409) unexpected - name in use'), {
      statusCode: 409,
    });
    expect(EngineError.from(raw)).toMatchObject({ kind: 'conflict', reason: 'name in use' });
  });

  it.each([
    [transport('ECONNREFUSED'), 'unreachable', 'connection refused'],
    [transport('ENOENT'), 'unreachable', 'the socket does not exist'],
    [transport('ETIMEDOUT'), 'unreachable', 'no answer in time'],
    [transport('UND_ERR_CONNECT_TIMEOUT'), 'unreachable', 'no answer in time'],
    [
      transport('UND_ERR_SOCKET', 'other side closed'),
      'unreachable',
      'the engine closed the connection',
    ],
    [transport('UND_ERR_DESTROYED'), 'unreachable', 'the connection to this host was closed'],
    [transport('EACCES'), 'auth', 'no permission to open the socket'],
    [transport('CERT_HAS_EXPIRED', 'certificate has expired'), 'tls', 'tls: CERT_HAS_EXPIRED'],
    [
      Object.assign(new Error('All configured authentication methods failed'), {
        level: 'client-authentication',
      }),
      'auth',
      'the engine refused the credentials',
    ],
    [new HostKeyMismatchError('SHA256:a', 'SHA256:b'), 'host_key_mismatch', undefined],
  ] as const)('classifies a transport failure %#', (raw, kind, reason) => {
    const error = EngineError.from(raw);
    expect(error.kind).toBe(kind);
    expect(error.status).toBeNull();
    if (reason) expect(error.reason).toBe(reason);
  });

  it('returns an EngineError as it is', () => {
    const error = EngineError.answered(404, 'gone');
    expect(EngineError.from(error)).toBe(error);
  });
});

describe('engineError (REST) and hostStatusOf (probe) read the same classification', () => {
  it.each([
    [
      answered(404, 'No such container: x'),
      'NOT_FOUND',
      'container not found: No such container: x',
    ],
    [answered(409, 'in use'), 'CONFLICT', 'in use'],
    [answered(400, 'bad'), 'VALIDATION_FAILED', 'bad'],
    [answered(500, 'boom'), 'ENGINE_ERROR', 'the engine failed: boom'],
    [transport('ECONNREFUSED'), 'HOST_UNREACHABLE', 'host h is unreachable: connection refused'],
    [transport('EPROTO', 'x'), 'HOST_UNREACHABLE', 'host h is unreachable: tls: EPROTO'],
  ] as const)('answers %#', (raw, code, message) => {
    const error = engineError(raw, 'container', 'h');
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, message });
  });

  it('gives the probe the host status each failure means', () => {
    expect(hostStatusOf(EngineError.from(transport('ECONNREFUSED')))).toEqual({
      status: 'down',
      error: 'connection refused',
    });
    expect(hostStatusOf(EngineError.from(answered(401, 'no')))).toEqual({
      status: 'unauthorized',
      error: 'the engine refused the credentials',
    });
    expect(hostStatusOf(EngineError.from(transport('ERR_TLS_CERT_ALTNAME_INVALID')))).toMatchObject(
      { status: 'tls_error' },
    );
  });
});
