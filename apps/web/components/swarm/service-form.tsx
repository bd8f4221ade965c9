'use client';

import { ZCreateServiceRequest } from '@berth/shared';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { errorAt, type FieldErrors } from '@/lib/field-errors';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
  withFormChecks,
} from '@/lib/form-errors';
import { recordError } from '@/lib/key-values';
import { useNetworkList } from '@/lib/network-queries';
import {
  emptyServiceForm,
  newFileRefRow,
  newServiceMountRow,
  newServicePortRow,
  serviceFormChecks,
  toCreateServiceRequest,
  type FileRefRow,
  type ServiceFormValues,
  type ServiceMountRow,
  type ServicePortRow,
  type UpdateSettings,
} from '@/lib/service-form';
import { useSwarmObjects } from '@/lib/swarm-object-queries';
import { useCreateService, useSwarmHosts } from '@/lib/swarm-queries';
import { EnvRows } from '../containers/container-form-rows';
import { CellCheckbox, CellInput, CellSelect, FormSection, RowList } from '../containers/form-rows';
import { CheckboxField } from '../ui/checkbox-field';
import { FormActions } from '../ui/form-actions';
import { KeyValueField } from '../ui/key-value-field';
import { PageHeader } from '../ui/page-header';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';
import { serviceHref } from './service-format';

const resolver = withFormChecks(
  requestResolver(ZCreateServiceRequest, toCreateServiceRequest),
  serviceFormChecks,
);

function replace<Row>(rows: readonly Row[], index: number, patch: Partial<Row>): Row[] {
  return rows.map((row, i) => (i === index ? { ...row, ...patch } : row));
}
const without = <Row,>(rows: readonly Row[], index: number) => rows.filter((_, i) => i !== index);

/**
 * `/services/new`: a service on a swarm manager host, every field of `docker service create` that
 * Berth takes. The shared schema checks it as typed; the server's field errors show at their fields.
 */
export function ServiceForm({ initialHostId }: { initialHostId: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const managers = useSwarmHosts('swarm.manage');
  const form = useForm<ServiceFormValues, unknown, ReturnType<typeof ZCreateServiceRequest.parse>>({
    defaultValues: emptyServiceForm(initialHostId),
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as ServiceFormValues;
  const errors = flattenErrors(form.formState.errors);
  const set = <K extends keyof ServiceFormValues>(key: K, value: ServiceFormValues[K]) =>
    form.setValue(key as never, value as never, { shouldDirty: true });
  const create = useCreateService(values.hostId);
  const firstManager = managers.hosts[0]?.hostId ?? '';
  // With one manager host (or none asked for), the form starts on the first one.
  useEffect(() => {
    if (!form.getValues('hostId') && firstManager) form.setValue('hostId', firstManager);
  }, [form, firstManager]);

  return (
    <>
      <PageHeader
        title="New service"
        description="A service on the swarm of a manager host: its tasks are placed on the swarm's nodes."
      />
      <form
        ref={formRef}
        aria-label="New service"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) =>
          submitForm(
            event,
            form,
            (request) =>
              create.mutate(request, {
                onSuccess: (made) => router.push(serviceHref(values.hostId, made.id)),
                onError: (error) => {
                  if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
                },
              }),
            () => create.reset(),
          )
        }
      >
        <FormSection title="Service">
          <div className="grid gap-3 md:grid-cols-3">
            <SelectField
              label="Host"
              value={values.hostId}
              onValueChange={(value) => {
                set('hostId', value);
                set('networks', []);
              }}
              error={errors.hostId}
              hint="Swarm managers you may change"
            >
              <option value="">Choose a manager host</option>
              {managers.hosts.map((host) => (
                <option key={host.hostId} value={host.hostId}>
                  {host.name}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Name"
              mono
              value={values.name}
              onValueChange={(value) => set('name', value)}
              error={errors.name}
              placeholder="web"
            />
            <TextField
              label="Image"
              mono
              value={values.image}
              onValueChange={(value) => set('image', value)}
              error={errors.image}
              placeholder="nginx:alpine"
            />
          </div>
          <TextField
            label="Command"
            mono
            value={values.command}
            onValueChange={(value) => set('command', value)}
            error={errorAt(errors, 'command')}
            placeholder="sh -c 'while true; do date; sleep 1; done'"
            hint="Split into words as a shell would; left empty, the image's own"
          />
          <div className="grid gap-3 md:grid-cols-3">
            <SelectField
              label="Mode"
              value={values.mode}
              onValueChange={(value) => set('mode', value as ServiceFormValues['mode'])}
              error={errors.mode}
              hint={
                values.mode === 'global'
                  ? 'One task on every node'
                  : 'A number of tasks, placed by the swarm'
              }
            >
              <option value="replicated">replicated</option>
              <option value="global">global</option>
            </SelectField>
            {values.mode === 'replicated' ? (
              <TextField
                label="Replicas"
                type="number"
                min={0}
                inputMode="numeric"
                value={values.replicas}
                onValueChange={(value) => set('replicas', value)}
                error={errors.replicas}
              />
            ) : null}
          </div>
        </FormSection>

        <FormSection
          title="Published ports"
          description="Ingress ports answer on every node; host ports only where a task runs."
        >
          <ServicePorts
            rows={values.ports}
            errors={errors}
            onChange={(rows) => set('ports', rows)}
          />
        </FormSection>

        <FormSection
          title="Networks"
          description="Overlay networks of the host's swarm the tasks join."
        >
          <OverlayNetworks
            hostId={values.hostId}
            chosen={values.networks}
            onChange={(networks) => set('networks', networks)}
            error={errorAt(errors, 'networks')}
          />
        </FormSection>

        <FormSection
          title="Environment"
          description="A secret variable's value is never shown again nor audited."
        >
          <EnvRows rows={values.env} errors={errors} onChange={(rows) => set('env', rows)} />
        </FormSection>

        <FormSection title="Mounts">
          <ServiceMounts
            rows={values.mounts}
            errors={errors}
            onChange={(rows) => set('mounts', rows)}
          />
        </FormSection>

        <FormSection title="Placement">
          <div className="grid gap-3 md:grid-cols-3">
            <KeyValueField
              label="Constraints"
              value={values.constraints}
              onValueChange={(value) => set('constraints', value)}
              error={recordError(errors, 'constraints')}
              hint="One per line: node.role==worker, node.labels.zone!=b"
              placeholder="node.role==worker"
            />
            <KeyValueField
              label="Spread over"
              value={values.placementPreferences}
              onValueChange={(value) => set('placementPreferences', value)}
              error={recordError(errors, 'placementPreferences')}
              hint="One node label per line, tasks spread evenly over its values"
              placeholder="node.labels.zone"
            />
            <TextField
              label="At most per node"
              type="number"
              min={0}
              value={values.maxReplicasPerNode}
              onValueChange={(value) => set('maxReplicasPerNode', value)}
              error={errors.maxReplicasPerNode}
              hint="Tasks of this service on one node; empty: no limit"
            />
          </div>
        </FormSection>

        <FormSection title="Resources">
          <div className="grid gap-3 md:grid-cols-4">
            <TextField
              label="CPU limit"
              inputMode="decimal"
              value={values.cpuLimit}
              onValueChange={(value) => set('cpuLimit', value)}
              error={errors['resources.limits.cpus']}
              placeholder="0.5"
            />
            <TextField
              label="Memory limit"
              mono
              value={values.memoryLimit}
              onValueChange={(value) => set('memoryLimit', value)}
              error={errors['resources.limits.memory']}
              placeholder="256m"
            />
            <TextField
              label="CPU reserved"
              inputMode="decimal"
              value={values.cpuReservation}
              onValueChange={(value) => set('cpuReservation', value)}
              error={errors['resources.reservations.cpus']}
              placeholder="0.25"
            />
            <TextField
              label="Memory reserved"
              mono
              value={values.memoryReservation}
              onValueChange={(value) => set('memoryReservation', value)}
              error={errors['resources.reservations.memory']}
              placeholder="128m"
            />
          </div>
        </FormSection>

        <FormSection title="Restart policy">
          <div className="grid gap-3 md:grid-cols-3">
            <SelectField
              label="Restart"
              value={values.restartCondition}
              onValueChange={(value) =>
                set('restartCondition', value as ServiceFormValues['restartCondition'])
              }
              error={errors['restartPolicy.condition']}
            >
              <option value="">engine default (any)</option>
              <option value="any">any</option>
              <option value="on-failure">on-failure</option>
              <option value="none">none</option>
            </SelectField>
            {values.restartCondition ? (
              <>
                <TextField
                  label="Restart delay (s)"
                  type="number"
                  min={0}
                  value={values.restartDelay}
                  onValueChange={(value) => set('restartDelay', value)}
                  error={errors['restartPolicy.delaySeconds']}
                />
                <TextField
                  label="Max attempts"
                  type="number"
                  min={0}
                  value={values.restartMaxAttempts}
                  onValueChange={(value) => set('restartMaxAttempts', value)}
                  error={errors['restartPolicy.maxAttempts']}
                />
              </>
            ) : null}
          </div>
        </FormSection>

        <FormSection
          title="Rolling updates"
          description="How tasks are replaced when the service changes."
        >
          <UpdateConfigFields
            value={values.update}
            onChange={(value) => set('update', value)}
            errors={errors}
            prefix="updateConfig"
          />
        </FormSection>

        <FormSection
          title="Rollback"
          description="How tasks are put back when an update is rolled back (by hand or on failure)."
        >
          <UpdateConfigFields
            label="Rollback"
            value={values.rollback}
            onChange={(value) => set('rollback', value)}
            errors={errors}
            prefix="rollbackConfig"
            failureActions={['pause', 'continue']}
          />
        </FormSection>

        <FormSection
          title="Secrets and configs"
          description="Given to every task as files: /run/secrets/<name> for a secret, /<name> for a config."
        >
          <div className="grid gap-4 md:grid-cols-2">
            <FileRefs
              hostId={values.hostId}
              noun="Secret"
              path="secrets"
              rows={values.secrets}
              errors={errors}
              onChange={(rows) => set('secrets', rows)}
            />
            <FileRefs
              hostId={values.hostId}
              noun="Config"
              path="configs"
              rows={values.configs}
              errors={errors}
              onChange={(rows) => set('configs', rows)}
            />
          </div>
        </FormSection>

        <FormSection title="Labels">
          <KeyValueField
            label="Service labels"
            value={values.labels}
            onValueChange={(value) => set('labels', value)}
            error={recordError(errors, 'labels')}
            placeholder="tier=web"
          />
        </FormSection>

        <FormActions
          error={create.error}
          pending={create.isPending}
          submitLabel="Create service"
          pendingLabel="Creating…"
          onCancel={() => router.push('/services')}
        />
      </form>
    </>
  );
}

/**
 * Parallelism, delay, order, failure action, monitor period and failure ratio of a rolling update
 * or a rollback; errors at `prefix.*`. A rollback cannot itself roll back: `failureActions` limits
 * the choice.
 */
export function UpdateConfigFields({
  label,
  value,
  onChange,
  errors,
  prefix,
  failureActions = ['pause', 'continue', 'rollback'],
}: {
  /** Names the fields apart when a form has more than one set (`Rollback parallelism`). */
  label?: string;
  value: UpdateSettings;
  onChange: (value: UpdateSettings) => void;
  errors: FieldErrors;
  prefix: string;
  failureActions?: readonly UpdateSettings['failureAction'][];
}) {
  const set = <K extends keyof UpdateSettings>(key: K, next: UpdateSettings[K]) =>
    onChange({ ...value, [key]: next });
  const named = (name: string) => (label ? `${label} ${name.toLowerCase()}` : name);
  return (
    <div className="grid gap-3 md:grid-cols-3">
      <TextField
        label={named('Parallelism')}
        type="number"
        min={0}
        value={value.parallelism}
        onValueChange={(next) => set('parallelism', next)}
        error={errors[`${prefix}.parallelism`]}
        hint="Tasks replaced at once; 0: all"
      />
      <TextField
        label={named('Delay (s)')}
        type="number"
        min={0}
        value={value.delay}
        onValueChange={(next) => set('delay', next)}
        error={errors[`${prefix}.delaySeconds`]}
        hint="Between batches"
      />
      <SelectField
        label={named('Order')}
        value={value.order}
        onValueChange={(next) => set('order', next as UpdateSettings['order'])}
        error={errors[`${prefix}.order`]}
      >
        <option value="stop-first">stop-first</option>
        <option value="start-first">start-first</option>
      </SelectField>
      <SelectField
        label={named('On failure')}
        value={value.failureAction}
        onValueChange={(next) => set('failureAction', next as UpdateSettings['failureAction'])}
        error={errors[`${prefix}.failureAction`]}
      >
        {failureActions.map((action) => (
          <option key={action} value={action}>
            {action}
          </option>
        ))}
      </SelectField>
      <TextField
        label={named('Monitor (s)')}
        type="number"
        min={0}
        value={value.monitor}
        onValueChange={(next) => set('monitor', next)}
        error={errors[`${prefix}.monitorSeconds`]}
        hint="How long a new task is watched for failure"
      />
      <TextField
        label={named('Max failure ratio')}
        type="number"
        min={0}
        max={1}
        step={0.05}
        value={value.maxFailureRatio}
        onValueChange={(next) => set('maxFailureRatio', next)}
        error={errors[`${prefix}.maxFailureRatio`]}
        hint="Failed tasks tolerated, 0 to 1"
      />
    </div>
  );
}

function ServicePorts({
  rows,
  errors,
  onChange,
}: {
  rows: ServicePortRow[];
  errors: FieldErrors;
  onChange: (rows: ServicePortRow[]) => void;
}) {
  return (
    <RowList
      noun="Port"
      rows={rows}
      columns={[
        { label: 'Published', className: 'w-28 shrink-0' },
        { label: 'Target', className: 'w-28 shrink-0' },
        { label: 'Protocol', className: 'w-24 shrink-0' },
        { label: 'Mode', className: 'w-28 shrink-0' },
      ]}
      addLabel="Add port"
      empty="No published port."
      error={errors.ports}
      onAdd={() => onChange([...rows, newServicePortRow()])}
      onRemove={(index) => onChange(without(rows, index))}
      renderRow={(row, index, label) => (
        <>
          <CellInput
            label={label('published')}
            className="w-28 shrink-0"
            inputMode="numeric"
            placeholder="8080"
            value={row.published}
            onValueChange={(published) => onChange(replace(rows, index, { published }))}
            error={errors[`ports.${index}.published`]}
          />
          <CellInput
            label={label('target')}
            className="w-28 shrink-0"
            inputMode="numeric"
            placeholder="80"
            value={row.target}
            onValueChange={(target) => onChange(replace(rows, index, { target }))}
            error={errors[`ports.${index}.target`]}
          />
          <CellSelect
            label={label('protocol')}
            className="w-24 shrink-0"
            options={['tcp', 'udp', 'sctp']}
            value={row.protocol}
            onValueChange={(protocol) =>
              onChange(replace(rows, index, { protocol: protocol as ServicePortRow['protocol'] }))
            }
          />
          <CellSelect
            label={label('mode')}
            className="w-28 shrink-0"
            options={['ingress', 'host']}
            value={row.mode}
            onValueChange={(mode) =>
              onChange(replace(rows, index, { mode: mode as ServicePortRow['mode'] }))
            }
          />
        </>
      )}
    />
  );
}

function ServiceMounts({
  rows,
  errors,
  onChange,
}: {
  rows: ServiceMountRow[];
  errors: FieldErrors;
  onChange: (rows: ServiceMountRow[]) => void;
}) {
  return (
    <RowList
      noun="Mount"
      rows={rows}
      columns={[
        { label: 'Type', className: 'w-28 shrink-0' },
        { label: 'Source', className: 'flex-1' },
        { label: 'Target', className: 'flex-1' },
        { label: '', className: 'w-24 shrink-0' },
      ]}
      addLabel="Add mount"
      empty="No mount."
      error={errors.mounts}
      onAdd={() => onChange([...rows, newServiceMountRow()])}
      onRemove={(index) => onChange(without(rows, index))}
      renderRow={(row, index, label) => (
        <>
          <CellSelect
            label={label('type')}
            className="w-28 shrink-0"
            options={['volume', 'bind', 'tmpfs']}
            value={row.type}
            onValueChange={(type) =>
              onChange(replace(rows, index, { type: type as ServiceMountRow['type'] }))
            }
          />
          <CellInput
            label={label('source')}
            mono
            className="flex-1"
            placeholder={row.type === 'bind' ? '/srv/data' : row.type === 'volume' ? 'data' : ''}
            disabled={row.type === 'tmpfs'}
            value={row.source}
            onValueChange={(source) => onChange(replace(rows, index, { source }))}
            error={errors[`mounts.${index}.source`]}
          />
          <CellInput
            label={label('target')}
            mono
            className="flex-1"
            placeholder="/data"
            value={row.target}
            onValueChange={(target) => onChange(replace(rows, index, { target }))}
            error={errors[`mounts.${index}.target`]}
          />
          <CellCheckbox
            label="Read only"
            className="w-24 shrink-0"
            checked={row.readOnly}
            onCheckedChange={(readOnly) => onChange(replace(rows, index, { readOnly }))}
          />
        </>
      )}
    />
  );
}

/** Secrets or configs by name (those of the host's swarm offered), with the file name in the task. */
function FileRefs({
  hostId,
  noun,
  path,
  rows,
  errors,
  onChange,
}: {
  hostId: string;
  noun: string;
  path: 'secrets' | 'configs';
  rows: FileRefRow[];
  errors: FieldErrors;
  onChange: (rows: FileRefRow[]) => void;
}) {
  const listId = useId();
  const known = useSwarmObjects(hostId, path === 'secrets' ? 'secret' : 'config').data?.items ?? [];
  return (
    <>
      <datalist id={listId}>
        {known.map((item) => (
          <option key={item.id} value={item.name} />
        ))}
      </datalist>
      <RowList
        noun={noun}
        rows={rows}
        columns={[
          { label: 'Name', className: 'flex-1' },
          { label: 'File name', className: 'flex-1' },
        ]}
        addLabel={`Add ${noun.toLowerCase()}`}
        empty={`No ${noun.toLowerCase()}.`}
        error={errors[path]}
        onAdd={() => onChange([...rows, newFileRefRow()])}
        onRemove={(index) => onChange(without(rows, index))}
        renderRow={(row, index, label) => (
          <>
            <CellInput
              label={label('name')}
              mono
              className="flex-1"
              list={listId}
              autoComplete="off"
              value={row.source}
              onValueChange={(source) => onChange(replace(rows, index, { source }))}
              error={errors[`${path}.${index}.source`]}
            />
            <CellInput
              label={label('file name')}
              mono
              className="flex-1"
              placeholder="same as the name"
              value={row.target}
              onValueChange={(target) => onChange(replace(rows, index, { target }))}
              error={errors[`${path}.${index}.target`]}
            />
          </>
        )}
      />
    </>
  );
}

/** The swarm-scoped overlay networks of the host (not its ingress), as checkboxes. */
function OverlayNetworks({
  hostId,
  chosen,
  onChange,
  error,
}: {
  hostId: string;
  chosen: string[];
  onChange: (networks: string[]) => void;
  error: string | undefined;
}) {
  const { rows } = useNetworkList({ hostId, driver: 'overlay' });
  const overlays = useMemo(
    () =>
      rows.filter(
        (network) =>
          network.hostId === hostId && network.driver === 'overlay' && network.name !== 'ingress',
      ),
    [rows, hostId],
  );
  if (!hostId) return <p className="text-xs text-muted">Choose the host first.</p>;
  return (
    <div className="flex flex-col gap-2">
      {overlays.length === 0 ? (
        <p className="text-xs text-muted">
          No overlay network on this host yet; create one on the Networks page (driver overlay).
        </p>
      ) : (
        <div className="flex flex-wrap gap-x-6 gap-y-2">
          {overlays.map((network) => (
            <CheckboxField
              key={network.id}
              label={network.name}
              checked={chosen.includes(network.name)}
              onCheckedChange={(checked) =>
                onChange(
                  checked
                    ? [...chosen, network.name]
                    : chosen.filter((name) => name !== network.name),
                )
              }
            />
          ))}
        </div>
      )}
      {error ? <p className="text-xs font-medium text-danger">{error}</p> : null}
    </div>
  );
}
