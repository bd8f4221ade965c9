'use client';

import type { THost } from '@berth/shared';
import { PlugZap } from 'lucide-react';
import { useRef, useState } from 'react';
import { submitForm } from '@/lib/form-errors';
import { hostFormValuesOf, schemeOf, updateHostResolver } from '@/lib/host-form';
import { useTestHostChanges, useUpdateHost } from '@/lib/queries';
import { Button } from '../ui/button';
import { Panel } from '../ui/panel';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { HostLabelFields } from './host-label-fields';
import { HostFormAnswers } from './host-form-answers';
import { HostUrlField } from './host-url-field';
import { useHostForm, useTestAndSave } from './use-host-form';

/**
 * Name, tags, group, URL and, optionally, new credentials, with a test of the changed connection
 * before saving (the stored credentials are used where no new ones are typed).
 */
export function EditHostForm({ host, onDone }: { host: THost; onDone: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  // The host as the form opened on it: a refetch while editing does not reset what was typed.
  const [resolver] = useState(() => updateHostResolver(host));
  const { form, values, set, errors } = useHostForm(hostFormValuesOf(host), resolver);
  const update = useUpdateHost(host.id);
  const test = useTestHostChanges(host.id);
  const scheme = schemeOf(values.url);
  // A save refused because another host has the engine this edit points at: offered once more.
  const { answered, onSave, onTest, failure, sameEngine, saveAnyway } = useTestAndSave(
    form,
    formRef,
    update,
    test,
    onDone,
  );

  return (
    <Panel title="Edit host">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onSave, answered)}
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-2">
          <HostLabelFields values={values} set={set} errors={errors}>
            <HostUrlField
              value={values.url}
              onChange={(value) => set('url', value)}
              errors={errors}
            />
          </HostLabelFields>
        </div>
        <ConnectionSecretsFields
          scheme={scheme}
          values={values}
          onChange={set}
          errors={errors}
          // Stored credentials of the same kind are kept unless new ones are typed.
          replacing={scheme === schemeOf(host.url)}
        />
        <HostFormAnswers
          tested={test.data}
          sameEngine={sameEngine}
          anyway={{ label: 'Save anyway', onClick: saveAnyway, disabled: update.isPending }}
          failure={failure}
        />
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button onClick={onTest} disabled={test.isPending}>
            <PlugZap aria-hidden />
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
