'use client';

import { PASSWORD_MIN_LENGTH, ZCreateUserRequest, type TUserAccount } from '@berth/shared';
import { useState, type FormEvent } from 'react';
import { useCreateUser } from '@/lib/admin-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';

interface CreateUserFormProps {
  onCreated: (user: TUserAccount) => void;
  onCancel: () => void;
}

export function CreateUserForm({ onCreated, onCancel }: CreateUserFormProps) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const create = useCreateUser();
  const errors = { ...fieldErrorsFromError(create.error), ...invalid };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZCreateUserRequest.safeParse({
      username,
      password,
      displayName: displayName.trim() === '' ? undefined : displayName,
      isAdmin,
    });
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (parsed.success) create.mutate(parsed.data, { onSuccess: onCreated });
  }

  return (
    <Panel title="New user">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <div className="grid gap-3 md:grid-cols-3">
          <TextField
            label="Username"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={username}
            onValueChange={setUsername}
            error={errors.username}
            hint="Letters, digits, dot, dash and underscore. Used to sign in."
          />
          <TextField
            label="Display name (optional)"
            autoComplete="off"
            value={displayName}
            onValueChange={setDisplayName}
            error={errors.displayName}
            hint="Shown in the console; the username when empty."
          />
          <TextField
            label="Initial password"
            type="password"
            autoComplete="new-password"
            value={password}
            onValueChange={setPassword}
            error={errors.password}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters. Hand it over privately.`}
          />
        </div>
        <CheckboxField
          label="Global administrator"
          checked={isAdmin}
          onCheckedChange={setIsAdmin}
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
