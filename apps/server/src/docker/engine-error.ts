import { HostKeyMismatchError } from './ssh-host-key.js';

/**
 * What went wrong with an engine call, as the callers act on it. The first five are answers the
 * engine gave (with its status); the others are transport failures (no status).
 */
export type EngineErrorKind =
  | 'not_modified'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'engine'
  | 'auth'
  | 'tls'
  | 'host_key_mismatch'
  | 'unreachable';

/** The engine failures dockerode, node's http client, undici and the SSH client throw, as read here. */
interface RawFailure {
  statusCode?: unknown;
  json?: { message?: unknown } | null;
  message?: unknown;
  code?: unknown;
  level?: unknown;
}

/**
 * The one error type of engine calls. `reason` is meant for people: the engine's own message for
 * answers it gave (`No such container: x`), or what failed on the way (`connection refused`,
 * `tls: CERT_HAS_EXPIRED`). `status` is the engine's HTTP status, null when it never answered.
 */
export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    readonly reason: string,
    readonly status: number | null,
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
    this.name = 'EngineError';
  }

  /** An engine answer with an error status and the engine's message. */
  static answered(status: number, message: string): EngineError {
    return new EngineError(kindOfStatus(status), message || `engine answered ${status}`, status);
  }

  /** Classifies whatever an engine call threw; an EngineError is returned as it is. */
  static from(error: unknown): EngineError {
    if (error instanceof EngineError) return error;
    const e = (typeof error === 'object' && error !== null ? error : {}) as RawFailure;
    if (typeof e.statusCode === 'number') {
      return new EngineError(
        kindOfStatus(e.statusCode),
        messageOf(error),
        e.statusCode,
        undefined,
        {
          cause: error,
        },
      );
    }
    const code = typeof e.code === 'string' ? e.code : '';
    const [kind, reason] = transportFailure(error, code);
    return new EngineError(kind, reason, null, code || undefined, { cause: error });
  }
}

function kindOfStatus(status: number): EngineErrorKind {
  if (status === 304) return 'not_modified';
  if (status === 400) return 'bad_request';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  return 'engine';
}

/** The engine's own message; dockerode prefixes "(HTTP code 409) unexpected - " before it. */
function messageOf(error: unknown): string {
  const e = error as RawFailure;
  if (typeof e.json?.message === 'string') return e.json.message;
  const message = typeof e.message === 'string' ? e.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();
}

/** A failure before any answer, with a reason a person can act on. */
function transportFailure(error: unknown, code: string): [EngineErrorKind, string] {
  const message =
    typeof (error as RawFailure).message === 'string'
      ? ((error as RawFailure).message as string)
      : String(error);
  if (error instanceof HostKeyMismatchError) return ['host_key_mismatch', message];
  if ((error as RawFailure).level === 'client-authentication') {
    return ['auth', 'the engine refused the credentials'];
  }
  if (
    /authentication methods failed|permission denied \(publickey|bad passphrase|encrypted private key/i.test(
      message,
    )
  ) {
    return ['auth', `ssh: ${message}`];
  }
  if (
    /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|EPROTO)/.test(code) ||
    /certificate|ssl|tls/i.test(message)
  ) {
    return ['tls', `tls: ${code || message}`];
  }
  switch (code) {
    case 'ENOENT':
      return ['unreachable', 'the socket does not exist'];
    case 'EACCES':
      return ['auth', 'no permission to open the socket'];
    case 'ECONNREFUSED':
      return ['unreachable', 'connection refused'];
    case 'ETIMEDOUT':
    case 'DEADLINE':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return ['unreachable', 'no answer in time'];
    case 'UND_ERR_SOCKET':
      return ['unreachable', 'the engine closed the connection'];
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return ['unreachable', 'the connection to this host was closed'];
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return ['unreachable', 'host unreachable'];
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ['unreachable', 'host name not found'];
    default:
      return ['unreachable', code ? `${code}: ${message}` : message];
  }
}
