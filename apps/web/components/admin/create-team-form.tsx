'use client';

import { ZCreateTeamRequest, type TCreateTeamRequest, type TTeam } from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useCreateTeam } from '@/lib/admin-queries';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';

const resolver = zodResolver(ZCreateTeamRequest);

export function CreateTeamForm({ onCreated }: { onCreated: (team: TTeam) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<TCreateTeamRequest>({
    defaultValues: { name: '' },
    resolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const name = useWatch({ control: form.control, name: 'name' });
  const create = useCreateTeam();
  const errors = flattenErrors(form.formState.errors);
  // A field error says it all; anything else (a conflict without issues, a network failure) not.
  const showNotice = create.isError && errors.name === undefined;

  function onValid(body: TCreateTeamRequest) {
    create.reset();
    create.mutate(body, {
      onSuccess: (team) => {
        form.reset({ name: '' });
        onCreated(team);
      },
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => submitForm(event, form, onValid, create.reset)}
      noValidate
      className="flex flex-col gap-2"
    >
      <div className="flex items-start gap-2">
        <div className="flex-1">
          <TextField
            label="Team name"
            autoComplete="off"
            placeholder="platform"
            value={name}
            onValueChange={(value) => form.setValue('name', value, { shouldDirty: true })}
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
