'use client';

import {
  ZCreateStackWebhookRequest,
  type TCreateStackWebhookRequest,
  type TStackWebhookUrl,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { flattenErrors, setServerErrors } from '@/lib/form-errors';
import { formatDateTime } from '@/lib/format';
import type { WebhookCalls, WebhookRow } from '@/lib/webhook-calls';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';

/** The form takes every webhook option; a container's or a service's uses all but the services. */
const resolver = zodResolver(ZCreateStackWebhookRequest);
type WebhookFormValues = Parameters<typeof resolver>[0];

export interface WebhookSubject {
  /** `No webhook ${empty}.` */
  empty: string;
  pullLabel: string;
  /** The services a webhook may be limited to; absent: not asked. */
  services?: string[];
}

/** Names typed as a list separated by commas or spaces. */
const listOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The URL of a webhook, shown once after it is created or rotated. */
function WebhookUrl({ hook }: { hook: TStackWebhookUrl }) {
  return (
    <div
      role="status"
      className="flex flex-col gap-1 rounded-md border border-accent/40 bg-accent/5 px-3 py-2"
    >
      <p className="text-xs">Copy this URL now: it is not shown again.</p>
      <input
        readOnly
        aria-label="Webhook URL"
        value={hook.url}
        onFocus={(event) => event.currentTarget.select()}
        className="w-full bg-transparent font-mono text-[12px]"
      />
    </div>
  );
}

function WebhookForm({
  subject,
  create,
  onCreated,
}: {
  subject: WebhookSubject;
  create: WebhookCalls['create'];
  onCreated: (hook: TStackWebhookUrl) => void;
}) {
  const [refs, setRefs] = useState('');
  const [services, setServices] = useState('');
  const form = useForm<WebhookFormValues, unknown, TCreateStackWebhookRequest>({
    defaultValues: { secret: undefined, pullImages: true, refs: [], services: [], rateLimit: 30 },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch<WebhookFormValues>({ control: form.control });
  const errors = flattenErrors(form.formState.errors);

  function submit() {
    form.setValue('refs', listOf(refs));
    form.setValue('services', listOf(services));
    void form.handleSubmit((request) =>
      create.mutate(
        { ...request, ...(request.secret ? {} : { secret: undefined }) },
        {
          onSuccess: (hook) => {
            onCreated(hook);
            form.reset();
            setRefs('');
            setServices('');
          },
          onError: (error) => setServerErrors(form.setError, error),
        },
      ),
    )();
  }

  return (
    <form
      aria-label="New webhook"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      className="grid gap-3 md:grid-cols-2"
    >
      <TextField
        label="Secret (optional)"
        type="password"
        autoComplete="new-password"
        value={values.secret ?? ''}
        onValueChange={(value) => form.setValue('secret', value === '' ? undefined : value)}
        error={errors.secret}
        hint="Calls must then be signed (X-Hub-Signature-256) or carry it as X-Gitlab-Token."
      />
      <TextField
        label="Branches or tags"
        mono
        value={refs}
        onValueChange={setRefs}
        error={errors.refs ?? errors['refs.0']}
        hint="Only calls naming one of these act; empty: every call."
        placeholder="main, latest"
      />
      {subject.services ? (
        <TextField
          label="Services"
          mono
          value={services}
          onValueChange={setServices}
          error={errors.services}
          hint={`Redeploy only these; empty: all (${subject.services.join(', ')}).`}
        />
      ) : null}
      <TextField
        label="Calls a minute"
        type="number"
        min={1}
        max={600}
        value={String(values.rateLimit ?? '')}
        onValueChange={(value) => form.setValue('rateLimit', Number(value))}
        error={errors.rateLimit}
      />
      <CheckboxField
        label={subject.pullLabel}
        checked={values.pullImages ?? false}
        onCheckedChange={(checked) => form.setValue('pullImages', checked)}
      />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create webhook'}
        </Button>
      </div>
      {create.error && Object.keys(errors).length === 0 ? (
        <div className="md:col-span-2">
          <ErrorNotice error={create.error} />
        </div>
      ) : null}
    </form>
  );
}

function describe(hook: WebhookRow): string {
  return [
    hook.signed ? 'signed' : 'unsigned',
    hook.pulls ? 'pulls first' : null,
    hook.refs.length ? `only ${hook.refs.join(', ')}` : null,
    hook.services.length ? `services ${hook.services.join(', ')}` : null,
    `${hook.rateLimit}/min`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Webhooks of a stack, a container or a swarm service (for those who may change it): create with options, the URL
 * shown once, rotate (a new URL) and revoke.
 */
export function WebhooksPanel({
  subject,
  calls,
}: {
  subject: WebhookSubject;
  calls: WebhookCalls;
}) {
  const { list, rotate, revoke } = calls;
  const [shown, setShown] = useState<TStackWebhookUrl | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const items = list.data ?? [];
  return (
    <Panel title="Webhooks">
      <div className="flex flex-col gap-4 px-4 py-3">
        {shown ? <WebhookUrl hook={shown} /> : null}
        {list.error ? <ErrorNotice error={list.error} /> : null}
        {items.length === 0 ? (
          <p className="text-xs text-muted">No webhook {subject.empty}.</p>
        ) : (
          <ul aria-label="Webhooks" className="flex flex-col divide-y divide-border">
            {items.map((hook) => (
              <li key={hook.id} className="flex items-center justify-between gap-3 py-2 text-xs">
                <span>
                  <span className="font-mono">{hook.id}</span> · {describe(hook)} · last called{' '}
                  {hook.lastCalledAt ? formatDateTime(hook.lastCalledAt) : 'never'}
                </span>
                <span className="flex gap-2">
                  <Button
                    aria-label={`Rotate webhook ${hook.id}`}
                    disabled={rotate.isPending}
                    onClick={() => rotate.mutate(hook.id, { onSuccess: setShown })}
                  >
                    Rotate
                  </Button>
                  <Button
                    variant="danger"
                    aria-label={`Revoke webhook ${hook.id}`}
                    onClick={() => setRevoking(hook.id)}
                  >
                    Revoke
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {rotate.error ? <ErrorNotice error={rotate.error} /> : null}
        <WebhookForm subject={subject} create={calls.create} onCreated={setShown} />
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this webhook?"
        confirmLabel="Revoke"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking, {
            onSuccess: () => {
              setRevoking(null);
              setShown(null);
            },
          })
        }
        onClose={() => setRevoking(null)}
      >
        <p>Its URL stops working at once.</p>
      </ConfirmDialog>
    </Panel>
  );
}
