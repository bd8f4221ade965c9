'use client';

import type { TCreateHostRequest } from '@berth/shared';
import { PlugZap } from 'lucide-react';
import { useRef } from 'react';
import { focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { createHostResolver, EMPTY_HOST_FORM, schemeOf } from '@/lib/host-form';
import { useCreateHost, useTestHostDraft } from '@/lib/queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { HostLabelFields } from './host-label-fields';
import { HostTestResultView } from './host-test-result-view';
import { useHostForm } from './use-host-form';

export function AddHostForm({ onDone }: { onDone: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { form, values, set, errors } = useHostForm(EMPTY_HOST_FORM, createHostResolver);
  const create = useCreateHost();
  const test = useTestHostDraft();
  const failure = create.error ?? test.error;

  function answered() {
    create.reset();
    test.reset();
  }

  /** The API's field errors go on their fields, and the focus to the first of them. */
  function onError(error: unknown) {
    if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
  }

  function onTest() {
    // Checked with the same schema as Save; nothing is sent while a field is invalid.
    void form.handleSubmit(
      (request: TCreateHostRequest) => {
        answered();
        test.mutate(request, { onError });
      },
      () => {
        answered();
        focusFirstError(formRef.current);
      },
    )();
  }

  function onSave(request: TCreateHostRequest) {
    answered();
    create.mutate(request, { onSuccess: onDone, onError });
  }

  return (
    <Panel title="Add host">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onSave, answered)}
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-2">
          <HostLabelFields values={values} set={set} errors={errors} placeholders>
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
          </HostLabelFields>
        </div>
        <ConnectionSecretsFields
          scheme={schemeOf(values.url)}
          values={values}
          onChange={set}
          errors={errors}
        />
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
