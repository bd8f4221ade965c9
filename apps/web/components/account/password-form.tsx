'use client';

import { ZChangePasswordRequest, type TChangePasswordRequest } from '@berth/shared';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { toastDone } from '@/lib/action-toasts';
import { useChangePassword } from '@/lib/account-queries';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
  withFormChecks,
} from '@/lib/form-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';

type PasswordValues = TChangePasswordRequest & { repeat: string };

const resolver = withFormChecks(
  requestResolver(ZChangePasswordRequest, (values: PasswordValues) => ({
    currentPassword: values.currentPassword,
    newPassword: values.newPassword,
  })),
  (values: PasswordValues): Record<string, string> =>
    values.repeat === values.newPassword ? {} : { repeat: 'the two new passwords differ' },
);

const EMPTY: PasswordValues = { currentPassword: '', newPassword: '', repeat: '' };

/** Your password, changed with the current one; every other session of yours ends. */
export function PasswordForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<PasswordValues, unknown, TChangePasswordRequest>({
    defaultValues: EMPTY,
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control });
  const change = useChangePassword();
  const errors = flattenErrors(form.formState.errors);
  const showNotice = change.isError && Object.keys(errors).length === 0;

  function onValid(body: TChangePasswordRequest) {
    change.reset();
    change.mutate(
      { currentPassword: body.currentPassword, newPassword: body.newPassword },
      {
        onSuccess: () => {
          form.reset(EMPTY);
          toastDone('Password changed; your other sessions were signed out');
        },
        onError: (error) => {
          if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
        },
      },
    );
  }

  const field = (name: keyof PasswordValues) => ({
    value: values[name] ?? '',
    onValueChange: (value: string) => form.setValue(name, value, { shouldDirty: true }),
    error: errors[name],
  });

  return (
    <Panel title="Password">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onValid, change.reset)}
        noValidate
        className="flex max-w-md flex-col gap-3"
      >
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          {...field('currentPassword')}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters."
          {...field('newPassword')}
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          {...field('repeat')}
        />
        {showNotice ? <ErrorNotice error={change.error} /> : null}
        <div>
          <Button type="submit" variant="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
        </div>
        <p className="text-xs text-muted">
          Your other sessions are signed out; this one stays signed in.
        </p>
      </form>
    </Panel>
  );
}
