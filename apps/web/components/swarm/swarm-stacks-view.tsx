'use client';

import { ROUTES, type FieldIssue } from '@berth/shared';
import { Layers, Pencil, Plus, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { ApiError } from '@/lib/api';
import { toastDone } from '@/lib/action-toasts';
import { useCan } from '@/lib/capabilities';
import { rowKey, type EnvRow } from '@/lib/container-form';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import {
  useDeploySwarmStack,
  useRemoveSwarmStack,
  useSwarmStackSource,
  useSwarmStacks,
  useUpdateSwarmStack,
  type SwarmStack,
  type SwarmStackDeployed,
  type SwarmStackSource,
} from '@/lib/swarm-object-queries';
import { EnvRows } from '../containers/container-form-rows';
import { ComposeEditor } from '../stacks/compose-editor';
import { ComposeProblems } from '../stacks/compose-problems';
import { Button } from '../ui/button';
import { ConfirmRemoveDialog } from '../ui/confirm-remove-dialog';
import { EmptyState } from '../ui/empty-state';
import { ErrorNotice } from '../ui/error-notice';
import { FormActions } from '../ui/form-actions';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { NoValue, Table, Td, Th } from '../ui/table';
import { TextField } from '../ui/text-field';
import { ReplicasBar, serviceHref } from './service-format';
import { SwarmSection } from './swarm-section';

const EXAMPLE = `services:
  web:
    image: nginx:alpine
    deploy:
      replicas: 2
    ports:
      - "8080:80"
`;

interface StackFormValues {
  name: string;
  compose: string;
  env: EnvRow[];
}

type StackRequest = SwarmStackSource & { name: string };

const toRequest = (values: StackFormValues): StackRequest => ({
  name: values.name.trim(),
  compose: values.compose,
  env: values.env.map(({ name, value, secret }) => ({ name: name.trim(), value, secret })),
});

const resolver = requestResolver(ROUTES.deploySwarmStack.body, toRequest);

/** The problems of a COMPOSE_INVALID answer; none for any other failure. */
function composeIssues(error: unknown): readonly FieldIssue[] {
  return error instanceof ApiError && error.code === 'COMPOSE_INVALID' ? error.issues : [];
}

/** `/swarm/stacks`: compose files deployed to a manager host's swarm (`docker stack`). */
export function SwarmStacksView({ hostId }: { hostId: string }) {
  return (
    <SwarmSection
      hostId={hostId}
      description="Compose files deployed to the swarm as services, networks, secrets and configs; docker stack ls on the host lists them too."
    >
      {(host) => <SwarmStacks key={host.hostId} hostId={host.hostId} />}
    </SwarmSection>
  );
}

function SwarmStacks({ hostId }: { hostId: string }) {
  const list = useSwarmStacks(hostId);
  const mayManage = useCan(hostId, 'swarm.manage');
  /** The stack being deployed anew ('') or updated (its name); null: no editor open. */
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [result, setResult] = useState<SwarmStackDeployed | null>(null);
  const remove = useRemoveSwarmStack(hostId);

  return (
    <div className="flex flex-col gap-5">
      {mayManage && editing === null ? (
        <div>
          <Button variant="primary" onClick={() => setEditing('')}>
            <Plus aria-hidden />
            Deploy stack
          </Button>
        </div>
      ) : null}
      {editing !== null ? (
        <SwarmStackEditor
          key={editing}
          hostId={hostId}
          name={editing}
          onDone={(deployed) => {
            setEditing(null);
            setResult(deployed);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {result ? <DeployResult result={result} /> : null}
      {list.isPending ? <Skeleton className="h-24" /> : null}
      {list.isError ? <ErrorNotice error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState icon={Layers} title="No swarm stacks">
          No compose file is deployed to this swarm.
        </EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <Panel flush>
          <Table label="Swarm stacks">
            <thead>
              <tr>
                <Th>Stack</Th>
                <Th>Services</Th>
                <Th>Networks</Th>
                <Th>Secrets and configs</Th>
                {mayManage ? <Th className="text-right">Actions</Th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((stack) => (
                <StackRow
                  key={stack.name}
                  hostId={hostId}
                  stack={stack}
                  mayManage={mayManage}
                  onEdit={() => setEditing(stack.name)}
                  onRemove={() => setRemoving(stack.name)}
                />
              ))}
            </tbody>
          </Table>
        </Panel>
      ) : null}
      <ConfirmRemoveDialog
        target={removing}
        onClose={() => setRemoving(null)}
        title={(name) => `Remove stack ${name}?`}
        confirmLabel="Remove stack"
        remove={remove}
        argument={(name) => name}
        onRemoved={(name) => toastDone(`Removed stack ${name}`)}
      >
        Its services are removed, then its networks, secrets and configs.
      </ConfirmRemoveDialog>
    </div>
  );
}

function StackRow({
  hostId,
  stack,
  mayManage,
  onEdit,
  onRemove,
}: {
  hostId: string;
  stack: SwarmStack;
  mayManage: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const files = [...stack.secrets, ...stack.configs];
  return (
    <tr data-stack={stack.name}>
      <Td className="font-medium">{stack.name}</Td>
      <Td>
        <ul className="flex flex-col gap-1">
          {stack.services.map((service) => (
            <li key={service.id} className="flex items-center gap-3 text-xs">
              <Link href={serviceHref(hostId, service.id)} className="text-accent hover:underline">
                {service.name}
              </Link>
              <ReplicasBar replicas={service.replicas} />
            </li>
          ))}
        </ul>
      </Td>
      <Td className="text-xs">{stack.networks.join(', ') || <NoValue />}</Td>
      <Td className="text-xs">{files.join(', ') || <NoValue />}</Td>
      {mayManage ? (
        <Td className="text-right">
          <div className="flex justify-end gap-1">
            <Button size="sm" onClick={onEdit} aria-label={`Update stack ${stack.name}`}>
              <Pencil aria-hidden />
              Update
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={onRemove}
              aria-label={`Remove stack ${stack.name}`}
            >
              <Trash2 aria-hidden />
            </Button>
          </div>
        </Td>
      ) : null}
    </tr>
  );
}

function DeployResult({ result }: { result: SwarmStackDeployed }) {
  const parts = [
    ['created', result.created],
    ['updated', result.updated],
    ['unchanged', result.unchanged],
    ['removed', result.removed],
  ] as const;
  return (
    <p role="status" className="text-sm text-muted">
      Deployed:{' '}
      {parts
        .filter(([, names]) => names.length > 0)
        .map(([what, names]) => `${what} ${names.join(', ')}`)
        .join('; ') || 'nothing changed'}
      .
    </p>
  );
}

interface SwarmStackFormProps {
  hostId: string;
  name: string;
  onDone: (deployed: SwarmStackDeployed) => void;
  onCancel: () => void;
}

/**
 * A new stack starts from an example; an update starts from the file the stack was last deployed
 * with through Berth (its secret variables and files masked: sent back so, they are kept), or from
 * nothing when Berth kept none.
 */
function SwarmStackEditor(props: SwarmStackFormProps) {
  const source = useSwarmStackSource(props.hostId, props.name);
  if (!props.name) return <SwarmStackForm {...props} start={{ compose: EXAMPLE, env: [] }} />;
  if (source.isPending) return <Skeleton className="h-64" />;
  if (source.isError) {
    return <ErrorNotice error={source.error} onRetry={() => void source.refetch()} />;
  }
  if (!source.data) return <SwarmStackForm {...props} start={{ compose: '', env: [] }} />;
  return <SwarmStackForm {...props} start={source.data} />;
}

/**
 * A compose file deployed as a new stack (`name` empty) or as the new file of stack `name`.
 * COMPOSE_INVALID problems show at their lines in the editor and in a list under it.
 */
function SwarmStackForm({
  hostId,
  name,
  onDone,
  onCancel,
  start,
}: SwarmStackFormProps & { start: SwarmStackSource & { keptAt?: string } }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const deploy = useDeploySwarmStack(hostId);
  const update = useUpdateSwarmStack(hostId, name);
  const change = name ? update : deploy;
  const form = useForm<StackFormValues, unknown, StackRequest>({
    defaultValues: {
      name,
      compose: start.compose,
      env: start.env.map((entry) => ({ ...entry, key: rowKey() })),
    },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as StackFormValues;
  const errors = flattenErrors(form.formState.errors);

  function onSave(request: StackRequest) {
    setIssues([]);
    const onError = (error: unknown) => {
      setIssues(composeIssues(error));
      if (composeIssues(error).length === 0 && setServerErrors(form.setError, error)) {
        focusFirstError(formRef.current);
      }
    };
    if (name) {
      update.mutate(
        { compose: request.compose, env: request.env, files: start.files ?? {} },
        { onSuccess: onDone, onError },
      );
    } else {
      deploy.mutate(request, { onSuccess: onDone, onError });
    }
  }

  return (
    <Panel title={name ? `Update stack ${name}` : 'Deploy a stack'}>
      <form
        ref={formRef}
        aria-label={name ? `Update stack ${name}` : 'Deploy a stack'}
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(event) => submitForm(event, form, onSave, () => change.reset())}
      >
        {name ? (
          <p className="text-xs text-muted">
            {start.keptAt
              ? `The file it was deployed with on ${new Date(start.keptAt).toLocaleString()}; `
              : 'This stack’s file is not kept in Berth (deployed with the docker CLI, or too large): give its whole file; '}
            the file given replaces the stack’s: changed services are updated, services no longer in
            it are removed.
            {Object.keys(start.files ?? {}).length > 0
              ? ` Its files (${Object.keys(start.files ?? {}).join(', ')}) are kept as deployed.`
              : ''}
          </p>
        ) : (
          <div className="w-72">
            <TextField
              label="Stack name"
              mono
              value={values.name}
              onValueChange={(value) => form.setValue('name', value)}
              error={errors.name}
              placeholder="shop"
            />
          </div>
        )}
        <ComposeEditor
          value={values.compose}
          onChange={(value) => form.setValue('compose', value)}
          issues={issues}
        />
        <ComposeProblems issues={issues} />
        {errors.compose ? <p className="text-xs text-danger">{errors.compose}</p> : null}
        <EnvRows
          rows={values.env}
          errors={errors}
          onChange={(rows) => form.setValue('env', rows)}
        />
        <FormActions
          error={issues.length > 0 ? null : change.error}
          pending={change.isPending}
          submitLabel={name ? 'Update stack' : 'Deploy stack'}
          pendingLabel="Deploying…"
          onCancel={onCancel}
        />
      </form>
    </Panel>
  );
}
