'use client';

import type { TContainerInspect, TUpdateContainerRequest } from '@berth/shared';
import { useMemo, useRef, useState } from 'react';
import {
  useForm,
  useWatch,
  type FieldErrors,
  type Resolver,
  type UseFormReturn,
} from 'react-hook-form';
import { ApiError } from '@/lib/api';
import { useUpdateContainer } from '@/lib/container-queries';
import { flattenErrors, focusFirstError } from '@/lib/form-errors';
import { formatBytes } from '@/lib/format';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';
import { ActionDialog } from './action-dialog';
import {
  cpuLimit,
  initialValues,
  readResources,
  fieldOf,
  toUpdateRequest,
  type CurrentResources,
  type MemoryUnit,
  type ResourceField,
  type ResourceFormValues,
} from './resource-form';
import { RestartPolicyFields } from './restart-policy-fields';

/** The form's field name in react-hook-form: a problem of the whole request is the root's. */
function pathOf(field: ResourceField): keyof ResourceFormValues | 'root' {
  return field === 'form' ? 'root' : field;
}

/**
 * The request is made from what changed (toUpdateRequest), then checked with
 * ZUpdateContainerRequest; its problems show at the fields they are about.
 */
function resourceResolver(
  current: CurrentResources,
): Resolver<ResourceFormValues, unknown, TUpdateContainerRequest> {
  return (values) => {
    const result = toUpdateRequest(current, values);
    if (result.ok) return { values: result.request, errors: {} };
    const errors: Record<string, { type: string; message: string }> = {};
    for (const [field, message] of Object.entries(result.errors)) {
      if (message) errors[pathOf(field as ResourceField)] = { type: 'form', message };
    }
    return { values: {}, errors: errors as FieldErrors<ResourceFormValues> };
  };
}

/** The API's per-field answers, named by request path, onto the fields that show them. */
function setResourceServerErrors(
  form: UseFormReturn<ResourceFormValues, unknown, TUpdateContainerRequest>,
  error: unknown,
): boolean {
  if (!(error instanceof ApiError)) return false;
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const path = pathOf(fieldOf(issue.path));
    if (seen.has(path)) continue;
    seen.add(path);
    form.setError(path, { type: 'server', message: issue.message });
  }
  return error.issues.length > 0;
}

interface ResourcesDialogProps {
  open: boolean;
  hostId: string;
  id: string;
  name: string;
  raw: TContainerInspect;
  onClose: () => void;
  /** After the engine took the change, with any warnings it gave. */
  onSaved: (warnings: string[]) => void;
}

/**
 * CPU shares, CPUs, memory limit and restart policy of a container, starting from the engine's
 * current values; only what was changed is sent.
 */
export function ResourcesDialog(props: ResourcesDialogProps) {
  // Each opening starts again from what the engine holds now: a new form for each.
  const [shown, setShown] = useState(props.open);
  const [opening, setOpening] = useState(0);
  if (props.open !== shown) {
    setShown(props.open);
    if (props.open) setOpening((count) => count + 1);
  }
  return <ResourcesForm key={opening} {...props} />;
}

function ResourcesForm({ open, hostId, id, name, raw, onClose, onSaved }: ResourcesDialogProps) {
  const update = useUpdateContainer(hostId, id);
  const current = useMemo(() => readResources(raw), [raw]);
  const fieldsRef = useRef<HTMLDivElement>(null);
  const form = useForm<ResourceFormValues, unknown, TUpdateContainerRequest>({
    defaultValues: initialValues(current),
    resolver: resourceResolver(current),
    // Errors stay until the next save (or an edit of their field), as the server's do.
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as ResourceFormValues;
  const errors = flattenErrors(form.formState.errors);
  const errorOf = (field: ResourceField) => errors[pathOf(field)];

  function set<K extends keyof ResourceFormValues>(key: K, value: ResourceFormValues[K]) {
    form.setValue(key, value as never, { shouldDirty: true });
    // A field's problem goes once it is edited; the others, and the server's, stay until the next save.
    const field = key === 'memoryUnit' ? 'memory' : key;
    const { errors: now } = form.formState;
    if (now[field] && now[field].type !== 'server') form.clearErrors(field);
    if (now.root && now.root.type !== 'server') form.clearErrors('root');
  }

  function save() {
    const element = fieldsRef.current?.closest('form') ?? null;
    void form.handleSubmit(
      (request) =>
        update.mutate(request, {
          onSuccess: (answer) => onSaved(answer.warnings),
          onError: (error) => {
            if (setResourceServerErrors(form, error)) focusFirstError(element);
          },
        }),
      () => {
        update.reset();
        focusFirstError(element);
      },
    )();
  }

  const cpus = cpuLimit(current);
  const lockedCpus = current.nanoCpus > 0;
  return (
    <ActionDialog
      open={open}
      title={`Resources of ${name}`}
      confirmLabel="Save"
      pending={update.isPending}
      error={update.error}
      onClose={() => {
        update.reset();
        onClose();
      }}
      onConfirm={save}
    >
      <p>Changes apply at once, also to a running container.</p>
      <div ref={fieldsRef} className="grid gap-3 sm:grid-cols-2">
        <RestartPolicyFields
          autoFocus
          policy={values.restartPolicy}
          onPolicyChange={(policy) => set('restartPolicy', policy)}
          retries={values.maximumRetryCount}
          onRetriesChange={(count) => set('maximumRetryCount', count)}
          policyError={errorOf('restartPolicy')}
          retriesError={errorOf('maximumRetryCount')}
          policyHint={`Now: ${current.restartPolicy.name}.`}
        />
        <TextField
          label="CPU shares"
          inputMode="numeric"
          value={values.cpuShares}
          onValueChange={(shares) => set('cpuShares', shares)}
          error={errorOf('cpuShares')}
          placeholder="1024"
          hint={`Weight when CPUs are busy. Now: ${current.cpuShares || '1024 (default)'}.`}
        />
        <TextField
          label="CPUs"
          inputMode="decimal"
          disabled={lockedCpus}
          value={values.cpus}
          onValueChange={(text) => set('cpus', text)}
          error={errorOf('cpus')}
          placeholder="no limit"
          hint={
            lockedCpus
              ? 'Set with --cpus at create; the engine keeps it. Recreate to change it.'
              : `Like 0.5 or 2. Now: ${cpus > 0 ? cpus : 'no limit'}.`
          }
        />
        <TextField
          label="Memory limit"
          inputMode="decimal"
          value={values.memory}
          onValueChange={(memory) => set('memory', memory)}
          error={errorOf('memory')}
          placeholder="no limit"
          hint={`At least 6 MiB. Now: ${current.memory > 0 ? formatBytes(current.memory) : 'no limit'}.`}
        />
        <SelectField
          label="Memory unit"
          value={values.memoryUnit}
          onValueChange={(unit) => set('memoryUnit', unit as MemoryUnit)}
        >
          <option value="MiB">MiB</option>
          <option value="GiB">GiB</option>
        </SelectField>
      </div>
      {errorOf('form') ? (
        <p role="alert" className="text-xs font-medium text-danger">
          {errorOf('form')}
        </p>
      ) : null}
    </ActionDialog>
  );
}
