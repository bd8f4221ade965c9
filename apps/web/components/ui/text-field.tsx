import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { describedBy, Field } from './field';
import { inputClassName } from './input-class-name';

interface TextFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'value' | 'onChange' | 'className'
> {
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** For URLs, ids and other machine text. */
  mono?: boolean;
}

export function TextField({
  label,
  value,
  onValueChange,
  error,
  hint,
  mono = false,
  ...inputProps
}: TextFieldProps) {
  const id = useId();
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${inputClassName} h-8 ${mono ? 'font-mono text-[13px]' : ''}`}
        {...inputProps}
      />
    </Field>
  );
}

/** One text field of a form described as data: the value it edits (`name`) and how it shows. */
export interface TextFieldSpec<Name extends string> {
  name: Name;
  label: string;
  mono?: boolean;
  placeholder?: string;
  type?: string;
  inputMode?: 'numeric';
  hint?: string;
}
