import type { FieldErrors } from '@/lib/field-errors';
import { TextField } from '../ui/text-field';

/** The engine's address, in both host forms. */
export function HostUrlField({
  value,
  onChange,
  errors,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  errors: FieldErrors;
  placeholder?: string;
}) {
  return (
    <TextField
      label="URL"
      mono
      autoComplete="off"
      spellCheck={false}
      value={value}
      onValueChange={onChange}
      error={errors.url}
      placeholder={placeholder}
      hint="unix:///var/run/docker.sock, tcp://host:port or ssh://user@host[:port]"
    />
  );
}
