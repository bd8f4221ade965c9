import {
  childLocation,
  isMapping,
  ownLocation,
  setChildLocation,
  setOwnLocation,
  type PathSegment,
} from './source-map.js';
import { parseShortVolume } from './short-syntax.js';

type Merger = (base: unknown, override: unknown, path: PathSegment[]) => unknown;

/** A value tagged `!reset`: the key is removed from what the earlier files set. */
export const RESET = Symbol('!reset');
/** Mappings and sequences tagged `!override`: they replace the earlier value instead of merging. */
export const OVERRIDDEN = new WeakSet<object>();

/**
 * Merges an override file's tree into the base as compose-spec merge.md and compose-go's override
 * package do: mappings by key, sequences appended, scalars replaced; command, entrypoint and
 * healthcheck.test replaced whole; environment, labels, sysctls, build.args and other key=value
 * lists merged by key; depends_on and service networks as mappings; logging options only merged
 * when the driver stays the same.
 */
export function mergeTrees(base: unknown, override: unknown): unknown {
  return enforceUnicity(mergeValue(base, override, []), []);
}

const SPECIAL: [string, Merger][] = [
  ['networks.*.labels', toSequenceMerge],
  ['volumes.*.labels', toSequenceMerge],
  ['services.*.build', mergeBuild],
  ['services.*.build.args', toSequenceMerge],
  ['services.*.command', replace],
  ['services.*.entrypoint', replace],
  ['services.*.healthcheck.test', replace],
  ['services.*.depends_on', mergeAsMapping({ condition: 'service_started', required: true })],
  ['services.*.networks', mergeAsMapping(null)],
  ['services.*.dns', toSequenceMerge],
  ['services.*.env_file', toSequenceMerge],
  ['services.*.environment', toSequenceMerge],
  ['services.*.labels', toSequenceMerge],
  ['services.*.sysctls', toSequenceMerge],
  ['services.*.extra_hosts', mergeExtraHosts],
  ['services.*.logging', mergeLogging],
  ['services.*.ulimits.*', replace],
];

export function pathMatches(path: readonly PathSegment[], pattern: string): boolean {
  const parts = pattern.split('.');
  return (
    parts.length === path.length &&
    parts.every((part, index) => part === '*' || part === String(path[index]))
  );
}

function mergeValue(base: unknown, override: unknown, path: PathSegment[]): unknown {
  if (typeof override === 'object' && override !== null && OVERRIDDEN.has(override)) {
    return override;
  }
  const special = SPECIAL.find(([pattern]) => pathMatches(path, pattern));
  if (special) return special[1](base, override, path);
  if (override === null || override === undefined) return base;
  if (isMapping(base) && isMapping(override)) return mergeMappings(base, override, path);
  if (Array.isArray(base) && Array.isArray(override)) return concat(base, override);
  return override;
}

function mergeMappings(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
  path: PathSegment[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  setOwnLocation(merged, ownLocation(base) ?? ownLocation(override));
  for (const [key, value] of Object.entries(base)) {
    merged[key] = value;
    setChildLocation(merged, key, childLocation(base, key));
  }
  for (const [key, value] of Object.entries(override)) {
    if (value === RESET) {
      delete merged[key];
      continue;
    }
    merged[key] = key in base ? mergeValue(base[key], value, [...path, key]) : value;
    setChildLocation(merged, key, childLocation(override, key) ?? childLocation(base, key));
  }
  return merged;
}

function concat(base: unknown[], override: unknown[]): unknown[] {
  const merged = [...base, ...override];
  base.forEach((_, i) => setChildLocation(merged, i, childLocation(base, i)));
  override.forEach((_, i) => setChildLocation(merged, base.length + i, childLocation(override, i)));
  setOwnLocation(merged, ownLocation(base) ?? ownLocation(override));
  return merged;
}

function replace(_base: unknown, override: unknown): unknown {
  return override;
}

/** `KEY=VALUE` strings for a mapping (sorted, as compose-go does), the list itself otherwise. */
function toSequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  if (!isMapping(value)) return [];
  const entries = Object.keys(value)
    .filter((key) => value[key] !== RESET)
    .sort()
    .map((key) => {
      const item = value[key];
      return { key, text: item === null || item === undefined ? key : `${key}=${scalar(item)}` };
    });
  const list = entries.map((entry) => entry.text);
  entries.forEach((entry, i) => setChildLocation(list, i, childLocation(value, entry.key)));
  setOwnLocation(list, ownLocation(value));
  return list;
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toSequenceMerge(base: unknown, override: unknown): unknown {
  // `KEY: !reset null` in a mapping removes KEY from what the earlier files set.
  const resets = isMapping(override)
    ? Object.keys(override).filter((key) => override[key] === RESET)
    : [];
  const left = toSequence(base);
  const kept = left.filter((entry) => !resets.includes(keyValue(entry) ?? ''));
  const keptList = left.length === kept.length ? left : relocate(left, kept);
  return concat(keptList, toSequence(override));
}

/** `subset` (items of `list`, in order) as a new list that keeps their locations. */
function relocate(list: unknown[], subset: unknown[]): unknown[] {
  const out: unknown[] = [];
  let from = 0;
  for (const item of subset) {
    const index = list.indexOf(item, from);
    setChildLocation(out, out.length, childLocation(list, index));
    out.push(item);
    from = index + 1;
  }
  setOwnLocation(out, ownLocation(list));
  return out;
}

/** Removes what `!reset` left in a tree that had nothing earlier to reset. */
export function dropResets(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept = value.filter((item) => item !== RESET);
    const list = kept.length === value.length ? value : relocate(value, kept);
    list.forEach((item, i) => (list[i] = dropResets(item)));
    return list;
  }
  if (isMapping(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === RESET) delete value[key];
      else value[key] = dropResets(value[key]);
    }
  }
  return value;
}

function mergeExtraHosts(base: unknown, override: unknown): unknown {
  const left = toSequence(base);
  const right = toSequence(override);
  const fresh = right.filter((entry) => !left.includes(entry));
  return concat(left, fresh);
}

function toMapping(value: unknown, fill: Record<string, unknown> | null): Record<string, unknown> {
  if (isMapping(value)) return value;
  const mapping: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const key = String(item);
      mapping[key] = fill ? { ...fill } : null;
      setChildLocation(mapping, key, childLocation(value, i));
    });
    setOwnLocation(mapping, ownLocation(value));
  }
  return mapping;
}

function mergeAsMapping(fill: Record<string, unknown> | null): Merger {
  return (base, override, path) =>
    mergeMappings(toMapping(base, fill), toMapping(override, fill), path);
}

function mergeBuild(base: unknown, override: unknown, path: PathSegment[]): unknown {
  const asMapping = (value: unknown) =>
    typeof value === 'string' ? { context: value } : toMapping(value, null);
  return mergeMappings(asMapping(base), asMapping(override), path);
}

function mergeLogging(base: unknown, override: unknown, path: PathSegment[]): unknown {
  if (!isMapping(base) || !isMapping(override)) return override ?? base;
  const sameDriver =
    base.driver === undefined || override.driver === undefined || base.driver === override.driver;
  return sameDriver ? mergeMappings(base, override, path) : override;
}

type Indexer = (entry: unknown) => string | undefined;

const keyValue: Indexer = (entry) =>
  typeof entry === 'string' ? entry.split('=')[0] : JSON.stringify(entry);

const UNIQUE: [string, Indexer][] = [
  ['services.*.build.args', keyValue],
  ['services.*.cap_add', keyValue],
  ['services.*.cap_drop', keyValue],
  ['services.*.dns', keyValue],
  ['services.*.environment', keyValue],
  ['services.*.labels', keyValue],
  ['services.*.profiles', keyValue],
  ['services.*.sysctls', keyValue],
  ['services.*.security_opt', keyValue],
  ['services.*.networks.*.aliases', keyValue],
  ['networks.*.labels', keyValue],
  ['volumes.*.labels', keyValue],
  ['services.*.expose', (entry) => String(entry)],
  ['services.*.env_file', (entry) => (isMapping(entry) ? String(entry.path) : String(entry))],
  ['services.*.ports', portKey],
  ['services.*.volumes', volumeTarget],
  ['services.*.devices', deviceTarget],
  ['services.*.secrets', mountTarget('/run/secrets/')],
  ['services.*.configs', mountTarget('/')],
];

/** Drops earlier entries that a later one redefines (compose-go's EnforceUnicity). */
export function enforceUnicity(value: unknown, path: PathSegment[]): unknown {
  if (isMapping(value)) {
    for (const key of Object.keys(value)) value[key] = enforceUnicity(value[key], [...path, key]);
    return value;
  }
  if (!Array.isArray(value)) return value;
  const rule = UNIQUE.find(([pattern]) => pathMatches(path, pattern));
  if (!rule) return value;
  const result: unknown[] = [];
  const positions = new Map<string, number>();
  value.forEach((entry, i) => {
    const key = rule[1](entry);
    const existing = key === undefined ? undefined : positions.get(key);
    const target = existing ?? result.length;
    result[target] = entry;
    setChildLocation(result, target, childLocation(value, i));
    if (key !== undefined && existing === undefined) positions.set(key, target);
  });
  setOwnLocation(result, ownLocation(value));
  return result;
}

function portKey(entry: unknown): string | undefined {
  if (isMapping(entry)) {
    return [entry.host_ip ?? '', entry.published ?? '', entry.target, entry.protocol ?? 'tcp']
      .map(String)
      .join('|');
  }
  return String(entry);
}

function volumeTarget(entry: unknown): string | undefined {
  if (isMapping(entry)) return typeof entry.target === 'string' ? entry.target : undefined;
  if (typeof entry === 'string') return parseShortVolume(entry)?.target;
  return undefined;
}

function deviceTarget(entry: unknown): string | undefined {
  if (isMapping(entry)) return String(entry.target ?? entry.source);
  if (typeof entry !== 'string') return undefined;
  const parts = entry.split(':');
  return parts[1] ?? parts[0];
}

function mountTarget(prefix: string): Indexer {
  return (entry) => {
    if (typeof entry === 'string') return prefix + entry;
    if (!isMapping(entry)) return undefined;
    const target = typeof entry.target === 'string' ? entry.target : String(entry.source);
    return target.startsWith('/') ? target : prefix + target;
  };
}

/** A service extended by another: the base's tree with the extending service merged over it. */
export function extendService(
  base: Record<string, unknown>,
  service: Record<string, unknown>,
  name: string,
): unknown {
  const path = ['services', name];
  return enforceUnicity(mergeValue(base, service, path), path);
}
