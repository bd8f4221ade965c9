import { posix } from 'node:path';
import { type ComposeIssue } from './compose-issue.js';
import { unknownKeyMessage, validateComposeSpec } from './compose-schema.js';
import { DotEnvError, parseDotEnv } from './dotenv.js';
import { applyExtends } from './extends.js';
import { interpolateTree, issueAt } from './interpolate-tree.js';
import { dropResets, enforceUnicity, mergeTrees } from './merge.js';
import { type ComposeProject } from './model.js';
import { normalizeProject, type ProjectFiles } from './normalize.js';
import { stripExtensions } from './extensions.js';
import { formatPath, isMapping } from './source-map.js';
import { type SubsetTarget, ZComposeSubset } from './subset-schema.js';
import { validateSubset } from './subset-issues.js';
import { parseYamlSource } from './yaml-source.js';

export interface ComposeSource {
  /** File name as the user knows it (`compose.yaml`); errors name it. */
  name: string;
  content: string;
}

export interface LoadOptions {
  /** Compose files, merged in order (later files override earlier ones). */
  files: ComposeSource[];
  /** Wins over `COMPOSE_PROJECT_NAME` and the top-level `name`. */
  projectName?: string;
  /** Variables for interpolation; they win over the `.env` file's. */
  environment?: Record<string, string>;
  /** Content of the project's `.env` file. */
  dotEnv?: string;
  /** Absolute directory that relative paths (binds, build contexts, env files) resolve against. */
  workingDir?: string;
  /** Reads a file by absolute path (`env_file`, `extends.file`, secret files); undefined if absent. */
  readFile?: (path: string) => string | undefined;
  /** Active profiles; `COMPOSE_PROFILES` when not given. `*` enables every service. */
  profiles?: string[];
  /** Where the project's build contexts and bind-mounted files are; `host` when not given. */
  projectFiles?: ProjectFiles;
  /** What the project is checked against and read as; Berth's single-host subset when not given. */
  subset?: SubsetTarget;
}

export type LoadResult =
  | { ok: true; project: ComposeProject; warnings: string[] }
  | { ok: false; issues: ComposeIssue[]; warnings: string[] };

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Loads a compose project: parse, interpolate each file, resolve `extends`, merge the files in
 * order, validate against the Compose Specification and Berth's subset, then normalise. Every
 * problem is returned with its path and line; nothing outside the subset is silently dropped.
 */
export function loadProject(options: LoadOptions): LoadResult {
  const warnings: string[] = [];
  const workingDir = posix.resolve(options.workingDir ?? '/');
  const readFile = options.readFile ?? (() => undefined);
  const variables = readVariables(options);
  if ('issues' in variables) return { ok: false, issues: variables.issues, warnings };
  const lookup = (name: string) => variables.values[name];
  const unset = new Set<string>();

  const issues: ComposeIssue[] = [];
  // A file whose YAML parses goes on to the later steps even when a variable is missing, so that
  // one answer lists every problem; values that failed to interpolate are not reported again.
  const interpolationIssues: ComposeIssue[] = [];
  type Loaded = { tree: Record<string, unknown> } | { issues: ComposeIssue[] };
  const loadTree = (name: string, content: string): Loaded => {
    const parsed = parseYamlSource(name, content);
    if (parsed.issues.length > 0) return { issues: parsed.issues };
    if (!isMapping(parsed.value)) {
      return {
        issues: [{ path: '', line: 1, file: name, message: 'a compose file must be a mapping' }],
      };
    }
    interpolationIssues.push(...interpolateTree(parsed.value, name, lookup, unset));
    return { tree: parsed.value };
  };
  const extendsFiles = new Map<string, Loaded | { missing: true }>();
  const loadExtendsFile = (file: string) => {
    const cached = extendsFiles.get(file);
    if (cached) return cached;
    const given = options.files.find((source) => source.name === file);
    const path = posix.resolve(workingDir, file);
    const files = options.projectFiles;
    const refused =
      given === undefined ? extendsFileRefusal(file, path, files ?? 'host') : undefined;
    if (refused) return { refused };
    const content = given?.content ?? readFile(path);
    const loaded = content === undefined ? { missing: true as const } : loadTree(file, content);
    extendsFiles.set(file, loaded);
    return loaded;
  };

  const trees: Record<string, unknown>[] = [];
  for (const source of options.files) {
    const loaded = loadTree(source.name, source.content);
    if ('issues' in loaded) {
      issues.push(...loaded.issues);
      continue;
    }
    issues.push(...applyExtends(loaded.tree, source.name, loadExtendsFile));
    trees.push(loaded.tree);
  }
  if (options.files.length === 0) {
    issues.push({ path: '', line: 0, message: 'no compose file given' });
  }
  if (issues.length > 0) {
    return {
      ok: false,
      issues: [...issues, ...interpolationIssues],
      warnings: unsetWarnings(unset),
    };
  }

  const tree = dropResets(
    trees
      .slice(1)
      .reduce<unknown>((merged, next) => mergeTrees(merged, next), enforceUnicity(trees[0], [])),
  );
  warnings.push(...unsetWarnings(unset));

  issues.push(...interpolationIssues);
  const reported = new Set(interpolationIssues.map((issue) => issue.path));
  const { violation, unknownKeys } = validateComposeSpec(tree);
  if (violation && !reported.has(formatPath(violation.path))) {
    issues.push(issueAt(tree, undefined, violation.path, violation.message));
    reported.add(formatPath(violation.path));
  }
  const unknownToSpec = new Set(unknownKeys.map(formatPath));
  for (const problem of validateSubset(tree, options.subset)) {
    const path = formatPath(problem.path);
    if (reported.has(path)) continue;
    // A key the specification does not know is a mistake, not a feature Berth lacks.
    const message =
      problem.unknownKey !== undefined && unknownToSpec.has(path)
        ? unknownKeyMessage(problem.unknownKey)
        : problem.message;
    issues.push(issueAt(tree, undefined, problem.path, message));
  }
  if (issues.length > 0) return { ok: false, issues: byLine(issues), warnings };

  const root = tree as Record<string, unknown>;
  if ('version' in root) {
    warnings.push('the attribute `version` is obsolete, it will be ignored');
  }
  const projectName =
    options.projectName ??
    variables.values.COMPOSE_PROJECT_NAME ??
    (typeof root.name === 'string' ? root.name : undefined);
  if (!projectName || !PROJECT_NAME.test(projectName)) {
    const message = projectName
      ? `project name ${JSON.stringify(projectName)} must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit`
      : 'a project name is required';
    return { ok: false, issues: [issueAt(tree, undefined, ['name'], message)], warnings };
  }
  const stripped = stripExtensions(tree, []);
  const raw = options.subset ? options.subset.read(stripped, tree) : ZComposeSubset.parse(stripped);
  const normalized = normalizeProject(raw, {
    projectName,
    workingDir,
    profiles:
      options.profiles ??
      (variables.values.COMPOSE_PROFILES ?? '').split(',').filter((p) => p !== ''),
    lookup,
    readFile,
    tree,
    projectFiles: options.projectFiles ?? 'host',
  });
  if (normalized.issues.length > 0) {
    return { ok: false, issues: byLine(normalized.issues), warnings };
  }
  return { ok: true, project: normalized.project, warnings };
}

/** Why an `extends.file` cannot be read where the project's files are, if it cannot. */
function extendsFileRefusal(file: string, path: string, files: ProjectFiles): string | undefined {
  if (files === 'none') {
    return `extends file ${file} is not available: this stack has only its compose text; put the service in this file, or create the stack from a git repository that has the file`;
  }
  if (typeof files === 'object') {
    const inRepo = posix.relative(files.checkout, path);
    if (inRepo.startsWith('..') || posix.isAbsolute(inRepo)) {
      return `extends file ${file} is outside the repository`;
    }
  }
  return undefined;
}

function unsetWarnings(unset: Set<string>): string[] {
  return [...unset].map(
    (name) => `The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`,
  );
}

function byLine(issues: ComposeIssue[]): ComposeIssue[] {
  const files = [...new Set(issues.map((issue) => issue.file))];
  return [...issues].sort(
    (a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line,
  );
}

function readVariables(
  options: LoadOptions,
): { values: Record<string, string> } | { issues: ComposeIssue[] } {
  const environment = options.environment ?? {};
  if (options.dotEnv === undefined) return { values: { ...environment } };
  try {
    const fromFile = parseDotEnv(options.dotEnv, (name) => environment[name]);
    return { values: { ...fromFile, ...environment } };
  } catch (error) {
    if (!(error instanceof DotEnvError)) throw error;
    return { issues: [{ path: '', line: error.line, file: '.env', message: error.message }] };
  }
}
