import { useId, type ReactNode } from 'react';
import { describedBy, Field } from './field';
import { inputClassName } from './input-class-name';

interface KeyValueFieldProps {
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  placeholder?: string;
}

/** Options or labels as `key=value` lines in one textarea. */
export function KeyValueField({
  label,
  value,
  onValueChange,
  error,
  hint,
  placeholder,
}: KeyValueFieldProps) {
  const id = useId();
  return (
    <Field id={id} label={label} error={error} hint={hint ?? 'One key=value per line'}>
      <textarea
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint ?? 'One key=value per line')}
        rows={3}
        spellCheck={false}
        placeholder={placeholder}
        className={`${inputClassName} py-1 font-mono text-[13px]`}
      />
    </Field>
  );
}
