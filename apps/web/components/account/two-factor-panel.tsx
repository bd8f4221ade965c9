'use client';

import { ZTotpCode, type TTotpSetupResponse } from '@berth/shared';
import { QRCodeSVG } from 'qrcode.react';
import { useState, type FormEvent } from 'react';
import { toastDone } from '@/lib/action-toasts';
import { useDisableTotp, useEnableTotp, useSetupTotp, useTotpStatus } from '@/lib/account-queries';
import { fieldErrorsFromError } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { Skeleton } from '../ui/skeleton';
import { TextField } from '../ui/text-field';
import { CopyButton } from './copy-button';

/**
 * Two-factor sign-in: a new secret as a QR code (and as text), confirmed with a code from the
 * app; the recovery codes show once, right after. Turning it off takes the password.
 */
export function TwoFactorPanel() {
  const status = useTotpStatus();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  let body;
  if (recoveryCodes) {
    body = <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  } else if (status.isPending) {
    body = <Skeleton className="h-16" />;
  } else if (status.isError) {
    body = <ErrorNotice error={status.error} />;
  } else if (status.data.enabled) {
    body = <TurnOff />;
  } else {
    body = <TurnOn onEnabled={setRecoveryCodes} />;
  }
  const on = status.data?.enabled === true;
  return (
    <Panel
      title="Two-factor sign-in"
      actions={
        status.data ? (
          <span className={`text-xs font-medium ${on ? 'text-ok' : 'text-muted'}`}>
            {on ? 'On' : 'Off'}
          </span>
        ) : null
      }
    >
      {body}
    </Panel>
  );
}

function TurnOn({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const setup = useSetupTotp();
  const [secret, setSecret] = useState<TTotpSetupResponse | null>(null);
  if (!secret) {
    return (
      <div className="flex flex-col items-start gap-3">
        <p className="text-sm text-muted">
          Sign in with a code from an authenticator app (1Password, Google Authenticator, Aegis…) as
          well as your password.
        </p>
        {setup.isError ? <ErrorNotice error={setup.error} /> : null}
        <Button
          variant="primary"
          disabled={setup.isPending}
          onClick={() => setup.mutate(undefined, { onSuccess: setSecret })}
        >
          {setup.isPending ? 'Starting…' : 'Turn on two-factor sign-in'}
        </Button>
      </div>
    );
  }
  return <ConfirmSetup secret={secret} onEnabled={onEnabled} />;
}

function ConfirmSetup({
  secret,
  onEnabled,
}: {
  secret: TTotpSetupResponse;
  onEnabled: (codes: string[]) => void;
}) {
  const enable = useEnableTotp();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const error = invalid ?? fieldErrorsFromError(enable.error).code;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZTotpCode.safeParse(code);
    setInvalid(parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (!parsed.success) return;
    // Not mutate's own onSuccess: the account queries refresh first, the status turns "on" and
    // this form unmounts, and React Query drops the callbacks of an unmounted mutation.
    enable.mutateAsync(parsed.data).then(
      ({ recoveryCodes }) => {
        toastDone('Two-factor sign-in is on');
        onEnabled(recoveryCodes);
      },
      () => undefined, // shown from enable.error
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 sm:flex-row sm:items-start">
      <div className="shrink-0 self-start rounded-md bg-white p-3">
        <QRCodeSVG
          value={secret.otpauthUrl}
          size={168}
          title="QR code for your authenticator app"
        />
      </div>
      <div className="flex min-w-0 flex-col gap-3">
        <p className="text-sm text-muted">
          Scan the code with your authenticator app, or type this key into it:
        </p>
        <div className="flex items-center gap-2">
          <code className="min-w-0 font-mono text-sm break-all" data-testid="totp-secret">
            {secret.secret}
          </code>
          <CopyButton text={secret.secret} label="Copy key" />
        </div>
        <div className="max-w-48">
          <TextField
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            mono
            value={code}
            onValueChange={setCode}
            error={error}
          />
        </div>
        {enable.isError && !error ? <ErrorNotice error={enable.error} /> : null}
        <div>
          <Button type="submit" variant="primary" disabled={enable.isPending}>
            {enable.isPending ? 'Checking…' : 'Confirm and turn on'}
          </Button>
        </div>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join('\n');
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    const link = Object.assign(document.createElement('a'), {
      href: url,
      download: 'berth-recovery-codes.txt',
    });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-fg">
        Two-factor sign-in is on. Keep these recovery codes somewhere safe: each one signs you in
        once without the app. <strong>They are shown only now.</strong>
      </p>
      <ul
        aria-label="Recovery codes"
        className="grid max-w-md grid-cols-2 gap-x-6 gap-y-1 rounded-md border border-border bg-surface-2/60 p-3 font-mono text-sm"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={text} label="Copy codes" />
        <Button size="sm" onClick={download}>
          Download
        </Button>
        <Button size="sm" variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}

function TurnOff() {
  const disable = useDisableTotp();
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const error = invalid ?? fieldErrorsFromError(disable.error).password;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setInvalid(password ? undefined : 'required');
    if (!password) return;
    disable.mutate(
      { password },
      {
        onSuccess: () => {
          setPassword('');
          toastDone('Two-factor sign-in is off');
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-md flex-col gap-3">
      <p className="text-sm text-muted">
        Signing in asks for a code from your authenticator app, or one of your recovery codes.
      </p>
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        hint="Your password, to turn two-factor sign-in off."
        value={password}
        onValueChange={setPassword}
        error={error}
      />
      {disable.isError && !error ? <ErrorNotice error={disable.error} /> : null}
      <div>
        <Button type="submit" variant="danger" disabled={disable.isPending}>
          {disable.isPending ? 'Turning off…' : 'Turn off two-factor sign-in'}
        </Button>
      </div>
    </form>
  );
}
