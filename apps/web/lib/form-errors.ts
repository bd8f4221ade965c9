import { zodResolver } from '@hookform/resolvers/zod';
import {
  set,
  type FieldError,
  type FieldErrors as HookFormErrors,
  type FieldValues,
  type Path,
  type Resolver,
  type UseFormReturn,
  type UseFormSetError,
} from 'react-hook-form';
import type { FormEvent } from 'react';
import { ApiError } from './api';
import type { z } from 'zod';
import type { FieldErrors } from './field-errors';

/*
 * Forms run on react-hook-form with the shared zod schemas (`zodResolver`); their fields show
 * errors by dotted path (`ports.1.hostPort`), the way zod and the API's `details.issues` name them.
 */

function isFieldError(value: unknown): value is FieldError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** react-hook-form's nested errors as one message per dotted path. */
export function flattenErrors<T extends FieldValues>(errors: HookFormErrors<T>): FieldErrors {
  const flat: FieldErrors = {};
  const walk = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null) return;
    if (isFieldError(node) && node.message) flat[path || 'root'] ??= node.message;
    for (const [key, child] of Object.entries(node)) {
      // `ref` is the field's element and `types` repeats the message per rule.
      if (key === 'ref' || key === 'types' || key === 'message' || key === 'type') continue;
      walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(errors, '');
  return flat;
}

/**
 * Puts the API's per-field answers (`details.issues[{path, message}]`) on the form's fields;
 * answers whether there was any, so the caller knows where to send the focus.
 */
export function setServerErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  error: unknown,
): boolean {
  if (!(error instanceof ApiError)) return false;
  for (const issue of error.issues) {
    setError(issue.path as Path<T>, { type: 'server', message: issue.message });
  }
  return error.issues.length > 0;
}

/**
 * A resolver that also reports what only the form can see (a field the request has no room for,
 * a value the conversion to the request lost), keyed by dotted path like the schema's issues.
 */
export function withFormChecks<T extends FieldValues, Context, Output>(
  resolver: Resolver<T, Context, Output>,
  formChecks: (values: T) => FieldErrors,
): Resolver<T, Context, Output> {
  return async (values, context, options) => {
    const result = await resolver(values, context, options);
    const extra = Object.entries(formChecks(values));
    if (extra.length === 0) return result;
    const errors: Record<string, unknown> = { ...result.errors };
    for (const [path, message] of extra) set(errors, path, { type: 'form', message });
    return { values: {}, errors: errors as HookFormErrors<T> };
  };
}

/** Sends the focus to the first field marked invalid, once React has painted the errors. */
export function focusFirstError(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/**
 * A resolver for a form whose values are not yet the request: it checks the request `toRequest`
 * makes with the shared schema. The request's paths must be the fields' paths, so the schema's
 * issues show at the fields they are about.
 */
export function requestResolver<T extends FieldValues, S extends z.ZodType<FieldValues>>(
  schema: S,
  toRequest: (values: T) => z.input<S>,
): Resolver<T, unknown, z.output<S>> {
  const resolveRequest = zodResolver(schema as z.ZodType<FieldValues, FieldValues>);
  return async (values, context, options) => {
    const result = await resolveRequest(
      toRequest(values) as FieldValues,
      context,
      // Its options name the form's fields; the request's paths are the same ones.
      options as unknown as Parameters<typeof resolveRequest>[2],
    );
    return Object.keys(result.errors).length > 0
      ? { values: {}, errors: result.errors as unknown as HookFormErrors<T> }
      : { values: result.values as z.output<S>, errors: {} };
  };
}

/**
 * Submits a form element's event through react-hook-form: `onValid` with the checked request; on
 * invalid input, `onInvalid` (a stale server answer goes) and the focus moves to the first field
 * in error.
 */
export function submitForm<T extends FieldValues, Output>(
  event: FormEvent<HTMLFormElement>,
  form: UseFormReturn<T, unknown, Output>,
  onValid: (request: Output) => void,
  onInvalid: () => void,
): void {
  // React clears `currentTarget` once the event is handled; the check ends after that.
  const element = event.currentTarget;
  void form.handleSubmit(onValid, () => {
    onInvalid();
    focusFirstError(element);
  })(event);
}
