import { AppError } from '../common/app-error.js';
import { engineError } from '../containers/engine-error.js';
import { EngineError } from '../docker/engine-error.js';

/** Mount options that carry a credential (cifs `password=`, `pass=`), value and all. */
const SECRET_OPTION = /\b(password|pass|passwd|secret|credentials)=[^,\s]*/gi;

/** Mount options with their credentials masked: a cifs volume keeps its password in `o`. */
export function maskMountOptions(text: string): string {
  return text.replace(SECRET_OPTION, '$1=********');
}

export function maskOptions(options: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key, maskMountOptions(value)]),
  );
}

/**
 * An engine failure on a volume as the API's error, with any credential the engine quoted from
 * the mount options masked (a failed cifs mount repeats its options, password included).
 * `path`: the path inside the volume a browse asked for, which a 404 is then about.
 */
export function volumeError(error: unknown, hostName: string, path?: string): AppError {
  if (error instanceof AppError) return error;
  const e = EngineError.from(error);
  if (path !== undefined && e.kind === 'not_found') {
    return new AppError('NOT_FOUND', `nothing at ${path} in the volume`, {
      issues: [{ path: 'path', message: `nothing at ${path} in the volume` }],
    });
  }
  // The cause is logged: it is masked too.
  const masked = new EngineError(e.kind, maskMountOptions(e.reason), e.status, e.code);
  const mapped = engineError(masked, 'volume', hostName);
  return new AppError(mapped.code, maskMountOptions(mapped.message), mapped.details, masked);
}
