/**
 * Every error a client can see has one of these codes. The server maps each to an HTTP status in
 * one place; the web maps each to a message. Adding a code fails to compile until both handle it.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'COMPOSE_INVALID',
  'UNAUTHENTICATED',
  'CSRF_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_A_SWARM_MANAGER',
  'SETUP_REQUIRED',
  'SETUP_DONE',
  'TOO_MANY_REQUESTS',
  'PATH_REJECTED',
  'HOST_UNREACHABLE',
  'HOST_ERROR',
  'ENGINE_ERROR',
  'REGISTRY_ERROR',
  'DATABASE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'COMPOSE_INVALID':
    case 'PATH_REJECTED':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'CSRF_FAILED':
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'NOT_A_SWARM_MANAGER':
    case 'SETUP_DONE':
      return 409;
    case 'SETUP_REQUIRED':
      return 428;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'HOST_UNREACHABLE':
    case 'HOST_ERROR':
      return 502;
    case 'ENGINE_ERROR':
    case 'REGISTRY_ERROR':
      return 502;
    case 'DATABASE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

/** One field-level problem, named by its path in the request (`tls.ca`, `ports.0.hostPort`). */
export interface FieldIssue {
  path: string;
  message: string;
  /** For COMPOSE_INVALID: the 1-based line of the compose file the problem is at. */
  line?: number;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: { issues?: FieldIssue[]; [key: string]: unknown };
  };
}
