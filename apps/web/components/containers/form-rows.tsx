'use client';

import { Plus, X } from 'lucide-react';
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { inputClassName } from '../ui/input-class-name';

interface RowListProps<Row extends { key: string }> {
  /** Names the rows for screen readers ("Port 2"). */
  noun: string;
  rows: readonly Row[];
  /** Column headings shown above the rows on wide screens. */
  columns: readonly { label: string; className: string }[];
  renderRow: (row: Row, index: number, label: (field: string) => string) => ReactNode;
  onAdd: () => void;
  onRemove: (index: number) => void;
  addLabel: string;
  empty: ReactNode;
  /** An error about the list itself (too many rows). */
  error?: string | undefined;
}

/** Editable rows (env, ports, mounts…) with add and remove buttons. */
export function RowList<Row extends { key: string }>({
  noun,
  rows,
  columns,
  renderRow,
  onAdd,
  onRemove,
  addLabel,
  empty,
  error,
}: RowListProps<Row>) {
  return (
    <div className="flex flex-col gap-2">
      {rows.length === 0 ? (
        <p className="text-xs text-muted">{empty}</p>
      ) : (
        <>
          <div aria-hidden className="hidden items-center gap-2 md:flex">
            {columns.map((column) => (
              <span
                key={column.label}
                className={`text-xs font-medium text-muted ${column.className}`}
              >
                {column.label}
              </span>
            ))}
            <span className="w-8 shrink-0" />
          </div>
          <ul className="flex flex-col gap-2">
            {rows.map((row, index) => (
              <li
                key={row.key}
                className="flex flex-wrap items-start gap-2 rounded-md border border-border p-2 md:flex-nowrap md:border-0 md:p-0"
              >
                {renderRow(row, index, (field) => `${noun} ${index + 1} ${field}`)}
                <Button
                  variant="ghost"
                  size="sm"
                  className="mt-0.5 w-8 shrink-0 px-0"
                  aria-label={`Remove ${noun.toLowerCase()} ${index + 1}`}
                  title="Remove"
                  onClick={() => onRemove(index)}
                >
                  <X aria-hidden />
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error ? <p className="text-xs font-medium text-danger">{error}</p> : null}
      <div>
        <Button size="sm" onClick={onAdd}>
          <Plus aria-hidden />
          {addLabel}
        </Button>
      </div>
    </div>
  );
}

interface CellInputProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'className' | 'aria-label'
> {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
  mono?: boolean;
  className?: string;
}

/** One input of a row: labelled for screen readers, its error right under it. */
export function CellInput({
  label,
  value,
  onValueChange,
  error,
  mono = false,
  className = '',
  ...inputProps
}: CellInputProps) {
  const id = useId();
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <input
        aria-label={label}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputClassName} h-8 ${mono ? 'font-mono text-[13px]' : ''}`}
        {...inputProps}
      />
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface CellSelectProps {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  options: readonly string[];
  error?: string | undefined;
  className?: string;
}

export function CellSelect({
  label,
  value,
  onValueChange,
  options,
  error,
  className = '',
}: CellSelectProps) {
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <select
        aria-label={label}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        className={`${inputClassName} h-8 py-0`}
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      {error ? <p className="text-xs font-medium text-danger">{error}</p> : null}
    </div>
  );
}

export function CellCheckbox({
  label,
  checked,
  onCheckedChange,
  className = '',
}: {
  label: string;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  className?: string;
}) {
  return (
    <label className={`flex h-8 items-center gap-1.5 text-xs text-fg ${className}`}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onCheckedChange(event.target.checked)}
        className="size-4 accent-[var(--accent)]"
      />
      {label}
    </label>
  );
}

/** A titled group of fields inside the form. */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4"
    >
      <div className="flex flex-col gap-0.5">
        <h2 id={id} className="text-sm font-semibold text-fg">
          {title}
        </h2>
        {description ? <p className="text-xs text-muted">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}
