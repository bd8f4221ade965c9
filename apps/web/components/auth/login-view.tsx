'use client';

import { ZLoginRequest } from '@berth/shared';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { useLogin, useSetupStatus } from '@/lib/queries';
import { safeNextPath } from '@/lib/redirects';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { AuthCard } from './auth-card';

export function LoginView() {
  const router = useRouter();
  const setup = useSetupStatus();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [invalid, setInvalid] = useState<FieldErrors>({});

  const needsSetup = setup.data?.needsSetup === true;
  useEffect(() => {
    if (needsSetup) router.replace('/setup');
  }, [needsSetup, router]);

  const errors = { ...fieldErrorsFromError(login.error), ...invalid };
  const wrongCredentials = login.error instanceof ApiError && login.error.status === 401;
  const totpAsked = login.error instanceof ApiError && login.error.details.totpRequired === true;
  // Asked for once the server says the account has two-factor sign-in on.
  const askTotp = totpAsked || totp !== '';

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZLoginRequest.safeParse({
      username,
      password,
      ...(askTotp && totp ? { totp } : {}),
    });
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (!parsed.success) return;
    login.mutate(parsed.data, {
      // Read at submit time: the page is prerendered, so there is no search string at render.
      onSuccess: () =>
        router.replace(safeNextPath(new URLSearchParams(window.location.search).get('next'))),
    });
  }

  return (
    <AuthCard title="Sign in" description="Use your Berth account.">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onValueChange={setUsername}
          error={errors.username}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={errors.password}
        />
        {askTotp ? (
          <TextField
            label="Two-factor code"
            name="totp"
            autoComplete="one-time-code"
            autoFocus
            mono
            hint="Six digits from your authenticator app, or a recovery code."
            value={totp}
            onValueChange={setTotp}
            error={errors.totp}
          />
        ) : null}
        {login.error && !(totpAsked && !totp) ? (
          <ErrorNotice
            error={login.error}
            title={wrongCredentials ? 'Sign-in failed' : undefined}
          />
        ) : null}
        <Button type="submit" variant="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthCard>
  );
}
