'use client';

import { FileUp } from 'lucide-react';
import { useId, useRef, type ChangeEvent, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { describedBy } from '../ui/field';
import { inputClassName } from '../ui/input-class-name';

interface PemFieldProps {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  placeholder: string;
}

/** A PEM certificate or key: paste it, or load the file into the box to review it first. */
export function PemField({ label, value, onValueChange, error, hint, placeholder }: PemFieldProps) {
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (file) onValueChange(await file.text());
    // Let the same file be picked again after the text was edited.
    input.value = '';
  }

  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-xs font-medium text-fg">
          {label}
        </label>
        <Button size="sm" variant="ghost" onClick={() => fileInput.current?.click()}>
          <FileUp aria-hidden />
          Load file<span className="sr-only"> for {label}</span>
        </Button>
        <input
          ref={fileInput}
          type="file"
          tabIndex={-1}
          aria-hidden
          className="hidden"
          onChange={(event) => void loadFile(event)}
        />
      </div>
      <textarea
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        rows={4}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${inputClassName} resize-y font-mono text-xs leading-4`}
      />
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}
