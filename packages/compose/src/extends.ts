import { type ComposeIssue } from './compose-issue.js';
import { issueAt } from './interpolate-tree.js';
import { extendService } from './merge.js';
import { posix } from 'node:path';
import { parseShortVolume } from './short-syntax.js';
import { copyMapping, deepCopy, isMapping } from './source-map.js';

/** Reads another compose file named by `extends.file`, already parsed and interpolated. */
export type ExtendsFileLoader = (
  file: string,
) =>
  | { tree: Record<string, unknown> }
  | { issues: ComposeIssue[] }
  | { missing: true }
  | { refused: string };

/**
 * Resolves `extends` in one file's services, in place: each extending service becomes its base
 * (from the same file, or from `extends.file`) with its own keys merged over it by the override
 * rules. Chains are followed; a cycle or a missing base is an issue at the `extends` key.
 */
export function applyExtends(
  tree: Record<string, unknown>,
  file: string,
  loadFile: ExtendsFileLoader,
  chain: string[] = [],
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const services = tree.services;
  if (!isMapping(services)) return issues;
  const done = new Set<string>();
  const failed = new Set<string>();
  const resolve = (name: string, stack: string[]): Record<string, unknown> | undefined => {
    const service = services[name];
    if (failed.has(name)) return undefined;
    if (!isMapping(service) || !('extends' in service) || done.has(name)) {
      return isMapping(service) ? service : undefined;
    }
    const where = ['services', name, 'extends'];
    const reference = service.extends;
    const spec = isMapping(reference) ? reference : { service: reference };
    if (typeof spec.service !== 'string') {
      issues.push(issueAt(tree, file, where, 'extends needs the name of a service'));
      return undefined;
    }
    const key = `${typeof spec.file === 'string' ? spec.file : file}:${spec.service}`;
    if (stack.includes(key) || chain.includes(key)) {
      issues.push(issueAt(tree, file, where, `circular extends: ${[...stack, key].join(' -> ')}`));
      for (const entry of stack) failed.add(entry.slice(entry.lastIndexOf(':') + 1));
      return undefined;
    }
    let base: Record<string, unknown> | undefined;
    if (typeof spec.file === 'string') {
      const loaded = loadFile(spec.file);
      if ('refused' in loaded) {
        issues.push(issueAt(tree, file, where, loaded.refused));
        return undefined;
      }
      if ('missing' in loaded) {
        issues.push(issueAt(tree, file, where, `extends file ${spec.file} not found`));
        return undefined;
      }
      if ('issues' in loaded) {
        issues.push(...loaded.issues);
        return undefined;
      }
      issues.push(...applyExtends(loaded.tree, spec.file, loadFile, [...chain, ...stack, key]));
      const other = loaded.tree.services;
      base =
        isMapping(other) && isMapping(other[spec.service])
          ? (other[spec.service] as Record<string, unknown>)
          : undefined;
      if (!base) {
        issues.push(
          issueAt(tree, file, where, `service ${spec.service} not found in ${spec.file}`),
        );
        return undefined;
      }
    } else {
      if (!isMapping(services[spec.service])) {
        issues.push(
          issueAt(
            tree,
            file,
            where,
            `cannot extend service ${name}: service ${spec.service} not found`,
          ),
        );
        return undefined;
      }
      base = resolve(spec.service, [...stack, key]);
      if (!base) {
        failed.add(name);
        return undefined;
      }
    }
    const own = copyMapping(service);
    delete own.extends;
    const inherited = deepCopy(base);
    if (typeof spec.file === 'string') rebasePaths(inherited, posix.dirname(spec.file));
    const merged = extendService(inherited, own, name) as Record<string, unknown>;
    services[name] = merged;
    done.add(name);
    return merged;
  };
  for (const name of Object.keys(services)) resolve(name, [`${file}:${name}`]);
  return issues;
}

/**
 * Relative paths in a service taken from another file are relative to that file: rebase the build
 * context, env files and bind sources onto its folder, as Compose does.
 */
function rebasePaths(service: Record<string, unknown>, dir: string): void {
  if (dir === '.' || dir === '') return;
  const rebase = (path: string) => {
    if (/^(\/|~|git@|github\.com\/)/.test(path) || path.includes('://')) return path;
    const joined = posix.join(dir, path);
    // Keep the leading `./` that marks a short-syntax bind source.
    return joined.startsWith('.') ? joined : `./${joined}`;
  };
  if (typeof service.build === 'string') service.build = rebase(service.build);
  else if (isMapping(service.build) && typeof service.build.context === 'string') {
    service.build.context = rebase(service.build.context);
  } else if (isMapping(service.build)) service.build.context = dir;
  if (typeof service.env_file === 'string') service.env_file = rebase(service.env_file);
  else if (Array.isArray(service.env_file)) {
    service.env_file.forEach((entry, i, list) => {
      if (typeof entry === 'string') list[i] = rebase(entry);
      else if (isMapping(entry) && typeof entry.path === 'string') entry.path = rebase(entry.path);
    });
  }
  if (Array.isArray(service.volumes)) {
    service.volumes.forEach((entry, i, list) => {
      if (typeof entry === 'string') {
        const parsed = parseShortVolume(entry);
        if (parsed?.type === 'bind' && parsed.source) {
          list[i] = [rebase(parsed.source), ...entry.split(':').slice(1)].join(':');
        }
      } else if (isMapping(entry) && entry.type === 'bind' && typeof entry.source === 'string') {
        entry.source = rebase(entry.source);
      }
    });
  }
}
