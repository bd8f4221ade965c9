'use client';

import { PlugZap } from 'lucide-react';
import { useRef } from 'react';
import { submitForm } from '@/lib/form-errors';
import { createHostResolver, EMPTY_HOST_FORM, schemeOf } from '@/lib/host-form';
import { useCreateHost, useTestHostDraft } from '@/lib/queries';
import { Button } from '../ui/button';
import { Panel } from '../ui/panel';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { HostLabelFields } from './host-label-fields';
import { HostFormAnswers } from './host-form-answers';
import { HostUrlField } from './host-url-field';
import { useHostForm, useTestAndSave } from './use-host-form';

export function AddHostForm({ onDone }: { onDone: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const { form, values, set, errors } = useHostForm(EMPTY_HOST_FORM, createHostResolver);
  const create = useCreateHost();
  const test = useTestHostDraft();
  // A registration refused because the engine is already registered: offered once more, anyway.
  const { answered, onSave, onTest, failure, sameEngine, saveAnyway } = useTestAndSave(
    form,
    formRef,
    create,
    test,
    onDone,
  );

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
            <HostUrlField
              value={values.url}
              onChange={(value) => set('url', value)}
              errors={errors}
              placeholder="tcp://10.0.0.5:2376"
            />
          </HostLabelFields>
        </div>
        <ConnectionSecretsFields
          scheme={schemeOf(values.url)}
          values={values}
          onChange={set}
          errors={errors}
        />
        <HostFormAnswers
          tested={test.data}
          sameEngine={sameEngine}
          anyway={{ label: 'Register anyway', onClick: saveAnyway, disabled: create.isPending }}
          failure={failure}
        />
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
