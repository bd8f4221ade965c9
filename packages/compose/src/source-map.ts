/** Where a value came from: the file it was read from and its 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

export type PathSegment = string | number;
export type TreeValue = unknown;

// Each mapping or sequence of the loaded tree keeps where its children were written, so that an
// error found after interpolation, extends and merging still names the line it comes from.
const childLocations = new WeakMap<object, Map<PathSegment, SourceLocation>>();
const ownLocations = new WeakMap<object, SourceLocation>();

export function setChildLocation(
  container: object,
  key: PathSegment,
  location: SourceLocation | undefined,
): void {
  if (!location) return;
  let locations = childLocations.get(container);
  if (!locations) {
    locations = new Map();
    childLocations.set(container, locations);
  }
  locations.set(key, location);
}

export function childLocation(container: object, key: PathSegment): SourceLocation | undefined {
  return childLocations.get(container)?.get(key);
}

export function setOwnLocation(container: object, location: SourceLocation | undefined): void {
  if (location) ownLocations.set(container, location);
}

export function ownLocation(container: object): SourceLocation | undefined {
  return ownLocations.get(container);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The location of the deepest node along `path` that exists in `root`: an error about a missing
 * or unexpected child points at its parent's line.
 */
export function locate(root: unknown, path: readonly PathSegment[]): SourceLocation | undefined {
  let node: unknown = root;
  let found = typeof root === 'object' && root !== null ? ownLocation(root) : undefined;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) break;
    const here = childLocation(node, segment);
    if (!here) break;
    found = here;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return found;
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

/** A copy of a mapping that keeps the locations of its children. */
export function copyMapping(source: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    copy[key] = value;
    setChildLocation(copy, key, childLocation(source, key));
  }
  setOwnLocation(copy, ownLocation(source));
  return copy;
}

/** A deep copy that keeps every location (extends reuses a base service more than once). */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) {
    const copy = value.map((item: unknown) => deepCopy(item));
    value.forEach((_, index) => setChildLocation(copy, index, childLocation(value, index)));
    setOwnLocation(copy, ownLocation(value));
    return copy as T;
  }
  if (isMapping(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = deepCopy(item);
      setChildLocation(copy, key, childLocation(value, key));
    }
    setOwnLocation(copy, ownLocation(value));
    return copy as T;
  }
  return value;
}
