import type { TPermissionInfo } from '@berth/shared';

/** The order the permission matrix shows its groups in: the Docker objects first, then Berth's. */
const GROUP_ORDER = [
  'container',
  'image',
  'network',
  'volume',
  'plugin',
  'system',
  'stack',
  'swarm',
  'registry',
  'host',
] as const;

export interface PermissionGroup {
  /** The permission prefix: `container` for `container.start`. */
  prefix: string;
  permissions: TPermissionInfo[];
}

export function permissionPrefix(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

/**
 * The catalog grouped by prefix in GROUP_ORDER. A prefix a newer server adds still shows, after
 * the known ones, so no permission is ever hidden from the editor.
 */
export function groupPermissions(catalog: readonly TPermissionInfo[]): PermissionGroup[] {
  const groups = new Map<string, TPermissionInfo[]>();
  for (const permission of catalog) {
    const prefix = permissionPrefix(permission.name);
    const list = groups.get(prefix) ?? [];
    list.push(permission);
    groups.set(prefix, list);
  }
  const rank = (prefix: string) => {
    const index = (GROUP_ORDER as readonly string[]).indexOf(prefix);
    return index === -1 ? GROUP_ORDER.length : index;
  };
  return [...groups]
    .map(([prefix, permissions]) => ({ prefix, permissions }))
    .sort((a, b) => rank(a.prefix) - rank(b.prefix) || a.prefix.localeCompare(b.prefix));
}

/** `container` → `Containers`: the heading of a group. */
export function groupTitle(prefix: string): string {
  switch (prefix) {
    case 'container':
      return 'Containers';
    case 'image':
      return 'Images';
    case 'network':
      return 'Networks';
    case 'volume':
      return 'Volumes';
    case 'plugin':
      return 'Plugins';
    case 'system':
      return 'System';
    case 'stack':
      return 'Stacks';
    case 'swarm':
      return 'Swarm';
    case 'registry':
      return 'Registries';
    case 'host':
      return 'Host';
    default:
      return `${prefix[0]?.toUpperCase() ?? ''}${prefix.slice(1)}`;
  }
}

/**
 * `current` with `names` added (checked) or taken out, in catalog order so a saved role reads the
 * same way as the matrix.
 */
export function withPermissions(
  current: readonly string[],
  names: readonly string[],
  checked: boolean,
  catalog: readonly TPermissionInfo[],
): string[] {
  const next = new Set(current);
  for (const name of names) {
    if (checked) next.add(name);
    else next.delete(name);
  }
  const order = catalog.map((permission) => permission.name);
  // Names the catalog no longer lists stay at the end; the server will say what is wrong.
  const unknown = [...next].filter((name) => !order.includes(name));
  return [...order.filter((name) => next.has(name)), ...unknown];
}

export function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((name) => set.has(name));
}
