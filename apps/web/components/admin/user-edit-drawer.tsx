'use client';

import {
  PASSWORD_MIN_LENGTH,
  ZUpdateUserRequest,
  type TUpdateUserRequest,
  type TUserAccount,
} from '@berth/shared';
import { useState, type FormEvent } from 'react';
import { useUpdateUser } from '@/lib/admin-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { CheckboxField } from '../ui/checkbox-field';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorNotice } from '../ui/error-notice';
import { TextField } from '../ui/text-field';
import { WarningNote } from '../hosts/warning-note';
import { Drawer } from './drawer';
import { DrawerSection } from './drawer-section';
import { SavedNote } from './saved-note';

interface UserEditDrawerProps {
  /** The user being edited, as the list has it now; closed while null. */
  user: TUserAccount | null;
  selfId: string | undefined;
  onClose: () => void;
}

export function UserEditDrawer({ user, selfId, onClose }: UserEditDrawerProps) {
  return (
    <Drawer
      open={user !== null}
      title={user ? `Edit ${user.username}` : 'Edit user'}
      description={user?.teams.length ? `Teams: ${user.teams.map((t) => t.name).join(', ')}` : null}
      onClose={onClose}
    >
      {user ? (
        <div className="flex flex-col">
          <ProfileSection key={`profile-${user.id}`} user={user} self={user.id === selfId} />
          <PasswordSection key={`password-${user.id}`} user={user} />
          <TwoFactorSection user={user} />
          <AccountSection user={user} self={user.id === selfId} />
        </div>
      ) : null}
    </Drawer>
  );
}

/** Validates a change with the API's schema and sends it; the errors land next to the fields. */
function useUserChange(user: TUserAccount) {
  const update = useUpdateUser(user.id);
  const [invalid, setInvalid] = useState<FieldErrors>({});
  const errors = { ...fieldErrorsFromError(update.error), ...invalid };

  function send(change: TUpdateUserRequest, onSuccess?: () => void) {
    const parsed = ZUpdateUserRequest.safeParse(change);
    setInvalid(parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues));
    if (parsed.success) update.mutate(parsed.data, { onSuccess });
  }

  return { update, errors, send };
}

function ProfileSection({ user, self }: { user: TUserAccount; self: boolean }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  const { update, errors, send } = useUserChange(user);
  const changed = displayName !== user.displayName || isAdmin !== user.isAdmin;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send({
      displayName: displayName !== user.displayName ? displayName : undefined,
      isAdmin: isAdmin !== user.isAdmin ? isAdmin : undefined,
    });
  }

  return (
    <DrawerSection title="Profile">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
        <TextField
          label="Display name"
          autoComplete="off"
          value={displayName}
          onValueChange={(value) => {
            update.reset();
            setDisplayName(value);
          }}
          error={errors.displayName}
        />
        <CheckboxField
          label="Global administrator"
          checked={isAdmin}
          onCheckedChange={(checked) => {
            update.reset();
            setIsAdmin(checked);
          }}
          hint="Full control of every host, every user and this admin area."
        />
        {errors.isAdmin ? (
          <p className="text-xs font-medium text-danger">{errors.isAdmin}</p>
        ) : null}
        {self && user.isAdmin && !isAdmin ? (
          <WarningNote>
            This is your own account: you lose access to this admin area as soon as you save.
          </WarningNote>
        ) : null}
        {update.error ? <ErrorNotice error={update.error} /> : null}
        <div className="flex items-center justify-end gap-3">
          {update.isSuccess ? <SavedNote /> : null}
          <Button type="submit" variant="primary" disabled={!changed || update.isPending}>
            {update.isPending ? 'Saving…' : 'Save profile'}
          </Button>
        </div>
      </form>
    </DrawerSection>
  );
}

function PasswordSection({ user }: { user: TUserAccount }) {
  const [password, setPassword] = useState('');
  const { update, errors, send } = useUserChange(user);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send({ password }, () => setPassword(''));
  }

  return (
    <DrawerSection
      title="Reset password"
      description="Their other sessions end; their API tokens keep working."
    >
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValueChange={(value) => {
            update.reset();
            setPassword(value);
          }}
          error={errors.password}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        />
        {update.error && !errors.password ? <ErrorNotice error={update.error} /> : null}
        <div className="flex items-center justify-end gap-3">
          {update.isSuccess ? <SavedNote>Password changed</SavedNote> : null}
          <Button type="submit" disabled={password === '' || update.isPending}>
            {update.isPending ? 'Saving…' : 'Set password'}
          </Button>
        </div>
      </form>
    </DrawerSection>
  );
}

function TwoFactorSection({ user }: { user: TUserAccount }) {
  const [confirming, setConfirming] = useState(false);
  const { update, send } = useUserChange(user);

  function close() {
    update.reset();
    setConfirming(false);
  }

  return (
    <DrawerSection
      title="Two-factor sign-in"
      description={
        user.totpEnabled
          ? 'On: they sign in with a code from their authenticator app.'
          : 'Off: they sign in with their password alone. Users turn it on themselves.'
      }
    >
      {user.totpEnabled ? (
        <div>
          <Button onClick={() => setConfirming(true)}>Reset two-factor</Button>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Reset two-factor sign-in of ${user.username}?`}
        confirmLabel="Reset two-factor"
        pending={update.isPending}
        error={update.error}
        onClose={close}
        onConfirm={() => send({ resetTotp: true }, close)}
      >
        Their authenticator app stops working for Berth and they sign in with their password alone
        until they set two-factor up again. Use this when a phone is lost; make sure the request
        really comes from them.
      </ConfirmDialog>
    </DrawerSection>
  );
}

function AccountSection({ user, self }: { user: TUserAccount; self: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const { update, send } = useUserChange(user);
  const disabling = !user.disabled;

  function close() {
    update.reset();
    setConfirming(false);
  }

  return (
    <DrawerSection
      title="Account"
      description={
        user.disabled
          ? 'Disabled: they cannot sign in and their API tokens were revoked.'
          : 'Active: they can sign in and use their API tokens.'
      }
    >
      <div className="flex flex-col items-start gap-1.5">
        <Button
          variant={disabling ? 'danger' : 'secondary'}
          disabled={self && disabling}
          onClick={() => setConfirming(true)}
        >
          {disabling ? 'Disable account' : 'Enable account'}
        </Button>
        {self && disabling ? (
          <p className="text-xs text-muted">You cannot disable your own account.</p>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirming}
        title={disabling ? `Disable ${user.username}?` : `Enable ${user.username}?`}
        confirmLabel={disabling ? 'Disable account' : 'Enable account'}
        pending={update.isPending}
        error={update.error}
        onClose={close}
        onConfirm={() => send({ disabled: disabling }, close)}
      >
        {disabling ? (
          <>
            Their sessions and API tokens end at once: open browsers are signed out at their next
            request, and scripts using their tokens start failing. Enabling the account later does
            not bring the tokens back.
          </>
        ) : (
          <>
            They can sign in again with their password. API tokens revoked when the account was
            disabled stay revoked; they create new ones.
          </>
        )}
      </ConfirmDialog>
    </DrawerSection>
  );
}
