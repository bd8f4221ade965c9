'use client';

export interface SegmentedOption<T extends string | number> {
  value: T;
  label: string;
  title?: string;
}

interface SegmentedButtonsProps<T extends string | number> {
  /** The group's accessible name, e.g. "Time range". */
  label: string;
  options: readonly SegmentedOption<T>[];
  value: T;
  onChange: (value: T) => void;
}

/** A row of text buttons of which one is pressed: a small choice between views or ranges. */
export function SegmentedButtons<T extends string | number>({
  label,
  options,
  value,
  onChange,
}: SegmentedButtonsProps<T>) {
  return (
    <div
      role="group"
      aria-label={label}
      className="flex items-center rounded-md border border-border bg-surface p-0.5"
    >
      {options.map((option) => {
        const pressed = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            aria-pressed={pressed}
            title={option.title}
            onClick={() => onChange(option.value)}
            className={`rounded px-2.5 py-1 text-xs transition-colors ${
              pressed ? 'bg-surface-2 font-medium text-fg' : 'text-muted hover:text-fg'
            }`}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
