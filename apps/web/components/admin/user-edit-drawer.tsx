'use client';

import {
  PASSWORD_MIN_LENGTH,
  ZUpdateUserRequest,
  type TUpdateUserRequest,
  type TUserAccount,
} from '@berth/shared';
import { useRef, useState } from 'react';
import {
  useForm,
  useWatch,
  type FieldValues,
  type Path,
  type UseFormReturn,
} from 'react-hook-form';
import { useUpdateUser } from '@/lib/admin-queries';
import { fieldErrorsFromError, fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import {
  flattenErrors,
  focusFirstError,
  requestResolver,
  setServerErrors,
  submitForm,
} from '@/lib/form-errors';
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

interface ProfileValues {
  displayName: string;
  isAdmin: boolean;
}

function ProfileSection({ user, self }: { user: TUserAccount; self: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const update = useUpdateUser(user.id);
  const form = useForm<ProfileValues, unknown, TUpdateUserRequest>({
    defaultValues: { displayName: user.displayName, isAdmin: user.isAdmin },
    // Only what changed is sent.
    resolver: requestResolver(ZUpdateUserRequest, (values: ProfileValues) => ({
      displayName: values.displayName !== user.displayName ? values.displayName : undefined,
      isAdmin: values.isAdmin !== user.isAdmin ? values.isAdmin : undefined,
    })),
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const [displayName, isAdmin] = useWatch({
    control: form.control,
    name: ['displayName', 'isAdmin'],
  });
  const errors = flattenErrors(form.formState.errors);
  const changed = displayName !== user.displayName || isAdmin !== user.isAdmin;

  function edit<K extends keyof ProfileValues>(key: K, value: ProfileValues[K]) {
    // An edit answers the server: its notice and field errors go.
    update.reset();
    clearServerErrors(form);
    form.setValue(key, value as never, { shouldDirty: true });
  }

  function onValid(change: TUpdateUserRequest) {
    update.mutate(change, {
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <DrawerSection title="Profile">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onValid, update.reset)}
        noValidate
        className="flex flex-col gap-3"
      >
        <TextField
          label="Display name"
          autoComplete="off"
          value={displayName}
          onValueChange={(value) => edit('displayName', value)}
          error={errors.displayName}
        />
        <CheckboxField
          label="Global administrator"
          checked={isAdmin}
          onCheckedChange={(checked) => edit('isAdmin', checked)}
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

interface PasswordValues {
  password: string;
}

const passwordResolver = requestResolver(ZUpdateUserRequest, (values: PasswordValues) => values);

function PasswordSection({ user }: { user: TUserAccount }) {
  const formRef = useRef<HTMLFormElement>(null);
  const update = useUpdateUser(user.id);
  const form = useForm<PasswordValues, unknown, TUpdateUserRequest>({
    defaultValues: { password: '' },
    resolver: passwordResolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const password = useWatch({ control: form.control, name: 'password' });
  const errors = flattenErrors(form.formState.errors);

  function onValid(change: TUpdateUserRequest) {
    update.mutate(change, {
      onSuccess: () => form.reset({ password: '' }),
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <DrawerSection
      title="Reset password"
      description="Their other sessions end; their API tokens keep working."
    >
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onValid, update.reset)}
        noValidate
        className="flex flex-col gap-3"
      >
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValueChange={(value) => {
            // An edit answers the server: its notice and field error go.
            update.reset();
            clearServerErrors(form);
            form.setValue('password', value, { shouldDirty: true });
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

/** Drops the errors the server gave; those found before sending stay until the next submit. */
function clearServerErrors<T extends FieldValues>(
  form: UseFormReturn<T, unknown, TUpdateUserRequest>,
) {
  const errors = flattenErrors(form.formState.errors);
  for (const path of Object.keys(errors)) {
    const field = path as Path<T>;
    if (form.getFieldState(field).error?.type === 'server') form.clearErrors(field);
  }
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
