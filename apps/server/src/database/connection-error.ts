/**
 * How a database call failed for want of a connection: `lost` when the connection it ran on went
 * away (terminated by the server, reset, closed), so the same call on a new connection may well
 * succeed; `unreachable` when no connection could be made (refused, not accepting connections,
 * too many, timed out, the database gone). Anything else is a problem with the call itself.
 */
export type ConnectionFailure = 'lost' | 'unreachable';

/** What the driver adapters map a driver error to (`DriverAdapterError.cause`). */
interface AdapterCause {
  kind?: string;
  /** The driver's own code: a PostgreSQL SQLSTATE, or SQLite's SQLITE_… name. */
  originalCode?: string;
  /** Kind `postgres` (an error Prisma has no code for) carries the SQLSTATE and severity here. */
  code?: string;
  severity?: string;
}

interface ThrownShape {
  name?: string;
  code?: unknown;
  message?: unknown;
  cause?: AdapterCause;
  meta?: { driverAdapterError?: { cause?: AdapterCause } };
}

/**
 * Sorts what Prisma 6.19 with its pg and better-sqlite3 adapters throws. Three shapes reach us:
 * - `PrismaClientKnownRequestError` for the adapter errors Prisma has a code for (P1001 refused,
 *   P1017 reset, P2037 too many connections, P2010 for any failed raw query), with the adapter's
 *   error in `meta.driverAdapterError`;
 * - the adapter's `DriverAdapterError` itself for PostgreSQL errors Prisma has no code for, such
 *   as 57P01 (`pg_terminate_backend`, admin shutdown), with the mapped error as `cause`;
 * - pg's own errors, which the adapter passes on unmapped: "Connection terminated unexpectedly"
 *   (the server closed a connection without a word), the pool's "timeout exceeded when trying to
 *   connect", and socket errors it does not map (EPIPE), which Prisma turns into a known request
 *   error whose code is the errno name.
 * SQLITE_BUSY is mapped by the SQLite adapter to the same kind as a socket timeout (P1008); it is
 * a lock wait that ran out, not a connection problem, and is left alone.
 */
export function connectionFailureOf(error: unknown): ConnectionFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const thrown = error as ThrownShape;
  const cause =
    thrown.name === 'DriverAdapterError' ? thrown.cause : thrown.meta?.driverAdapterError?.cause;
  if (cause) return fromAdapter(cause);
  if (typeof thrown.code === 'string') {
    const failure = fromSocket(thrown.code) ?? fromSqlite(thrown.code);
    if (failure) return failure;
  }
  return typeof thrown.message === 'string' ? fromPgMessage(thrown.message) : null;
}

function fromAdapter(cause: AdapterCause): ConnectionFailure | null {
  switch (cause.kind ?? '') {
    case 'ConnectionClosed':
      return 'lost';
    case 'DatabaseNotReachable':
    case 'TooManyConnections':
    case 'DatabaseDoesNotExist':
      return 'unreachable';
    case 'SocketTimeout':
      return cause.originalCode?.startsWith('SQLITE_') ? null : 'unreachable';
    case 'postgres':
      return fromSqlState(cause.code ?? '', cause.severity ?? '');
    default:
      return null;
  }
}

/**
 * PostgreSQL's connection errors: class 08 (connection exception), 57P01-57P03 (the server shuts
 * down, crashed, or is still starting) and any FATAL error, which ends the session it came on.
 */
function fromSqlState(code: string, severity: string): ConnectionFailure | null {
  if (code === '08001' || code === '08004' || code === '57P03') return 'unreachable';
  if (code.startsWith('08') || code === '57P01' || code === '57P02') return 'lost';
  // At connection time (e.g. 55000, a database not accepting connections) nothing was lost yet.
  if (severity === 'FATAL' || severity === 'PANIC') return 'unreachable';
  return null;
}

const LOST_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function fromSocket(code: string): ConnectionFailure | null {
  if (LOST_SOCKET.has(code)) return 'lost';
  if (UNREACHABLE_SOCKET.has(code)) return 'unreachable';
  return null;
}

/** The database file cannot be opened or read: SQLite's nearest thing to an unreachable server. */
function fromSqlite(code: string): ConnectionFailure | null {
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_IOERR')) return 'unreachable';
  return null;
}

/** pg's own messages (node-pg and pg-pool source, not translated by the server's locale). */
function fromPgMessage(message: string): ConnectionFailure | null {
  if (
    message === 'Connection terminated unexpectedly' ||
    message === 'Client has encountered a connection error and is not queryable'
  ) {
    return 'lost';
  }
  // The last three: this server is closing its own connections (it is stopping).
  if (
    message === 'timeout exceeded when trying to connect' ||
    message === 'Connection terminated due to connection timeout' ||
    message === 'Connection terminated' ||
    message === 'Client was closed and is not queryable' ||
    message === 'Cannot use a pool after calling end on the pool'
  ) {
    return 'unreachable';
  }
  return null;
}
