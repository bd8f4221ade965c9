import { AppError } from '../common/app-error.js';

/**
 * Runs a write whose unique field was checked beforehand; if another request took the value in
 * between, the database's refusal (Prisma P2002) becomes the same field error the check gives.
 */
export async function orConflict<T>(
  write: () => Promise<T>,
  path: string,
  message: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(path, message, error);
    throw error;
  }
}

/**
 * The same for a model with more than one unique field: `messages` maps each field to its
 * message, and the conflict names the field the database reports (the first one when it reports
 * none). A field not in `messages` is no caller's mistake, so its refusal is passed on as it is.
 */
export async function orConflictOn<T>(
  write: () => Promise<T>,
  messages: Readonly<Record<string, string>>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const path = uniqueFieldOf(error) ?? Object.keys(messages)[0];
    const message = path === undefined ? undefined : messages[path];
    if (path === undefined || message === undefined) throw error;
    throw conflict(path, message, error);
  }
}

/** Whether a write was refused because another took the unique value first (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

/**
 * The column a unique violation names, as the driver adapters report it: SQLite gives `name`,
 * PostgreSQL quotes a mixed-case column (`"serverAddress"`). Null when it names none or several.
 */
function uniqueFieldOf(error: unknown): string | null {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { constraint?: unknown } } } })
    .meta;
  const constraint = meta?.driverAdapterError?.cause?.constraint as
    { fields?: unknown } | undefined;
  const fields = Array.isArray(constraint?.fields) ? (constraint.fields as unknown[]) : [];
  const [field] = fields;
  return fields.length === 1 && typeof field === 'string' ? field.replace(/^"(.*)"$/, '$1') : null;
}

function conflict(path: string, message: string, cause: unknown): AppError {
  return new AppError('CONFLICT', message, { issues: [{ path, message: 'already taken' }] }, cause);
}
