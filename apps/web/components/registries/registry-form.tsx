'use client';

import {
  REGISTRY_KIND_INFO,
  REGISTRY_KINDS,
  type TCreateRegistryRequest,
  type TRegistry,
  type TRegistryKind,
  type TUpdateRegistryRequest,
  ZCreateRegistryRequest,
  ZUpdateRegistryRequest,
} from '@berth/shared';
import { PlugZap } from 'lucide-react';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
import {
  useCreateRegistry,
  useTestRegistry,
  useTestRegistryDraft,
  useUpdateRegistry,
} from '@/lib/registry-queries';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';
import { RegistryTestResult } from './registry-test-result';

/** The form as typed: every field a string or flag; the request is made from it on submit. */
interface RegistryFormValues {
  name: string;
  kind: TRegistryKind;
  serverAddress: string;
  username: string;
  password: string;
  insecure: boolean;
  caCert: string;
  region: string;
}

const EMPTY: RegistryFormValues = {
  name: '',
  kind: 'v2',
  serverAddress: '',
  username: '',
  password: '',
  insecure: false,
  caCert: '',
  region: '',
};

/** Only the fields the kind has go into the request. */
function toCreate(values: RegistryFormValues): TCreateRegistryRequest {
  const info = REGISTRY_KIND_INFO[values.kind];
  return {
    name: values.name,
    kind: values.kind,
    serverAddress: values.serverAddress,
    username: values.username,
    ...(values.password ? { password: values.password } : {}),
    insecure: info.selfHosted && values.insecure,
    ...(info.selfHosted && values.caCert.trim() ? { caCert: values.caCert } : {}),
    ...(info.region ? { region: values.region } : {}),
  };
}

/** An edit keeps the stored password unless a new one is typed. */
function toUpdate(values: RegistryFormValues): TUpdateRegistryRequest {
  const { password, ...rest } = toCreate(values);
  const info = REGISTRY_KIND_INFO[values.kind];
  return {
    ...rest,
    caCert: info.selfHosted && values.caCert.trim() ? values.caCert : null,
    region: info.region ? values.region : null,
    ...(password ? { password } : {}),
  };
}

const createResolver = requestResolver(ZCreateRegistryRequest, toCreate);
const updateResolver = requestResolver(ZUpdateRegistryRequest, toUpdate);

interface RegistryFormProps {
  /** The registry to edit; a new one is added when absent. */
  registry?: TRegistry;
  onDone: () => void;
}

export function RegistryForm({ registry, onDone }: RegistryFormProps) {
  return registry ? (
    <EditRegistryForm registry={registry} onDone={onDone} />
  ) : (
    <AddRegistryForm onDone={onDone} />
  );
}

function AddRegistryForm({ onDone }: { onDone: () => void }) {
  const create = useCreateRegistry();
  const form = useForm<RegistryFormValues, unknown, TCreateRegistryRequest>({
    defaultValues: EMPTY,
    resolver: createResolver,
    reValidateMode: 'onSubmit',
  });
  return (
    <RegistryFields
      title="Add registry"
      form={form}
      saving={create.isPending}
      failure={create.error}
      onSave={(request, onError) => create.mutate(request, { onSuccess: onDone, onError })}
      reset={() => create.reset()}
      onDone={onDone}
    />
  );
}

function EditRegistryForm({ registry, onDone }: { registry: TRegistry; onDone: () => void }) {
  const update = useUpdateRegistry(registry.id);
  const testStored = useTestRegistry();
  const form = useForm<RegistryFormValues, unknown, TUpdateRegistryRequest>({
    defaultValues: {
      ...EMPTY,
      name: registry.name,
      kind: registry.kind,
      serverAddress: registry.serverAddress,
      username: registry.username,
      insecure: registry.insecure,
      caCert: registry.caCert ?? '',
      region: registry.region ?? '',
    },
    resolver: updateResolver,
    reValidateMode: 'onSubmit',
  });
  return (
    <RegistryFields
      title={`Edit ${registry.name}`}
      form={form}
      passwordHint={
        registry.hasPassword
          ? 'Stored; leave empty to keep it (Test connection then tests the saved registry).'
          : undefined
      }
      stored={registry.hasPassword ? { test: testStored, id: registry.id } : undefined}
      saving={update.isPending}
      failure={update.error}
      onSave={(request, onError) => update.mutate(request, { onSuccess: onDone, onError })}
      reset={() => update.reset()}
      onDone={onDone}
    />
  );
}

interface RegistryFieldsProps<Request> {
  title: string;
  /** An edit whose password is stored: with no new one typed, the saved registry is tested. */
  stored?: { test: ReturnType<typeof useTestRegistry>; id: string } | undefined;
  form: ReturnType<typeof useForm<RegistryFormValues, unknown, Request>>;
  passwordHint?: string | undefined;
  saving: boolean;
  failure: unknown;
  onSave: (request: Request, onError: (error: unknown) => void) => void;
  reset: () => void;
  onDone: () => void;
}

function RegistryFields<Request>({
  title,
  form,
  passwordHint,
  stored,
  saving,
  failure,
  onSave,
  reset,
  onDone,
}: RegistryFieldsProps<Request>) {
  const formRef = useRef<HTMLFormElement>(null);
  const draft = useTestRegistryDraft();
  const values = useWatch({ control: form.control }) as RegistryFormValues;
  const testsStored = stored !== undefined && values.password === '';
  const test = testsStored ? stored.test : draft;
  const errors = flattenErrors(form.formState.errors);
  const info = REGISTRY_KIND_INFO[values.kind];
  const set = <K extends keyof RegistryFormValues>(key: K, value: RegistryFormValues[K]) =>
    form.setValue(key as never, value as never, { shouldDirty: true });

  function answered() {
    reset();
    draft.reset();
    stored?.test.reset();
  }

  function onError(error: unknown) {
    if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
  }

  /** Picking a kind fills in its address, unless one of the user's own is there. */
  function pickKind(kind: TRegistryKind) {
    const presets = REGISTRY_KINDS.map((k) => REGISTRY_KIND_INFO[k].address);
    if (values.serverAddress === '' || presets.includes(values.serverAddress)) {
      set('serverAddress', REGISTRY_KIND_INFO[kind].address);
    }
    set('kind', kind);
  }

  function onTest() {
    answered();
    if (testsStored) {
      stored.test.mutate(stored.id);
      return;
    }
    const request = ZCreateRegistryRequest.safeParse(toCreate(values));
    if (!request.success) {
      void form.trigger();
      focusFirstError(formRef.current);
      return;
    }
    draft.mutate(request.data, { onError });
  }

  return (
    <Panel title={title}>
      <form
        ref={formRef}
        aria-label={title}
        onSubmit={(event) =>
          submitForm(event, form, (request) => onSave(request, onError), answered)
        }
        noValidate
        className="flex flex-col gap-4"
      >
        <div className="grid gap-3 md:grid-cols-2">
          <SelectField
            label="Kind"
            value={values.kind}
            onValueChange={(kind) => pickKind(kind as TRegistryKind)}
            error={errors.kind}
          >
            {REGISTRY_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {REGISTRY_KIND_INFO[kind].label}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Name"
            value={values.name}
            onValueChange={(value) => set('name', value)}
            error={errors.name}
            placeholder="team registry"
          />
          <TextField
            label="Address"
            mono
            autoComplete="off"
            spellCheck={false}
            value={values.serverAddress}
            onValueChange={(value) => set('serverAddress', value)}
            error={errors.serverAddress}
            placeholder={info.addressHint}
            hint="Host and port; a path prefix (ghcr.io/team) limits it to those repositories"
          />
          {info.region ? (
            <TextField
              label="AWS region"
              mono
              value={values.region}
              onValueChange={(value) => set('region', value)}
              error={errors.region}
              placeholder="eu-west-1"
            />
          ) : null}
          <TextField
            label={info.username}
            autoComplete="off"
            value={values.username}
            onValueChange={(value) => set('username', value)}
            error={errors.username}
            hint={info.anonymous ? 'Leave empty for anonymous pulls' : undefined}
          />
          <TextField
            label={info.password}
            type="password"
            autoComplete="new-password"
            value={values.password}
            onValueChange={(value) => set('password', value)}
            error={errors.password}
            hint={passwordHint ?? 'Stored sealed; never shown again'}
          />
        </div>
        {info.selfHosted ? (
          <div className="flex flex-col gap-3">
            <CheckboxField
              label="Insecure"
              checked={values.insecure}
              onCheckedChange={(checked) => set('insecure', checked)}
              hint="Plain HTTP or TLS without verifying the certificate"
            />
            <label className="flex flex-col gap-1 text-sm">
              <span>CA certificate (PEM, optional)</span>
              <textarea
                value={values.caCert}
                onChange={(event) => set('caCert', event.target.value)}
                aria-invalid={errors.caCert ? true : undefined}
                rows={3}
                spellCheck={false}
                className="rounded-md border border-border bg-surface px-2 py-1 font-mono text-xs"
                placeholder="-----BEGIN CERTIFICATE-----"
              />
              {errors.caCert ? <span className="text-xs text-danger">{errors.caCert}</span> : null}
            </label>
          </div>
        ) : null}
        {test.data ? <RegistryTestResult result={test.data} /> : null}
        {failure || test.error ? <ErrorNotice error={failure ?? test.error} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button onClick={onTest} disabled={test.isPending}>
            <PlugZap aria-hidden />
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save registry'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
