import { useId, type ReactNode } from 'react';

interface CheckboxFieldProps {
  label: ReactNode;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  hint?: ReactNode;
}

export function CheckboxField({ label, checked, onCheckedChange, hint }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onCheckedChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 size-4 shrink-0 accent-[var(--accent)]"
      />
      <div className="flex flex-col gap-0.5">
        <label htmlFor={id} className="text-sm text-fg">
          {label}
        </label>
        {hint ? (
          <div id={`${id}-hint`} className="text-xs text-muted">
            {hint}
          </div>
        ) : null}
      </div>
    </div>
  );
}
