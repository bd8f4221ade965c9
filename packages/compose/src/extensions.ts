import { isMapping, type PathSegment } from './source-map.js';

// Keys whose children are user data (labels, variables, options), where `x-` is an ordinary key.
const FREE_FORM = new Set([
  'environment',
  'labels',
  'args',
  'sysctls',
  'driver_opts',
  'options',
  'extra_hosts',
  'ulimits',
  'aux_addresses',
]);

/** A copy without `x-` extension keys, which Compose allows anywhere and ignores. */
export function stripExtensions(value: unknown, path: PathSegment[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => stripExtensions(item, [...path, i]));
  if (!isMapping(value)) return value;
  const freeForm = FREE_FORM.has(String(path[path.length - 1]));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!freeForm && key.startsWith('x-')) continue;
    out[key] = freeForm ? item : stripExtensions(item, [...path, key]);
  }
  return out;
}
