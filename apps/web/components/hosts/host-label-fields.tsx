'use client';

import type { ReactNode } from 'react';
import { errorAt, type FieldErrors } from '@/lib/field-errors';
import type { HostFormValues } from '@/lib/host-form';
import { TextField } from '../ui/text-field';
import type { HostFieldSetter } from './use-host-form';

interface HostLabelFieldsProps {
  values: HostFormValues;
  set: HostFieldSetter;
  errors: FieldErrors;
  /** Example values in the empty fields (adding a host). */
  placeholders?: boolean;
  /** Shown after the name (the URL, when adding a host). */
  children?: ReactNode;
}

/** Name, tags and group: what both host forms edit besides the connection. */
export function HostLabelFields({
  values,
  set,
  errors,
  placeholders = false,
  children,
}: HostLabelFieldsProps) {
  return (
    <>
      <TextField
        label="Name"
        autoFocus
        autoComplete="off"
        value={values.name}
        onValueChange={(value) => set('name', value)}
        error={errors.name}
        placeholder={placeholders ? 'build-01' : undefined}
      />
      {children}
      <TextField
        label="Tags"
        autoComplete="off"
        value={values.tags}
        onValueChange={(value) => set('tags', value)}
        error={errorAt(errors, 'tags')}
        placeholder={placeholders ? 'prod, eu-west' : undefined}
        hint="Comma-separated."
      />
      <TextField
        label="Group (optional)"
        autoComplete="off"
        value={values.group}
        onValueChange={(value) => set('group', value)}
        error={errors.group}
        placeholder={placeholders ? 'production' : undefined}
      />
    </>
  );
}
