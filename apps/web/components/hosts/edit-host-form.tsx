'use client';

import { ZUpdateHostRequest, type THost } from '@berth/shared';
import { useState, type FormEvent } from 'react';
import {
  errorAt,
  fieldErrorsFromError,
  fieldErrorsFromIssues,
  type FieldErrors,
} from '@/lib/field-errors';
import { hostFormValuesOf, schemeOf, toUpdateHostRequest } from '@/lib/host-form';
import { useUpdateHost } from '@/lib/queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { useHostFormValues } from './use-host-form-values';

/** Name, tags, group and, optionally, new credentials; the URL stays as registered. */
export function EditHostForm({ host, onDone }: { host: THost; onDone: () => void }) {
  const [values, set] = useHostFormValues(hostFormValuesOf(host));
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const update = useUpdateHost(host.id);
  const errors = { ...fieldErrorsFromError(update.error), ...invalid };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZUpdateHostRequest.safeParse(toUpdateHostRequest(values, host));
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (parsed.success) update.mutate(parsed.data, { onSuccess: onDone });
  }

  return (
    <Panel title="Edit host">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <div className="grid gap-3 md:grid-cols-3">
          <TextField
            label="Name"
            autoFocus
            autoComplete="off"
            value={values.name}
            onValueChange={(value) => set('name', value)}
            error={errors.name}
          />
          <TextField
            label="Tags"
            autoComplete="off"
            value={values.tags}
            onValueChange={(value) => set('tags', value)}
            error={errorAt(errors, 'tags')}
            hint="Comma-separated."
          />
          <TextField
            label="Group (optional)"
            autoComplete="off"
            value={values.group}
            onValueChange={(value) => set('group', value)}
            error={errors.group}
          />
        </div>
        <ConnectionSecretsFields
          scheme={schemeOf(host.url)}
          values={values}
          onChange={set}
          errors={errors}
          replacing
        />
        {update.error ? <ErrorNotice error={update.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
