'use client';

import {
  PASSWORD_MIN_LENGTH,
  ZCreateUserRequest,
  type TCreateUserRequest,
  type TUserAccount,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import type { z } from 'zod';
import { useCreateUser } from '@/lib/admin-queries';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';

interface CreateUserFormProps {
  onCreated: (user: TUserAccount) => void;
  onCancel: () => void;
}

type CreateUserValues = z.input<typeof ZCreateUserRequest>;

const resolver = zodResolver(ZCreateUserRequest);
const EMPTY: Required<CreateUserValues> = {
  username: '',
  displayName: '',
  password: '',
  isAdmin: false,
};

export function CreateUserForm({ onCreated, onCancel }: CreateUserFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<CreateUserValues, unknown, TCreateUserRequest>({
    defaultValues: EMPTY,
    resolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const { username, displayName, password, isAdmin } = useWatch({ control: form.control });
  const create = useCreateUser();
  const errors = flattenErrors(form.formState.errors);
  const set = <K extends keyof CreateUserValues>(key: K, value: NonNullable<CreateUserValues[K]>) =>
    form.setValue(key, value as never, { shouldDirty: true });

  function onValid(body: TCreateUserRequest) {
    create.reset();
    // An empty display name means "the username", which the server fills in when it is left out.
    const request = body.displayName === '' ? { ...body, displayName: undefined } : body;
    create.mutate(request, {
      onSuccess: onCreated,
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <Panel title="New user">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onValid, create.reset)}
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-3">
          <TextField
            label="Username"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={username ?? ''}
            onValueChange={(value) => set('username', value)}
            error={errors.username}
            hint="Letters, digits, dot, dash and underscore. Used to sign in."
          />
          <TextField
            label="Display name (optional)"
            autoComplete="off"
            value={displayName ?? ''}
            onValueChange={(value) => set('displayName', value)}
            error={errors.displayName}
            hint="Shown in the console; the username when empty."
          />
          <TextField
            label="Initial password"
            type="password"
            autoComplete="new-password"
            value={password ?? ''}
            onValueChange={(value) => set('password', value)}
            error={errors.password}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters. Hand it over privately.`}
          />
        </div>
        <CheckboxField
          label="Global administrator"
          checked={isAdmin ?? false}
          onCheckedChange={(value) => set('isAdmin', value)}
          hint="Full control of every host, every user and this admin area. Grants do not apply to administrators."
        />
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
