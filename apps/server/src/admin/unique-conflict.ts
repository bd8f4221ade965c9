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
    if ((error as { code?: unknown }).code === 'P2002') {
      throw new AppError(
        'CONFLICT',
        message,
        { issues: [{ path, message: 'already taken' }] },
        error,
      );
    }
    throw error;
  }
}
