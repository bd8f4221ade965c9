import { useId, type ReactNode } from 'react';

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
  hint?: ReactNode;
}

interface RadioGroupProps<T extends string> {
  legend: ReactNode;
  value: T;
  options: readonly RadioOption<T>[];
  onValueChange: (value: T) => void;
  error?: string | undefined;
  /** Side by side instead of one under the other (short labels without hints). */
  inline?: boolean;
}

/** Native radio buttons in a fieldset: arrow keys move between them, as everywhere else. */
export function RadioGroup<T extends string>({
  legend,
  value,
  options,
  onValueChange,
  error,
  inline = false,
}: RadioGroupProps<T>) {
  const name = useId();
  return (
    <fieldset
      className="flex min-w-0 flex-col gap-1.5"
      aria-describedby={error ? `${name}-error` : undefined}
    >
      <legend className="mb-1 text-xs font-medium text-fg">{legend}</legend>
      <div className={inline ? 'flex flex-wrap gap-x-4 gap-y-1.5' : 'flex flex-col gap-2'}>
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <div key={option.value} className="flex items-start gap-2">
              <input
                id={id}
                type="radio"
                name={name}
                value={option.value}
                checked={value === option.value}
                onChange={() => onValueChange(option.value)}
                aria-describedby={option.hint ? `${id}-hint` : undefined}
                className="mt-0.5 size-4 shrink-0 accent-[var(--accent)]"
              />
              <div className="flex flex-col gap-0.5">
                <label htmlFor={id} className="text-sm text-fg">
                  {option.label}
                </label>
                {option.hint ? (
                  <div id={`${id}-hint`} className="text-xs text-muted">
                    {option.hint}
                  </div>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      {error ? (
        <p id={`${name}-error`} className="text-xs font-medium text-danger">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
