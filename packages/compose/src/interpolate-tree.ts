import { type ComposeIssue } from './compose-issue.js';
import { InterpolationError, substitute, type VariableLookup } from './interpolation.js';
import { pathMatches } from './merge.js';
import { formatPath, isMapping, locate, type PathSegment } from './source-map.js';

type Cast = (value: string) => unknown;

const toInt: Cast = (value) => (/^-?\d+$/.test(value) ? Number(value) : undefined);
const toBoolean: Cast = (value) => {
  const lower = value.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(lower)) return true;
  if (['n', 'no', 'false', 'off'].includes(lower)) return false;
  return undefined;
};
const toFloat: Cast = (value) => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined);

// compose-go casts these string values (usually produced by a variable) to the type the schema
// expects, so `replicas: ${N}` validates.
const CASTS: [string, Cast, string][] = [
  ['services.*.init', toBoolean, 'a boolean'],
  ['services.*.privileged', toBoolean, 'a boolean'],
  ['services.*.read_only', toBoolean, 'a boolean'],
  ['services.*.stdin_open', toBoolean, 'a boolean'],
  ['services.*.tty', toBoolean, 'a boolean'],
  ['services.*.depends_on.*.required', toBoolean, 'a boolean'],
  ['services.*.depends_on.*.restart', toBoolean, 'a boolean'],
  ['services.*.deploy.replicas', toInt, 'an integer'],
  ['services.*.deploy.resources.limits.pids', toInt, 'an integer'],
  ['services.*.deploy.resources.limits.cpus', toFloat, 'a number'],
  ['services.*.deploy.resources.reservations.cpus', toFloat, 'a number'],
  ['services.*.healthcheck.retries', toInt, 'an integer'],
  ['services.*.healthcheck.disable', toBoolean, 'a boolean'],
  ['services.*.ports.*.target', toInt, 'an integer'],
  ['services.*.secrets.*.mode', toInt, 'an integer'],
  ['services.*.configs.*.mode', toInt, 'an integer'],
  ['services.*.ulimits.*', toInt, 'an integer'],
  ['services.*.ulimits.*.soft', toInt, 'an integer'],
  ['services.*.ulimits.*.hard', toInt, 'an integer'],
  ['services.*.volumes.*.read_only', toBoolean, 'a boolean'],
  ['services.*.volumes.*.volume.nocopy', toBoolean, 'a boolean'],
  ['services.*.volumes.*.bind.create_host_path', toBoolean, 'a boolean'],
  ['networks.*.external', toBoolean, 'a boolean'],
  ['networks.*.internal', toBoolean, 'a boolean'],
  ['networks.*.attachable', toBoolean, 'a boolean'],
  ['networks.*.enable_ipv6', toBoolean, 'a boolean'],
  ['volumes.*.external', toBoolean, 'a boolean'],
  ['secrets.*.external', toBoolean, 'a boolean'],
  ['configs.*.external', toBoolean, 'a boolean'],
];

/**
 * Substitutes variables in every string value of one file's tree (keys are left as written, as
 * the spec says), then casts the typed fields. Returns the issues found, each at its line.
 */
export function interpolateTree(
  root: unknown,
  file: string,
  lookup: VariableLookup,
  unset: Set<string>,
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => (value[i] = visit(item, [...path, i])));
      return value;
    }
    if (isMapping(value)) {
      for (const key of Object.keys(value)) value[key] = visit(value[key], [...path, key]);
      return value;
    }
    if (typeof value !== 'string') return value;
    let text: string;
    try {
      const result = substitute(value, lookup);
      result.unset.forEach((name) => unset.add(name));
      text = result.value;
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      issues.push(issueAt(root, file, path, error.message));
      return value;
    }
    const cast = CASTS.find(([pattern]) => pathMatches(path, pattern));
    if (!cast) return text;
    const converted = cast[1](text);
    if (converted === undefined) {
      issues.push(issueAt(root, file, path, `must be ${cast[2]}, got ${JSON.stringify(text)}`));
      return text;
    }
    return converted;
  };
  visit(root, []);
  return issues;
}

export function issueAt(
  root: unknown,
  file: string | undefined,
  path: readonly PathSegment[],
  message: string,
): ComposeIssue {
  const location = locate(root, path);
  return {
    path: formatPath(path),
    line: location?.line ?? 0,
    message,
    ...((location?.file ?? file) ? { file: location?.file ?? file } : {}),
  };
}
