'use client';

import { ZCreateTeamRequest, type TTeam } from '@berth/shared';
import { useState, type FormEvent } from 'react';
import { useCreateTeam } from '@/lib/admin-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { ApiError } from '@/lib/api';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';

export function CreateTeamForm({ onCreated }: { onCreated: (team: TTeam) => void }) {
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const create = useCreateTeam();
  const errors = { ...fieldErrorsFromError(create.error), ...invalid };
  // A field error says it all; anything else (a conflict without issues, a network failure) not.
  const showNotice =
    create.error && !(create.error instanceof ApiError && errors.name !== undefined);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZCreateTeamRequest.safeParse({ name });
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (!parsed.success) return;
    create.mutate(parsed.data, {
      onSuccess: (team) => {
        setName('');
        onCreated(team);
      },
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-2">
      <div className="flex items-start gap-2">
        <div className="flex-1">
          <TextField
            label="Team name"
            autoComplete="off"
            placeholder="platform"
            value={name}
            onValueChange={setName}
            error={errors.name}
          />
        </div>
        <Button type="submit" variant="primary" className="mt-5" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create team'}
        </Button>
      </div>
      {showNotice ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}
