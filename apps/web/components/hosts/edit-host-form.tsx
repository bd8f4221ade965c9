'use client';

import type { THost, TUpdateHostRequest } from '@berth/shared';
import { useRef, useState } from 'react';
import { focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { hostFormValuesOf, schemeOf, updateHostResolver } from '@/lib/host-form';
import { useUpdateHost } from '@/lib/queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { ConnectionSecretsFields } from './connection-secrets-fields';
import { HostLabelFields } from './host-label-fields';
import { useHostForm } from './use-host-form';

/** Name, tags, group and, optionally, new credentials; the URL stays as registered. */
export function EditHostForm({ host, onDone }: { host: THost; onDone: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  // The host as the form opened on it: a refetch while editing does not reset what was typed.
  const [resolver] = useState(() => updateHostResolver(host));
  const { form, values, set, errors } = useHostForm(hostFormValuesOf(host), resolver);
  const update = useUpdateHost(host.id);

  function onSave(request: TUpdateHostRequest) {
    update.reset();
    update.mutate(request, {
      onSuccess: onDone,
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <Panel title="Edit host">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onSave, update.reset)}
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-3">
          <HostLabelFields values={values} set={set} errors={errors} />
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
