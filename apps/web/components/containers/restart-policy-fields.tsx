import { RESTART_POLICIES } from '@berth/shared';
import type { ReactNode } from 'react';
import { SelectField } from '../ui/select-field';
import { TextField } from '../ui/text-field';

type RestartName = (typeof RESTART_POLICIES)[number];

interface RestartPolicyFieldsProps<P extends string> {
  policy: P;
  onPolicyChange: (policy: P) => void;
  retries: string;
  onRetriesChange: (retries: string) => void;
  policyError?: string | undefined;
  retriesError?: string | undefined;
  policyHint?: ReactNode;
  /** Offer "" as the engine's default (the create form); otherwise a policy must be chosen. */
  allowDefault?: boolean;
  autoFocus?: boolean;
}

/** The restart policy and its retry count (on-failure only), for the create form and Resources. */
export function RestartPolicyFields<P extends '' | RestartName>({
  policy,
  onPolicyChange,
  retries,
  onRetriesChange,
  policyError,
  retriesError,
  policyHint,
  allowDefault = false,
  autoFocus = false,
}: RestartPolicyFieldsProps<P>) {
  return (
    <>
      <SelectField
        label="Restart policy"
        autoFocus={autoFocus}
        value={policy}
        onValueChange={(value) => onPolicyChange(value as P)}
        error={policyError}
        hint={policyHint}
      >
        {allowDefault ? <option value="">Engine default (no)</option> : null}
        {RESTART_POLICIES.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Maximum retries"
        inputMode="numeric"
        disabled={policy !== 'on-failure'}
        value={retries}
        onValueChange={onRetriesChange}
        error={retriesError}
        placeholder="unlimited"
        hint="on-failure only"
      />
    </>
  );
}
