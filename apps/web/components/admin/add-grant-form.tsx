'use client';

import {
  type TCreateGrantRequest,
  type THost,
  type TRole,
  type TTeam,
  type TUserAccount,
} from '@berth/shared';
import { useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import {
  emptyGrantForm,
  grantFormResolver,
  type GrantFormValues,
  type GrantScopeKind,
  type GrantSubjectKind,
} from '@/lib/admin-grant-form';
import { useCreateGrant } from '@/lib/admin-queries';
import { flattenErrors, focusFirstError, setServerErrors, submitForm } from '@/lib/form-errors';
import { Button } from '../ui/button';
import { ErrorNotice } from '../ui/error-notice';
import { Panel } from '../ui/panel';
import { TextField } from '../ui/text-field';
import { RadioGroup } from './radio-group';
import { SelectField } from '../ui/select-field';

interface AddGrantFormProps {
  /** The host picked on the page: the default scope. */
  hostId: string | null;
  hosts: readonly THost[];
  users: readonly TUserAccount[];
  teams: readonly TTeam[];
  roles: readonly TRole[];
  onDone: () => void;
}

const SUBJECTS = [
  { value: 'team', label: 'Team' },
  { value: 'user', label: 'User' },
] as const satisfies readonly { value: GrantSubjectKind; label: string }[];

const SCOPES = [
  { value: 'host', label: 'One host' },
  { value: 'group', label: 'Host group' },
  { value: 'all', label: 'All hosts' },
] as const satisfies readonly { value: GrantScopeKind; label: string }[];

export function AddGrantForm({ hostId, hosts, users, teams, roles, onDone }: AddGrantFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useForm<GrantFormValues, unknown, TCreateGrantRequest>({
    defaultValues: emptyGrantForm(hostId),
    resolver: grantFormResolver,
    // Errors stay until the next submit, as the server's do.
    reValidateMode: 'onSubmit',
  });
  const values = useWatch({ control: form.control }) as GrantFormValues;
  const create = useCreateGrant();
  const errors = flattenErrors(form.formState.errors);
  const groups = [...new Set(hosts.flatMap((host) => (host.group ? [host.group] : [])))].sort();
  const builtIn = roles.filter((role) => role.builtIn);
  const custom = roles.filter((role) => !role.builtIn);
  const fieldErrorShown = ['userId', 'teamId', 'hostId', 'hostGroup', 'role'].some(
    (key) => errors[key] !== undefined,
  );

  function set<K extends keyof GrantFormValues>(key: K, value: GrantFormValues[K]) {
    create.reset();
    form.setValue(key, value as never, { shouldDirty: true });
  }

  function onValid(body: TCreateGrantRequest) {
    create.reset();
    create.mutate(body, {
      onSuccess: onDone,
      onError: (error) => {
        if (setServerErrors(form.setError, error)) focusFirstError(formRef.current);
      },
    });
  }

  return (
    <Panel title="Add grant">
      <form
        ref={formRef}
        onSubmit={(event) => submitForm(event, form, onValid, create.reset)}
        noValidate
        className="flex flex-col gap-5"
      >
        {/* Column by column on wide screens, so the three selects line up in the second row. */}
        <div className="grid items-start gap-x-5 gap-y-3 lg:grid-flow-col lg:grid-cols-3 lg:grid-rows-[auto_auto]">
          <RadioGroup
            legend="Who"
            inline
            value={values.subject}
            options={SUBJECTS}
            onValueChange={(subject) => set('subject', subject)}
          />
          {values.subject === 'team' ? (
            <SelectField
              label="Team"
              value={values.teamId}
              onValueChange={(teamId) => set('teamId', teamId)}
              error={errors.teamId}
            >
              <option value="">{teams.length === 0 ? 'No teams yet' : 'Choose a team…'}</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </SelectField>
          ) : (
            <SelectField
              label="User"
              value={values.userId}
              onValueChange={(userId) => set('userId', userId)}
              error={errors.userId}
              hint="Administrators need no grants: they may do everything."
            >
              <option value="">Choose a user…</option>
              {users.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.username}
                  {user.isAdmin ? ' (admin)' : ''}
                </option>
              ))}
            </SelectField>
          )}
          <RadioGroup
            legend="Where"
            inline
            value={values.scope}
            options={SCOPES}
            onValueChange={(scope) => set('scope', scope)}
          />
          {values.scope === 'host' ? (
            <SelectField
              label="Host"
              value={values.hostId}
              onValueChange={(id) => set('hostId', id)}
              error={errors.hostId}
            >
              <option value="">Choose a host…</option>
              {hosts.map((host) => (
                <option key={host.id} value={host.id}>
                  {host.name}
                </option>
              ))}
            </SelectField>
          ) : values.scope === 'group' ? (
            <>
              <TextField
                label="Host group"
                autoComplete="off"
                list="grant-host-groups"
                value={values.hostGroup}
                onValueChange={(group) => set('hostGroup', group)}
                error={errors.hostGroup ?? errors.hostId}
                hint="Also covers hosts that join the group later."
              />
              <datalist id="grant-host-groups">
                {groups.map((group) => (
                  <option key={group} value={group} />
                ))}
              </datalist>
            </>
          ) : (
            <p className="text-xs text-muted">
              Every host, including hosts added later.
              {errors.hostId ? (
                <span className="block font-medium text-danger">{errors.hostId}</span>
              ) : null}
            </p>
          )}
          <div className="flex flex-col gap-1">
            <p className="text-xs font-medium text-fg">What</p>
            <p className="text-xs text-muted">
              A role: a set of permissions, as listed on the Roles page.
            </p>
          </div>
          <SelectField
            label="Role"
            value={values.role}
            onValueChange={(role) => set('role', role)}
            error={errors.role}
          >
            <option value="">Choose a role…</option>
            <optgroup label="Built-in">
              {builtIn.map((role) => (
                <option key={role.id} value={role.id}>
                  {role.name}
                </option>
              ))}
            </optgroup>
            {custom.length > 0 ? (
              <optgroup label="Custom">
                {custom.map((role) => (
                  <option key={role.id} value={role.id}>
                    {role.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </SelectField>
        </div>
        {create.error && !fieldErrorShown ? <ErrorNotice error={create.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add grant'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
