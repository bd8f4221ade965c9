'use client';

import { PASSWORD_MIN_LENGTH, ZSetupRequest } from '@berth/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { useSetup, useSetupStatus } from '@/lib/queries';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { AuthCard } from './auth-card';

export function SetupView() {
  const router = useRouter();
  const status = useSetupStatus();
  const setup = useSetup();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [invalid, setInvalid] = useState<FieldErrors>({});

  // Someone already set Berth up (this visit's own setup navigates to the dashboard instead).
  const alreadySetUp = status.data?.needsSetup === false && setup.isIdle;
  useEffect(() => {
    if (alreadySetUp) router.replace('/login');
  }, [alreadySetUp, router]);

  const errors = { ...fieldErrorsFromError(setup.error), ...invalid };
  const setupDone = setup.error instanceof ApiError && setup.error.code === 'SETUP_DONE';

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZSetupRequest.safeParse({ username, password });
    const problems = parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues);
    if (confirm !== password) problems.confirm = 'does not match the password';
    setInvalid(problems);
    if (!parsed.success || confirm !== password) return;
    setup.mutate(parsed.data, { onSuccess: () => router.replace('/') });
  }

  return (
    <AuthCard
      title="Set up Berth"
      description="Create the first administrator. You can add more users later."
    >
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          value={username}
          onValueChange={setUsername}
          error={errors.username}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onValueChange={setPassword}
          error={errors.password}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        />
        <TextField
          label="Confirm password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onValueChange={setConfirm}
          error={errors.confirm}
        />
        {setup.error ? <ErrorNotice error={setup.error} /> : null}
        {setupDone ? (
          <Link href="/login" className="text-sm font-medium text-accent hover:underline">
            Go to sign-in
          </Link>
        ) : null}
        <Button type="submit" variant="primary" disabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create administrator'}
        </Button>
      </form>
    </AuthCard>
  );
}
