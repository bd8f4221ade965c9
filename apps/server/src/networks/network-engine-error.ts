import type { FieldIssue } from '@berth/shared';
import { AppError } from '../common/app-error.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';

/**
 * The request field an engine's refusal of a network create is about, found in its message: the
 * engine names no field, but its messages are stable across versions.
 */
const FIELD_OF_MESSAGE: readonly [RegExp, string][] = [
  [/overlap/i, 'subnet'],
  [/swarm manager|swarm mode|not part of a swarm/i, 'driver'],
  [/parent|subinterface|vlan name|link not found/i, 'parent'],
  [/gateway/i, 'gateway'],
  [/ip ?range|ip-range/i, 'ipRange'],
  [/(macvlan|ipvlan).*mode|mode.*(macvlan|ipvlan)/i, 'mode'],
  [/already exists/i, 'name'],
  [/subnet|pool|cidr/i, 'subnet'],
];

/**
 * An engine failure of a network create: a refusal whose message names a field is answered as
 * that field's problem (400, or 409 for a taken name); anything else as engineError does.
 */
export function networkCreateError(error: unknown, hostName: string): AppError {
  if (error instanceof AppError) return error;
  const e = EngineError.from(error);
  const answered = e.status !== null && e.status >= 400 && e.kind !== 'unreachable';
  const field = answered ? FIELD_OF_MESSAGE.find(([pattern]) => pattern.test(e.reason))?.[1] : null;
  if (!field) return engineError(error, 'network', hostName);
  const issues: FieldIssue[] = [{ path: field, message: `the engine refused it: ${e.reason}` }];
  return new AppError(
    field === 'name' ? 'CONFLICT' : 'VALIDATION_FAILED',
    `${field}: the engine refused it: ${e.reason}`,
    { issues },
    error,
  );
}
