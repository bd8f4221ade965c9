'use client';

import { ZCreateHostRequest, type TCreateHostRequest } from '@berth/shared';
import { PlugZap } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import {
  errorAt,
  fieldErrorsFromError,
  fieldErrorsFromIssues,
  type FieldErrors,
} from '@/lib/field-errors';
import { EMPTY_HOST_FORM, schemeOf, toCreateHostRequest } from '@/lib/host-form';
import { useCreateHost, useTestHostDraft } from '@/lib/queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { HostTestResultView } from './host-test-result-view';
import { useHostFormValues } from './use-host-form-values';

export function AddHostForm({ onDone }: { onDone: () => void }) {
  const [values, set] = useHostFormValues(EMPTY_HOST_FORM);
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const create = useCreateHost();
  const test = useTestHostDraft();
  const scheme = schemeOf(values.url);
  const failure = create.error ?? test.error;
  const errors = { ...fieldErrorsFromError(failure), ...invalid };

  /** Validates with the API's own schema; the request goes out only when it would pass. */
  function validRequest(): TCreateHostRequest | null {
    const parsed = ZCreateHostRequest.safeParse(toCreateHostRequest(values));
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    return parsed.success ? parsed.data : null;
  }

  function onTest() {
    create.reset();
    const request = validRequest();
    if (request) test.mutate(request);
  }

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    test.reset();
    const request = validRequest();
    if (request) create.mutate(request, { onSuccess: onDone });
  }

  return (
    <Panel title="Add host">
      <form onSubmit={onSave} noValidate className="flex flex-col gap-4">
        <div className="grid gap-3 md:grid-cols-2">
          <TextField
            label="Name"
            autoFocus
            autoComplete="off"
            value={values.name}
            onValueChange={(value) => set('name', value)}
            error={errors.name}
            placeholder="build-01"
          />
          <TextField
            label="URL"
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.url}
            onValueChange={(value) => set('url', value)}
            error={errors.url}
            placeholder="tcp://10.0.0.5:2376"
            hint="unix:///var/run/docker.sock, tcp://host:port or ssh://user@host[:port]"
          />
          <TextField
            label="Tags"
            autoComplete="off"
            value={values.tags}
            onValueChange={(value) => set('tags', value)}
            error={errorAt(errors, 'tags')}
            placeholder="prod, eu-west"
            hint="Comma-separated."
          />
          <TextField
            label="Group (optional)"
            autoComplete="off"
            value={values.group}
            onValueChange={(value) => set('group', value)}
            error={errors.group}
            placeholder="production"
          />
        </div>
        <ConnectionSecretsFields scheme={scheme} values={values} onChange={set} errors={errors} />
        {test.data ? <HostTestResultView result={test.data} /> : null}
        {failure ? <ErrorNotice error={failure} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button onClick={onTest} disabled={test.isPending}>
            <PlugZap aria-hidden />
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? 'Saving…' : 'Save host'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
