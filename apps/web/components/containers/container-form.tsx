'use client';

import type { TCreateContainerRequest, THostSummary } from '@berth/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import {
  containerFormResolver,
  type ContainerFormValues,
  type HealthcheckKind,
  type PullPolicy,
} from '@/lib/container-form';
import { containerHref } from '@/lib/container-format';
import { usePullProgress } from '@/lib/container-live';
import { useCreateContainer } from '@/lib/container-queries';
import { errorAt, type FieldErrors } from '@/lib/field-errors';
import { useHostObjectNames } from '@/lib/host-object-names';
import { flattenErrors, focusFirstError, setServerErrors } from '@/lib/form-errors';
import { Button, buttonClassName } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { EnvRows, MountRows, NetworkRows, PairRows, PortRows } from './container-form-rows';
import { FormSection } from './form-rows';
import { PullProgress } from './pull-progress';
import { RestartPolicyFields } from './restart-policy-fields';
import { SelectField } from '../ui/select-field';

interface ContainerFormProps {
  initial: ContainerFormValues;
  hosts: readonly THostSummary[];
  /** Set when the form is a copy of another container. */
  sourceName?: string | undefined;
}

const LOG_DRIVERS = ['json-file', 'local', 'syslog', 'journald', 'gelf', 'fluentd', 'none'];

/**
 * Every field of ZCreateContainerRequest, on react-hook-form. The request is checked with that
 * schema before it is sent (`containerFormResolver`); the server's own field errors are set on the
 * same paths and show at the same fields.
 */
export function ContainerForm({ initial, hosts, sourceName }: ContainerFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<ContainerFormValues, unknown, TCreateContainerRequest>({
    defaultValues: initial,
    resolver: containerFormResolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  // The row editors and the dependent sections read the whole form as it is typed.
  const values = useWatch({ control: form.control }) as ContainerFormValues;
  const [pulling, setPulling] = useState<{ hostId: string; image: string } | null>(null);
  const create = useCreateContainer();
  const pull = usePullProgress(pulling);
  const errors = flattenErrors(form.formState.errors);
  const names = useHostObjectNames(values.hostId);

  function set<K extends keyof ContainerFormValues>(key: K, value: ContainerFormValues[K]) {
    form.setValue(key, value as never, { shouldDirty: true });
  }

  function onValid(body: TCreateContainerRequest) {
    create.reset();
    const hostId = values.hostId;
    setPulling(values.pull === 'never' ? null : { hostId, image: body.image });
    create.mutate(
      { hostId, body },
      {
        onSuccess: (created) => router.push(containerHref(created.hostId, created.id)),
        onError: (error) => {
          setServerErrors(form.setError, error);
          focusFirstError(formRef.current);
        },
      },
    );
  }

  function onInvalid() {
    create.reset();
    focusFirstError(formRef.current);
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => void form.handleSubmit(onValid, onInvalid)(event)}
      noValidate
      className="flex flex-col gap-4"
    >
      {sourceName ? (
        <p className="text-sm text-muted">
          A copy of <span className="font-medium text-fg">{sourceName}</span>: change what you need,
          then create. Secret values cannot be read back; type them again.
        </p>
      ) : null}
      <FormSection title="Image and host">
        <div className="grid gap-3 md:grid-cols-2">
          <SelectField
            label="Host"
            value={values.hostId}
            onValueChange={(hostId) => set('hostId', hostId)}
            error={errors.hostId}
          >
            <option value="">Choose a host…</option>
            {hosts.map((host) => (
              <option key={host.hostId} value={host.hostId}>
                {host.name}
                {host.status === 'up' ? '' : ` (${host.status})`}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Name (optional)"
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.name}
            onValueChange={(name) => set('name', name)}
            error={errors.name}
            placeholder="web-1"
            hint="Empty: the engine picks one."
          />
          <TextField
            label="Image"
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.image}
            onValueChange={(image) => set('image', image)}
            error={errors.image}
            placeholder="nginx:1.27"
          />
          <SelectField
            label="Pull the image"
            value={values.pull}
            onValueChange={(pull) => set('pull', pull as PullPolicy)}
            error={errors.pull}
          >
            <option value="missing">When the host does not have it</option>
            <option value="always">Always (get the newest of the tag)</option>
            <option value="never">Never (use the host&apos;s copy)</option>
          </SelectField>
        </div>
        <CheckboxField
          label="Start the container once it is created"
          checked={values.start}
          onCheckedChange={(start) => set('start', start)}
        />
      </FormSection>

      <FormSection
        title="Process"
        description="Split like a shell: sh -c 'echo hello; sleep 60'. Empty: the image's own."
      >
        <div className="grid gap-3 md:grid-cols-2">
          <div className="md:col-span-2">
            <TextField
              label="Command"
              mono
              autoComplete="off"
              spellCheck={false}
              value={values.cmd}
              onValueChange={(cmd) => set('cmd', cmd)}
              error={errorAt(errors, 'cmd')}
              placeholder="npm start"
            />
          </div>
          <TextField
            label="Entrypoint"
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.entrypoint}
            onValueChange={(entrypoint) => set('entrypoint', entrypoint)}
            error={errorAt(errors, 'entrypoint')}
            placeholder="/docker-entrypoint.sh"
          />
          <TextField
            label="Working directory"
            mono
            autoComplete="off"
            value={values.workingDir}
            onValueChange={(workingDir) => set('workingDir', workingDir)}
            error={errors.workingDir}
            placeholder="/app"
          />
          <TextField
            label="User"
            mono
            autoComplete="off"
            value={values.user}
            onValueChange={(user) => set('user', user)}
            error={errors.user}
            placeholder="1000:1000"
            hint="user, uid, user:group or uid:gid"
          />
          <TextField
            label="Hostname"
            mono
            autoComplete="off"
            value={values.hostname}
            onValueChange={(hostname) => set('hostname', hostname)}
            error={errors.hostname}
            placeholder="the short container id"
          />
        </div>
        <div className="flex flex-wrap gap-x-6 gap-y-2">
          <CheckboxField
            label="Allocate a terminal (TTY)"
            checked={values.tty}
            onCheckedChange={(tty) => set('tty', tty)}
          />
          <CheckboxField
            label="Keep stdin open (for attaching)"
            checked={values.interactive}
            onCheckedChange={(interactive) => set('interactive', interactive)}
          />
        </div>
      </FormSection>

      <FormSection
        title="Environment"
        description="Values marked secret are masked in every answer of the API and never audited."
      >
        <EnvRows rows={values.env} onChange={(env) => set('env', env)} errors={errors} />
      </FormSection>

      <FormSection title="Ports" description="Publish container ports on the host.">
        <PortRows rows={values.ports} onChange={(ports) => set('ports', ports)} errors={errors} />
      </FormSection>

      <FormSection
        title="Volumes and binds"
        description="Pick one of the host's volumes or name a new one (it is created); a bind needs an absolute host path."
      >
        <MountRows
          rows={values.volumes}
          onChange={(volumes) => set('volumes', volumes)}
          errors={errors}
          choices={names.volumes}
        />
      </FormSection>

      <FormSection
        title="Networks"
        description="Pick the host's networks; the first is joined at create, the others right after."
      >
        <NetworkRows
          rows={values.networks}
          onChange={(networks) => set('networks', networks)}
          errors={errors}
          choices={names.networks}
        />
      </FormSection>

      <FormSection title="Restart and resources">
        <div className="grid gap-3 md:grid-cols-4">
          <RestartPolicyFields
            allowDefault
            policy={values.restartPolicy}
            onPolicyChange={(policy) => set('restartPolicy', policy)}
            retries={values.maximumRetryCount}
            onRetriesChange={(count) => set('maximumRetryCount', count)}
            policyError={errors['restartPolicy.name'] ?? errors.restartPolicy}
            retriesError={errors['restartPolicy.maximumRetryCount']}
          />
          <TextField
            label="CPUs"
            inputMode="decimal"
            value={values.cpus}
            onValueChange={(cpus) => set('cpus', cpus)}
            error={errors.cpus}
            placeholder="no limit"
            hint="Like 0.5 or 2."
          />
          <TextField
            label="Memory limit"
            mono
            value={values.memory}
            onValueChange={(memory) => set('memory', memory)}
            error={errors.memory}
            placeholder="no limit"
            hint="Like 512m or 1g; at least 6m."
          />
        </div>
      </FormSection>

      <FormSection title="Labels">
        <PairRows
          noun="Label"
          path="labels"
          addLabel="Add label"
          empty="No labels. Berth adds its own (owner, team) by itself."
          rows={values.labels}
          onChange={(labels) => set('labels', labels)}
          errors={errors}
        />
      </FormSection>

      <HealthcheckSection values={values} set={set} errors={errors} />

      <FormSection title="Logging">
        <div className="grid gap-3 md:grid-cols-2">
          <TextField
            label="Log driver"
            mono
            list="berth-log-drivers"
            value={values.logDriver}
            onValueChange={(driver) => set('logDriver', driver)}
            error={errors['logDriver.name'] ?? errors.logDriver}
            placeholder="the engine's default"
          />
          <datalist id="berth-log-drivers">
            {LOG_DRIVERS.map((driver) => (
              <option key={driver} value={driver} />
            ))}
          </datalist>
        </div>
        {values.logDriver.trim() ? (
          <PairRows
            noun="Log option"
            path="logDriver.options"
            addLabel="Add option"
            empty="No options (max-size, max-file…)."
            rows={values.logOptions}
            onChange={(logOptions) => set('logOptions', logOptions)}
            errors={errors}
          />
        ) : null}
      </FormSection>

      {pulling && pull && (create.isPending || create.isError) ? (
        <PullProgress image={pulling.image} pull={pull} />
      ) : null}
      {create.error ? <ErrorNotice error={create.error} /> : null}
      <div className="flex flex-wrap justify-end gap-2">
        <Link href="/containers" className={buttonClassName('secondary')}>
          Cancel
        </Link>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending
            ? pull && !pull.done
              ? 'Pulling the image…'
              : 'Creating…'
            : values.start
              ? 'Create and start'
              : 'Create container'}
        </Button>
      </div>
    </form>
  );
}

interface HealthcheckSectionProps {
  values: ContainerFormValues;
  set: <K extends keyof ContainerFormValues>(key: K, value: ContainerFormValues[K]) => void;
  errors: FieldErrors;
}

function HealthcheckSection({ values, set, errors }: HealthcheckSectionProps) {
  const kind = values.healthcheckKind;
  const timed = kind === 'CMD' || kind === 'CMD-SHELL';
  return (
    <FormSection title="Healthcheck">
      <div className="grid gap-3 md:grid-cols-[14rem_1fr]">
        <SelectField
          label="Check"
          value={kind}
          onValueChange={(next) => set('healthcheckKind', next as HealthcheckKind)}
          error={kind === 'NONE' ? errorAt(errors, 'healthcheck') : undefined}
        >
          <option value="image">The image&apos;s own</option>
          <option value="CMD">Run a program (CMD)</option>
          <option value="CMD-SHELL">Run a shell command (CMD-SHELL)</option>
          <option value="NONE">Disabled (NONE)</option>
        </SelectField>
        {timed ? (
          <TextField
            label={kind === 'CMD' ? 'Program and arguments' : 'Shell command'}
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.healthcheckTest}
            onValueChange={(test) => set('healthcheckTest', test)}
            error={errorAt(errors, 'healthcheck.test')}
            placeholder={
              kind === 'CMD'
                ? 'wget -q --spider http://localhost/'
                : 'curl -f http://localhost/ || exit 1'
            }
          />
        ) : null}
      </div>
      {timed ? (
        <div className="grid gap-3 sm:grid-cols-2 md:grid-cols-4">
          <TextField
            label="Interval (s)"
            inputMode="decimal"
            value={values.healthcheckInterval}
            onValueChange={(v) => set('healthcheckInterval', v)}
            error={errors['healthcheck.intervalSeconds']}
            placeholder="30"
          />
          <TextField
            label="Timeout (s)"
            inputMode="decimal"
            value={values.healthcheckTimeout}
            onValueChange={(v) => set('healthcheckTimeout', v)}
            error={errors['healthcheck.timeoutSeconds']}
            placeholder="30"
          />
          <TextField
            label="Start period (s)"
            inputMode="decimal"
            value={values.healthcheckStartPeriod}
            onValueChange={(v) => set('healthcheckStartPeriod', v)}
            error={errors['healthcheck.startPeriodSeconds']}
            placeholder="0"
          />
          <TextField
            label="Retries"
            inputMode="numeric"
            value={values.healthcheckRetries}
            onValueChange={(v) => set('healthcheckRetries', v)}
            error={errors['healthcheck.retries']}
            placeholder="3"
          />
        </div>
      ) : null}
    </FormSection>
  );
}
