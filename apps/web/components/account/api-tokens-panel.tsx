'use client';

import {
  ZCreateTokenRequest,
  type TApiToken,
  type TCreateTokenRequest,
  type TCreateTokenResponse,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { toastDone } from '@/lib/action-toasts';
import { useCreateToken, useRevokeToken, useTokens } from '@/lib/account-queries';
import { useFleetSummary } from '@/lib/container-queries';
import { dockerCliSnippet } from '@/lib/docker-cli-snippet';
import { formatDateTime } from '@/lib/format';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { useNow } from '@/lib/use-now';
import { RelativeTime } from '../hosts/relative-time';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { SelectField } from '../ui/select-field';
import { Skeleton } from '../ui/skeleton';
import { Table, Td, Th } from '../ui/table';
import { TextField } from '../ui/text-field';
import { CopyButton } from './copy-button';

const EXPIRIES = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: 'a year' },
] as const;

const resolver = zodResolver(ZCreateTokenRequest);

/** API tokens for scripts and the docker CLI: created with a name and expiry, shown once. */
export function ApiTokensPanel() {
  const tokens = useTokens();
  const [created, setCreated] = useState<(TCreateTokenResponse & { name: string }) | null>(null);
  const [revoking, setRevoking] = useState<TApiToken | null>(null);
  const revoke = useRevokeToken();

  return (
    <Panel title="API tokens">
      <div className="flex flex-col gap-4">
        <p className="text-sm text-muted">
          For the REST API and the docker CLI (through Berth&apos;s Engine API gateway). A token
          acts as you, with your permissions.
        </p>
        {created ? (
          <NewToken token={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateTokenForm onCreated={setCreated} />
        )}
        {tokens.isPending ? <Skeleton className="h-16" /> : null}
        {tokens.isError ? <ErrorNotice error={tokens.error} /> : null}
        {tokens.data && tokens.data.length === 0 ? (
          <p className="text-sm text-muted">No tokens yet.</p>
        ) : null}
        {tokens.data && tokens.data.length > 0 ? (
          <Table label="Your API tokens">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Created</Th>
                <Th>Expires</Th>
                <Th>Last used</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <Td className="font-medium">{token.name}</Td>
                  <Td>
                    <RelativeTime iso={token.createdAt} />
                  </Td>
                  <Td>
                    <Expiry iso={token.expiresAt} />
                  </Td>
                  <Td>
                    <RelativeTime iso={token.lastUsedAt} />
                  </Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(token);
                      }}
                    >
                      Revoke
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : null}
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'token'}?`}
        confirmLabel="Revoke"
        pending={revoke.isPending}
        error={revoke.error}
        onClose={() => setRevoking(null)}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              toastDone(`Token ${revoking.name} revoked`);
              setRevoking(null);
            },
          });
        }}
      >
        Scripts and docker CLIs using it are refused at once, and its open streams close.
      </ConfirmDialog>
    </Panel>
  );
}

function Expiry({ iso }: { iso: string | null }) {
  const now = useNow();
  if (!iso) return <span className="text-muted">never</span>;
  if (Date.parse(iso) < now) return <span className="text-danger">expired</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)} className="whitespace-nowrap">
      {new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' })}
    </time>
  );
}

function CreateTokenForm({
  onCreated,
}: {
  onCreated: (token: TCreateTokenResponse & { name: string }) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<TCreateTokenRequest>({
    defaultValues: { name: '', expiresInDays: 90 },
    resolver,
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control });
  const create = useCreateToken();
  const errors = flattenErrors(form.formState.errors);
  const showNotice = create.isError && Object.keys(errors).length === 0;

  function onValid(body: TCreateTokenRequest) {
    create.reset();
    create.mutate(body, {
      onSuccess: (token) => {
        form.reset({ name: '', expiresInDays: 90 });
        onCreated({ ...token, name: body.name });
      },
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => submitForm(event, form, onValid, create.reset)}
      noValidate
      className="flex flex-col gap-2"
    >
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_10rem_auto] sm:items-start">
        <TextField
          label="Token name"
          placeholder="laptop docker CLI"
          autoComplete="off"
          value={values.name ?? ''}
          onValueChange={(value) => form.setValue('name', value, { shouldDirty: true })}
          error={errors.name}
        />
        <SelectField
          label="Expires after"
          value={values.expiresInDays === undefined ? 'never' : String(values.expiresInDays)}
          onValueChange={(value) =>
            form.setValue('expiresInDays', value === 'never' ? undefined : Number(value))
          }
          error={errors.expiresInDays}
        >
          {EXPIRIES.map((expiry) => (
            <option key={expiry.days} value={expiry.days}>
              {expiry.label}
            </option>
          ))}
          <option value="never">never</option>
        </SelectField>
        <Button type="submit" variant="primary" className="sm:mt-5" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </Button>
      </div>
      {showNotice ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}

/** The new token, once, with a ready-to-paste docker CLI setup for a host the user picks. */
function NewToken({
  token,
  onDone,
}: {
  token: TCreateTokenResponse & { name: string };
  onDone: () => void;
}) {
  const hosts = useFleetSummary().data?.perHost ?? [];
  const [chosen, setChosen] = useState('');
  const hostId = chosen || hosts[0]?.hostId || '';
  const snippet = hostId
    ? dockerCliSnippet(new URL(window.location.href), hostId, token.token)
    : '';
  return (
    <section
      aria-label="New token"
      className="flex flex-col gap-3 rounded-md border border-accent/40 bg-accent/5 p-3"
    >
      <p className="text-sm text-fg">
        <strong>{token.name}</strong> is ready. Copy it now: <strong>it is shown only once.</strong>
      </p>
      <div className="flex items-center gap-2">
        <code className="min-w-0 font-mono text-xs break-all" data-testid="new-token">
          {token.token}
        </code>
        <CopyButton text={token.token} label="Copy token" />
      </div>
      {hosts.length > 0 ? (
        <>
          <div className="max-w-xs">
            <SelectField label="Docker CLI for host" value={hostId} onValueChange={setChosen}>
              {hosts.map((host) => (
                <option key={host.hostId} value={host.hostId}>
                  {host.name}
                </option>
              ))}
            </SelectField>
          </div>
          <pre
            aria-label="Docker CLI setup"
            className="overflow-x-auto rounded-md border border-border bg-surface-2/60 p-3 font-mono text-xs whitespace-pre"
          >
            {snippet}
          </pre>
          <div>
            <CopyButton text={snippet} label="Copy setup" />
          </div>
        </>
      ) : null}
      <div>
        <Button size="sm" variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </section>
  );
}
