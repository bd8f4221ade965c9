'use client';

import { ROUTES } from '@berth/shared';
import { FileKey, Plus, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useId, useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useCan } from '@/lib/capabilities';
import { formatDateTime } from '@/lib/format';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import { parseKeyValues, recordError } from '@/lib/key-values';
import {
  useCreateSwarmObject,
  useRemoveSwarmObject,
  useSwarmObjects,
  type NewSwarmObject,
  type SwarmObject,
  type SwarmObjectKind,
} from '@/lib/swarm-object-queries';
import { Button } from '../ui/button';
import { ConfirmRemoveDialog } from '../ui/confirm-remove-dialog';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { describedBy, Field } from '../ui/field';
import { FormActions } from '../ui/form-actions';
import { inputClassName } from '../ui/input-class-name';
import { KeyValueField } from '../ui/key-value-field';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { NoValue, Table, Td, Th } from '../ui/table';
import { TextField } from '../ui/text-field';
import { serviceHref } from './service-format';
import { SwarmSection } from './swarm-section';

interface ObjectFormValues {
  name: string;
  value: string;
  labels: string;
}

const toRequest = (values: ObjectFormValues): NewSwarmObject => ({
  name: values.name.trim(),
  value: values.value,
  labels: parseKeyValues(values.labels),
});

const RESOLVERS = {
  secret: requestResolver(ROUTES.createSwarmSecret.body, toRequest),
  config: requestResolver(ROUTES.createSwarmConfig.body, toRequest),
};

/** `/swarm/secrets` and `/swarm/configs`: one kind of a manager host's swarm objects. */
export function SwarmObjectsView({ hostId, kind }: { hostId: string; kind: SwarmObjectKind }) {
  return (
    <SwarmSection
      hostId={hostId}
      description={
        kind === 'secret'
          ? 'Secrets given to services as files. A secret’s value is written once and never shown again.'
          : 'Configs given to services as files.'
      }
    >
      {(host) => <SwarmObjects key={`${host.hostId}/${kind}`} hostId={host.hostId} kind={kind} />}
    </SwarmSection>
  );
}

function SwarmObjects({ hostId, kind }: { hostId: string; kind: SwarmObjectKind }) {
  const list = useSwarmObjects(hostId, kind);
  const mayManage = useCan(hostId, 'swarm.manage');
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<SwarmObject | null>(null);
  const remove = useRemoveSwarmObject(hostId, kind);
  const plural = `${kind}s`;

  return (
    <div className="flex flex-col gap-5">
      {mayManage && !creating ? (
        <div>
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden />
            New {kind}
          </Button>
        </div>
      ) : null}
      {creating ? (
        <SwarmObjectForm hostId={hostId} kind={kind} onDone={() => setCreating(false)} />
      ) : null}
      {list.isPending ? <Skeleton className="h-24" /> : null}
      {list.isError ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState icon={FileKey} title={`No ${plural}`}>
          This swarm has no {kind} yet.
        </EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <Panel flush>
          <Table label={kind === 'secret' ? 'Secrets' : 'Configs'}>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Used by</Th>
                <Th>Stack</Th>
                <Th>Labels</Th>
                <Th>Created</Th>
                {mayManage ? <Th className="text-right">Actions</Th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((item) => (
                <tr key={item.id} data-object={item.name}>
                  <Td>
                    <span className="font-mono text-[13px]">{item.name}</span>
                    <span className="block font-mono text-xs text-muted">
                      {item.id.slice(0, 12)}
                    </span>
                  </Td>
                  <Td className="text-xs">
                    {item.services.length === 0 ? (
                      <span className="text-muted">no service</span>
                    ) : (
                      item.services.map((service, index) => (
                        <span key={service.id}>
                          {index > 0 ? ', ' : ''}
                          <Link
                            href={serviceHref(hostId, service.id)}
                            className="text-accent hover:underline"
                          >
                            {service.name}
                          </Link>
                        </span>
                      ))
                    )}
                  </Td>
                  <Td className="text-xs">{item.stack ?? <NoValue />}</Td>
                  <Td className="font-mono text-xs">
                    {Object.entries(item.labels)
                      .filter(([key]) => key !== 'com.docker.stack.namespace')
                      .map(([key, value]) => `${key}=${value}`)
                      .join(', ') || <NoValue />}
                  </Td>
                  <Td className="text-xs text-muted">{formatDateTime(item.createdAt)}</Td>
                  {mayManage ? (
                    <Td className="text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Remove ${kind} ${item.name}`}
                        onClick={() => setRemoving(item)}
                      >
                        <Trash2 aria-hidden />
                      </Button>
                    </Td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </Table>
        </Panel>
      ) : null}
      <ConfirmRemoveDialog
        target={removing}
        onClose={() => setRemoving(null)}
        title={(item) => `Remove ${kind} ${item.name}?`}
        confirmLabel={`Remove ${kind}`}
        remove={remove}
        argument={(item) => item.id}
      >
        The swarm refuses while a service uses it.
      </ConfirmRemoveDialog>
    </div>
  );
}

function SwarmObjectForm({
  hostId,
  kind,
  onDone,
}: {
  hostId: string;
  kind: SwarmObjectKind;
  onDone: () => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const contentId = useId();
  const create = useCreateSwarmObject(hostId, kind);
  const form = useForm<ObjectFormValues, unknown, NewSwarmObject>({
    defaultValues: { name: '', value: '', labels: '' },
    resolver: RESOLVERS[kind],
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as ObjectFormValues;
  const errors = flattenErrors(form.formState.errors);
  const set = (key: keyof ObjectFormValues, value: string) =>
    form.setValue(key, value, { shouldDirty: true });

  return (
    <Panel title={`New ${kind}`}>
      <form
        ref={formRef}
        aria-label={`New ${kind}`}
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(event) =>
          submitForm(
            event,
            form,
            (request) =>
              create.mutate(request, {
                onSuccess: onDone,
                onError: (error) => {
                  if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
                },
              }),
            () => create.reset(),
          )
        }
      >
        <TextField
          label="Name"
          mono
          value={values.name}
          onValueChange={(value) => set('name', value)}
          error={errors.name}
          placeholder={kind === 'secret' ? 'db_password' : 'nginx_conf'}
        />
        {kind === 'secret' ? (
          <TextField
            label="Value"
            type="password"
            autoComplete="new-password"
            value={values.value}
            onValueChange={(value) => set('value', value)}
            error={errors.value}
            hint="Sent once; Berth never shows it, logs it nor audits it"
          />
        ) : (
          <Field id={contentId} label="Content" error={errors.value}>
            <textarea
              id={contentId}
              aria-describedby={describedBy(contentId, errors.value, undefined)}
              rows={6}
              spellCheck={false}
              value={values.value}
              onChange={(event) => set('value', event.target.value)}
              aria-invalid={errors.value ? true : undefined}
              className={`${inputClassName} py-1 font-mono text-[13px]`}
            />
          </Field>
        )}
        <KeyValueField
          label="Labels"
          value={values.labels}
          onValueChange={(value) => set('labels', value)}
          error={recordError(errors, 'labels')}
        />
        <FormActions
          error={create.error}
          pending={create.isPending}
          submitLabel={`Create ${kind}`}
          pendingLabel="Creating…"
          onCancel={onDone}
        />
      </form>
    </Panel>
  );
}
