import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';
import { describedBy, Field } from './field';
import { inputClassName } from './input-class-name';

interface SelectFieldProps extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'id' | 'value' | 'onChange' | 'className'
> {
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** `<option>` and `<optgroup>` elements. */
  children: ReactNode;
}

/** A labelled native select with the same error and hint wiring as TextField. */
export function SelectField({
  label,
  value,
  onValueChange,
  error,
  hint,
  children,
  ...selectProps
}: SelectFieldProps) {
  const id = useId();
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${inputClassName} h-8 py-0`}
        {...selectProps}
      >
        {children}
      </select>
    </Field>
  );
}
