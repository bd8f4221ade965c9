/** One look for every text input, select and textarea. */
export const inputClassName =
  'w-full rounded-md border border-border-strong bg-surface px-2.5 py-1.5 text-sm text-fg placeholder:text-muted/70 focus-visible:border-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent/30 aria-invalid:border-danger disabled:opacity-60';
