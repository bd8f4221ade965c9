import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { FieldIssue } from '@berth/shared';
import { AppError } from './app-error.js';

/** Validates `@Body({ schema })`, `@Query({ schema })` … and names every failing field. */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) =>
      AppError.validation(
        issues.map((issue): FieldIssue => ({
          path: (issue.path ?? [])
            .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? p.key : p))
            .map(String)
            .join('.'),
          message: issue.message,
        })),
      ),
  });
}
