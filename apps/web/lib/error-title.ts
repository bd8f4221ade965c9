import type { ErrorCode } from '@berth/shared';

/** A short headline per error code; the server's message gives the detail. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 'Some fields need attention';
    case 'COMPOSE_INVALID':
      return 'The compose file has problems';
    case 'UNAUTHENTICATED':
      return 'Not signed in';
    case 'CSRF_FAILED':
      return 'Your session token expired — reload the page';
    case 'FORBIDDEN':
      return 'You are not allowed to do this';
    case 'NOT_FOUND':
      return 'Not found';
    case 'CONFLICT':
      return 'Conflicts with existing data';
    case 'NOT_A_SWARM_MANAGER':
      return 'The host is not a swarm manager';
    case 'SETUP_REQUIRED':
      return 'Berth needs to be set up first';
    case 'SETUP_DONE':
      return 'Berth is already set up';
    case 'TOO_MANY_REQUESTS':
      return 'Too many attempts — wait a moment';
    case 'PATH_REJECTED':
      return 'Request rejected by the gateway policy';
    case 'HOST_UNREACHABLE':
      return 'The host cannot be reached';
    case 'HOST_ERROR':
      return 'The host connection failed';
    case 'ENGINE_ERROR':
      return 'The Docker engine returned an error';
    case 'REGISTRY_ERROR':
      return 'The registry returned an error';
    case 'DATABASE_UNAVAILABLE':
      return 'The database is unavailable — try again in a moment';
    case 'INTERNAL':
      return 'Something went wrong on the server';
  }
}
