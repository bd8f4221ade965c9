/** `key=value` lines (as a textarea holds them) as a record; blank lines are skipped. */
export function parseKeyValues(text: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    if (at < 0) record[trimmed] = '';
    else record[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return record;
}

/** The first error of a record field (`options`, `options.key`), for the one field that edits it. */
export function recordError(
  errors: Record<string, string | undefined>,
  field: string,
): string | undefined {
  const key = Object.keys(errors).find((path) => path === field || path.startsWith(`${field}.`));
  if (!key) return undefined;
  const name = key.slice(field.length + 1);
  return name ? `${name}: ${errors[key]}` : errors[key];
}
