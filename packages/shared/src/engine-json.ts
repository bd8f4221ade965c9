/**
 * Reading Docker Engine API bodies as the engine does. Go's encoding/json matches a field name
 * case-insensitively, with Unicode simple folding, so a check that looks at `Privileged` alone
 * could be passed by `privileged`. The host policy check and the gateway both read bodies this way.
 */

/** A name folded as Go compares names: upper-casing first maps ſ to S and keeps K (Kelvin). */
export function goFold(name: string): string {
  return name.toUpperCase().toLowerCase();
}

/** The keys of an object that the engine would read as `name` (more than one is ambiguous). */
export function goKeys(value: Record<string, unknown>, name: string): string[] {
  const wanted = goFold(name);
  return Object.keys(value).filter((key) => goFold(key) === wanted);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array as given, or no items for anything else. */
export function jsonList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
