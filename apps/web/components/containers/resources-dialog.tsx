'use client';

import type { TContainerInspect } from '@berth/shared';
import { useMemo, useState } from 'react';
import { useUpdateContainer } from '@/lib/container-queries';
import { fieldErrorsFromError } from '@/lib/field-errors';
import { formatBytes } from '@/lib/format';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';
import { ActionDialog } from './action-dialog';
import {
  cpuLimit,
  initialValues,
  readResources,
  serverErrors,
  toUpdateRequest,
  type MemoryUnit,
  type ResourceField,
  type ResourceFormValues,
} from './resource-form';
import { RestartPolicyFields } from './restart-policy-fields';

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
export function ResourcesDialog({
  open,
  hostId,
  id,
  name,
  raw,
  onClose,
  onSaved,
}: ResourcesDialogProps) {
  const update = useUpdateContainer(hostId, id);
  const current = useMemo(() => readResources(raw), [raw]);
  const [values, setValues] = useState<ResourceFormValues>(() => initialValues(current));
  const [errors, setErrors] = useState<Partial<Record<ResourceField, string>>>({});
  // Each opening starts again from what the engine holds now.
  const [shown, setShown] = useState(open);
  if (open !== shown) {
    setShown(open);
    if (open) {
      setValues(initialValues(current));
      setErrors({});
    }
  }
  const fromServer = serverErrors(fieldErrorsFromError(update.error));
  const errorOf = (field: ResourceField) => errors[field] ?? fromServer[field];

  function set<K extends keyof ResourceFormValues>(key: K, value: ResourceFormValues[K]) {
    setValues((before) => ({ ...before, [key]: value }));
    // A field's problem goes once it is edited; the others stay until the next save.
    const field: ResourceField = key === 'memoryUnit' ? 'memory' : key;
    setErrors((before) => ({ ...before, [field]: undefined, form: undefined }));
  }

  function save() {
    const result = toUpdateRequest(current, values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    update.mutate(result.request, { onSuccess: (answer) => onSaved(answer.warnings) });
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
      <div className="grid gap-3 sm:grid-cols-2">
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
