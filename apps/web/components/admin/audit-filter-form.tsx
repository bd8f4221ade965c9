'use client';

import { AUDIT_OUTCOMES, ZAuditFilter, type TAuditFilter, type THost } from '@berth/shared';
import { useState, type FormEvent } from 'react';
import { AUDIT_ACTION_FAMILIES, isoToLocalInput, localInputToIso } from '@/lib/admin-audit';
import { fieldErrorsFromIssues, type FieldErrors } from '@/lib/field-errors';
import { Button } from '../ui/button';
import { TextField } from '../ui/text-field';
import { SelectField } from '../ui/select-field';

interface AuditFilterFormProps {
  filter: TAuditFilter;
  hosts: readonly THost[];
  onApply: (filter: TAuditFilter) => void;
}

interface FilterValues {
  actor: string;
  hostId: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

function valuesOf(filter: TAuditFilter): FilterValues {
  return {
    actor: filter.actor ?? '',
    hostId: filter.hostId ?? '',
    action: filter.action ?? '',
    outcome: filter.outcome ?? '',
    from: isoToLocalInput(filter.from),
    to: isoToLocalInput(filter.to),
  };
}

const given = (value: string) => (value.trim() === '' ? undefined : value.trim());

/** The filters of the audit log; they apply on submit and end up in the page's URL. */
export function AuditFilterForm({ filter, hosts, onApply }: AuditFilterFormProps) {
  const [values, setValues] = useState(() => valuesOf(filter));
  const [errors, setErrors] = useState<FieldErrors>({});
  const filtered = Object.values(filter).some((value) => value !== undefined);

  function set<K extends keyof FilterValues>(key: K, value: FilterValues[K]) {
    setValues((previous) => ({ ...previous, [key]: value }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ZAuditFilter.safeParse({
      actor: given(values.actor),
      hostId: given(values.hostId),
      action: given(values.action),
      outcome: given(values.outcome),
      from: localInputToIso(values.from),
      to: localInputToIso(values.to),
    });
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    const { from, to } = parsed.data;
    if (from && to && new Date(from) > new Date(to)) {
      setErrors({ to: 'must be after From' });
      return;
    }
    setErrors({});
    onApply(parsed.data);
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Audit filters"
      className="grid items-start gap-3 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-[repeat(6,minmax(0,1fr))_auto]"
    >
      <TextField
        label="Actor"
        autoComplete="off"
        spellCheck={false}
        placeholder="user name or id"
        value={values.actor}
        onValueChange={(value) => set('actor', value)}
        error={errors.actor}
      />
      <SelectField
        label="Host"
        value={values.hostId}
        onValueChange={(value) => set('hostId', value)}
        error={errors.hostId}
      >
        <option value="">Any host</option>
        {hosts.map((host) => (
          <option key={host.id} value={host.id}>
            {host.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Action"
        value={values.action}
        onValueChange={(value) => set('action', value)}
        error={errors.action}
      >
        <option value="">Any action</option>
        {AUDIT_ACTION_FAMILIES.map(({ family, actions }) => (
          <optgroup key={family} label={family}>
            <option value={`${family}.*`}>{family}.* (all)</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <SelectField
        label="Outcome"
        value={values.outcome}
        onValueChange={(value) => set('outcome', value)}
        error={errors.outcome}
      >
        <option value="">Any outcome</option>
        {AUDIT_OUTCOMES.map((outcome) => (
          <option key={outcome} value={outcome}>
            {outcome}
          </option>
        ))}
      </SelectField>
      <TextField
        label="From"
        type="datetime-local"
        value={values.from}
        onValueChange={(value) => set('from', value)}
        error={errors.from}
      />
      <TextField
        label="To"
        type="datetime-local"
        value={values.to}
        onValueChange={(value) => set('to', value)}
        error={errors.to}
      />
      <div className="flex gap-2 sm:col-span-2 lg:col-span-3 lg:justify-end 2xl:col-span-1 2xl:mt-5">
        {filtered ? (
          <Button variant="ghost" onClick={() => onApply({})}>
            Clear
          </Button>
        ) : null}
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
      </div>
    </form>
  );
}
