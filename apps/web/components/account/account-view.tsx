'use client';

import { useMe } from '@/lib/queries';
import { PageHeader } from '../ui/page-header';
import { Panel } from '../ui/panel';
import { ApiTokensPanel } from './api-tokens-panel';
import { PasswordForm } from './password-form';
import { SessionsPanel } from './sessions-panel';
import { TwoFactorPanel } from './two-factor-panel';

/** Your own account: profile, password, two-factor sign-in, API tokens and sessions. */
export function AccountView() {
  const user = useMe().data?.user;
  return (
    <>
      <PageHeader title="Account" description="Your sign-in, API tokens and sessions." />
      <div className="flex flex-col gap-4">
        <Panel title="Profile">
          <dl className="grid max-w-md grid-cols-[8rem_minmax(0,1fr)] gap-y-1.5 text-sm">
            <dt className="text-muted">Username</dt>
            <dd className="font-mono">{user?.username ?? '…'}</dd>
            <dt className="text-muted">Display name</dt>
            <dd>{user?.displayName || '—'}</dd>
            <dt className="text-muted">Role</dt>
            <dd>
              {user?.isAdmin ? 'Administrator' : 'User'}
              <span className="text-muted"> · set by an administrator</span>
            </dd>
          </dl>
        </Panel>
        <div className="grid gap-4 lg:grid-cols-2">
          <PasswordForm />
          <TwoFactorPanel />
        </div>
        <ApiTokensPanel />
        <SessionsPanel />
      </div>
    </>
  );
}
