'use client';

import { DEFAULT_HOST_POLICY, ZHostPolicy, type THostPolicy } from '@berth/shared';
import { ArrowLeft, KeyRound, Plus, X } from 'lucide-react';
import Link from 'next/link';
import { useRef, type FormEvent } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useHostPolicy, useSaveHostPolicy } from '@/lib/admin-queries';
import { ApiError } from '@/lib/api';
import { errorAt, type FieldErrors } from '@/lib/field-errors';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import { useHost } from '@/lib/queries';
import { Button, buttonClassName } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { WarningNote } from '../hosts/warning-note';
import { AdminError } from './admin-error';
import { LoadingBlock } from './loading-block';
import { RadioGroup, type RadioOption } from './radio-group';
import { SavedNote } from './saved-note';

type PolicyToggle = Exclude<keyof THostPolicy, 'bindMounts' | 'allowedBindPrefixes'>;

/** Each "forbid" switch: what it refuses, and what allowing it would hand over. */
const TOGGLES: readonly { key: PolicyToggle; label: string; hint: string; risk: string }[] = [
  {
    key: 'forbidPrivileged',
    label: 'Forbid privileged containers',
    hint: 'Also refuses switching off seccomp, AppArmor or SELinux confinement and unmasking kernel paths.',
    risk: 'A privileged container has full root access to the host.',
  },
  {
    key: 'forbidHostNetwork',
    label: 'Forbid the host network (--network host)',
    hint: 'Containers get their own network stack.',
    risk: "Such a container can listen on any host port and reach services bound to the host's localhost.",
  },
  {
    key: 'forbidHostPid',
    label: 'Forbid the host process namespace (--pid host)',
    hint: 'Containers see only their own processes.',
    risk: 'Such a container sees every process of the host and, as root, can signal or trace them.',
  },
  {
    key: 'forbidHostIpc',
    label: 'Forbid the host IPC namespace (--ipc host)',
    hint: 'Containers get their own shared memory and semaphores.',
    risk: 'Such a container can read and write the shared memory of host processes.',
  },
  {
    key: 'forbidHostUts',
    label: 'Forbid the host UTS namespace (--uts host)',
    hint: 'Containers get their own hostname.',
    risk: "Such a container shares the host's hostname and, with SYS_ADMIN, can change it.",
  },
  {
    key: 'forbidHostUserns',
    label: 'Forbid the host user namespace (--userns host)',
    hint: 'Matters when the engine remaps users (userns-remap): containers keep that remapping.',
    risk: 'On an engine that remaps users, root in such a container is root on the host.',
  },
  {
    key: 'forbidHostCgroupns',
    label: 'Forbid the host cgroup namespace (--cgroupns host)',
    hint: 'Containers see only their own cgroups. On cgroup v1 engines the host namespace is the default anyway.',
    risk: "Such a container sees the host's whole cgroup tree.",
  },
  {
    key: 'forbidDevices',
    label: 'Forbid host devices (--device, --gpus, device cgroup rules)',
    hint: 'Containers cannot open the host’s disks, GPUs or other devices.',
    risk: 'A raw disk device gives access to every file on it, below any permission check.',
  },
  {
    key: 'forbidAddedCapabilities',
    label: 'Forbid added capabilities (--cap-add)',
    hint: "Docker's default capability set stays allowed; anything beyond it (SYS_ADMIN, NET_ADMIN…) is refused.",
    risk: 'Capabilities such as SYS_ADMIN make escaping the container easy.',
  },
  {
    key: 'forbidSysctls',
    label: 'Forbid kernel parameters (--sysctl)',
    hint: 'Containers keep the kernel settings Docker gives them.',
    risk: 'Namespaced kernel settings can weaken the container’s network isolation.',
  },
];

const BIND_MODES: readonly RadioOption<THostPolicy['bindMounts']>[] = [
  {
    value: 'forbid',
    label: 'Forbid bind mounts',
    hint: 'Named volumes only. Also refuses local volumes that bind a host path and --volumes-from.',
  },
  {
    value: 'allow-listed',
    label: 'Allow paths under listed prefixes',
    hint: 'Host paths under one of the prefixes below; everything else is refused.',
  },
  {
    value: 'allow',
    label: 'Allow any host path',
    hint: 'No check at all.',
  },
];

export function HostPolicyView({ id }: { id: string }) {
  const host = useHost(id);
  const policy = useHostPolicy(id);
  const hostPath = `/hosts/${encodeURIComponent(id)}`;
  const name = host.data?.name ?? 'host';

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-col gap-1">
          <Link
            href={hostPath}
            className="inline-flex items-center gap-1 text-xs text-muted hover:text-fg"
          >
            <ArrowLeft aria-hidden className="size-3.5" />
            {host.data ? host.data.name : 'Host'}
          </Link>
          <h2 className="text-base font-semibold text-fg">Security policy of {name}</h2>
          <p className="max-w-3xl text-sm text-muted">
            Limits checked by the gateway whenever someone who is not a global administrator creates
            a container or a volume on this host, through the console or the Docker API.
          </p>
        </div>
        <Link
          href={`/admin/grants?host=${encodeURIComponent(id)}`}
          className={buttonClassName('secondary')}
        >
          <KeyRound aria-hidden />
          Grants on this host
        </Link>
      </div>
      <PolicyBody hostId={id} policy={policy} />
    </div>
  );
}

function PolicyBody({
  hostId,
  policy,
}: {
  hostId: string;
  policy: ReturnType<typeof useHostPolicy>;
}) {
  const save = useSaveHostPolicy(hostId);
  if (policy.isPending) return <LoadingBlock label="Loading the policy" rows={6} />;
  if (policy.isError) {
    const notFound = policy.error instanceof ApiError && policy.error.code === 'NOT_FOUND';
    return notFound ? (
      <ErrorNotice error={policy.error} title="This host does not exist (any more)" />
    ) : (
      <AdminError error={policy.error} onRetry={() => void policy.refetch()} />
    );
  }
  // Remounted with each saved version, so the form starts from what the server stored; the save
  // lives out here so that its outcome ("Policy saved") outlasts that remount.
  return <HostPolicyForm key={JSON.stringify(policy.data)} save={save} saved={policy.data} />;
}

// The form's values are the policy as it will be stored.
const policyResolver = requestResolver(ZHostPolicy, (values: THostPolicy) => values);

function HostPolicyForm({
  save,
  saved,
}: {
  save: ReturnType<typeof useSaveHostPolicy>;
  saved: THostPolicy;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<THostPolicy, unknown, THostPolicy>({
    defaultValues: saved,
    resolver: policyResolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as THostPolicy;
  const errors = flattenErrors(form.formState.errors);
  const dirty = JSON.stringify(values) !== JSON.stringify(saved);
  const isDefault = JSON.stringify(values) === JSON.stringify(DEFAULT_HOST_POLICY);

  function set<K extends keyof THostPolicy>(key: K, value: THostPolicy[K]) {
    save.reset();
    form.setValue(key, value as never, { shouldDirty: true });
  }

  function setPrefix(index: number, value: string) {
    set(
      'allowedBindPrefixes',
      values.allowedBindPrefixes.map((prefix, i) => (i === index ? value : prefix)),
    );
  }

  function onValid(policy: THostPolicy) {
    save.mutate(policy, {
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    // An empty row is an unfinished edit, not a prefix. It goes from the form too, so the
    // positions in error messages (allowedBindPrefixes.2) match the rows on screen.
    form.setValue(
      'allowedBindPrefixes',
      values.allowedBindPrefixes.filter((prefix) => prefix.trim() !== ''),
    );
    submitForm(event, form, onValid, save.reset);
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="flex flex-col gap-5">
      <Panel title="Container privileges">
        <div className="flex flex-col gap-4">
          {TOGGLES.map((toggle) => (
            <div key={toggle.key} className="flex flex-col gap-1.5">
              <CheckboxField
                label={toggle.label}
                checked={values[toggle.key]}
                onCheckedChange={(checked) => set(toggle.key, checked)}
                hint={toggle.hint}
              />
              {values[toggle.key] ? null : (
                <div className="ml-6">
                  <WarningNote>Allowed. {toggle.risk}</WarningNote>
                </div>
              )}
            </div>
          ))}
        </div>
      </Panel>
      <Panel title="Bind mounts">
        <div className="flex flex-col gap-4">
          <RadioGroup
            legend="Host paths containers may mount"
            value={values.bindMounts}
            options={BIND_MODES}
            onValueChange={(mode) => set('bindMounts', mode)}
            error={errors.bindMounts}
          />
          {values.bindMounts === 'allow' ? (
            <WarningNote>
              Mounting / or /var/run/docker.sock gives the container full control of the host.
            </WarningNote>
          ) : null}
          {values.bindMounts === 'allow-listed' ? (
            <PrefixList
              prefixes={values.allowedBindPrefixes}
              errors={errors}
              onChange={setPrefix}
              onAdd={() => set('allowedBindPrefixes', [...values.allowedBindPrefixes, ''])}
              onRemove={(index) =>
                set(
                  'allowedBindPrefixes',
                  values.allowedBindPrefixes.filter((_, i) => i !== index),
                )
              }
            />
          ) : null}
        </div>
      </Panel>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <div className="flex flex-wrap items-center justify-end gap-3">
        {save.isSuccess && !dirty ? <SavedNote>Policy saved</SavedNote> : null}
        {dirty ? <span className="text-xs text-warn">Unsaved changes</span> : null}
        <Button
          variant="ghost"
          disabled={isDefault}
          onClick={() => {
            save.reset();
            // Compared with what is stored, not made the new starting point.
            form.reset(DEFAULT_HOST_POLICY, { keepDefaultValues: true });
          }}
        >
          Restore safe defaults
        </Button>
        <Button
          disabled={!dirty || save.isPending}
          onClick={() => {
            save.reset();
            form.reset(saved);
          }}
        >
          Discard
        </Button>
        <Button type="submit" variant="primary" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save policy'}
        </Button>
      </div>
    </form>
  );
}

interface PrefixListProps {
  prefixes: readonly string[];
  errors: FieldErrors;
  onChange: (index: number, value: string) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
}

function PrefixList({ prefixes, errors, onChange, onAdd, onRemove }: PrefixListProps) {
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-border p-3">
      <legend className="px-1 text-xs font-semibold text-muted">Allowed prefixes</legend>
      <p className="text-xs text-muted">
        Absolute host paths such as /srv/data. The engine follows symbolic links on the host, so
        list only directories callers cannot put links into.
      </p>
      {prefixes.length === 0 ? (
        <p className="text-sm text-muted">
          No prefixes yet: every bind mount is refused until you add one.
        </p>
      ) : null}
      {prefixes.map((prefix, index) => (
        <div key={index} className="flex items-start gap-2">
          <div className="flex-1">
            <TextField
              label={<span className="sr-only">Allowed prefix {index + 1}</span>}
              mono
              autoComplete="off"
              spellCheck={false}
              placeholder="/srv/data"
              // A row just added is where the typing goes next.
              autoFocus={prefix === '' && index === prefixes.length - 1}
              value={prefix}
              onValueChange={(value) => onChange(index, value)}
              error={errorAt(errors, `allowedBindPrefixes.${index}`)}
            />
          </div>
          <Button
            variant="ghost"
            className="mt-1"
            aria-label={`Remove prefix ${prefix || index + 1}`}
            onClick={() => onRemove(index)}
          >
            <X aria-hidden />
          </Button>
        </div>
      ))}
      {errors.allowedBindPrefixes ? (
        <p className="text-xs font-medium text-danger">{errors.allowedBindPrefixes}</p>
      ) : null}
      <div>
        <Button size="sm" onClick={onAdd}>
          <Plus aria-hidden />
          Add prefix
        </Button>
      </div>
    </fieldset>
  );
}
