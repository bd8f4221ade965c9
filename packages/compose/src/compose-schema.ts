import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type PathSegment } from './source-map.js';

export interface SchemaViolation {
  path: PathSegment[];
  message: string;
}

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The Compose Specification's JSON schema as shipped by the `dclint` package (a maintained
 * compose linter that keeps a current copy in `schemas/compose.schema.json`). Copies up to early
 * 2026 declare draft-07; the keywords they use mean the same in draft 2020-12, so the declaration is
 * rewritten in memory and the schema compiled with ajv's 2020-12 build.
 */
function loadSchema(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('dclint/package.json'));
  const schema = JSON.parse(
    readFileSync(join(root, 'schemas', 'compose.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return { ...schema, $schema: DRAFT_2020_12 };
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
    compiled = ajv.compile(loadSchema());
  }
  return compiled;
}

/**
 * Validates a merged, interpolated compose tree against the Compose Specification. Like
 * compose-go, it reports one error: the most specific one, the one deepest in the tree (an
 * unexpected key counts one deeper than its mapping), so a wrong `oneOf` branch does not hide
 * the real mistake.
 */
export function validateComposeSpec(tree: unknown): {
  violation?: SchemaViolation;
  /** Every key the specification does not know, so that the subset check can say so too. */
  unknownKeys: PathSegment[][];
} {
  const validate = validator();
  if (validate(tree)) return { unknownKeys: [] };
  let best: { error: ErrorObject; depth: number } | undefined;
  const unknownKeys: PathSegment[][] = [];
  for (const error of validate.errors ?? []) {
    const key = extraKey(error);
    if (key !== undefined) unknownKeys.push([...toPath(error.instancePath, tree), key]);
    const depth = pointerSegments(error.instancePath).length + (key !== undefined ? 1 : 0);
    if (!best || depth > best.depth) best = { error, depth };
  }
  return { ...(best ? { violation: describe(best.error, tree) } : {}), unknownKeys };
}

function extraKey(error: ErrorObject): string | undefined {
  if (error.keyword !== 'additionalProperties') return undefined;
  return (error.params as { additionalProperty?: string }).additionalProperty;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** JSON pointer segments as tree path segments (array indexes as numbers). */
function toPath(pointer: string, tree: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node = tree;
  for (const segment of pointerSegments(pointer)) {
    const key: PathSegment = Array.isArray(node) ? Number(segment) : segment;
    path.push(key);
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<PathSegment, unknown>)[key]
        : undefined;
  }
  return path;
}

function describe(error: ErrorObject, tree: unknown): SchemaViolation {
  const path = toPath(error.instancePath, tree);
  const params = error.params as Record<string, unknown>;
  const key = extraKey(error);
  if (key !== undefined) {
    return { path: [...path, key], message: unknownKeyMessage(key) };
  }
  switch (error.keyword) {
    case 'type':
      return { path, message: `must be a ${humanType(String(params.type))}` };
    case 'required':
      return { path, message: `missing property ${String(params.missingProperty)}` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'minimum':
      return { path, message: `must be greater than or equal to ${String(params.limit)}` };
    case 'maximum':
      return { path, message: `must be less than or equal to ${String(params.limit)}` };
    case 'pattern':
      return { path, message: `must match pattern ${String(params.pattern)}` };
    default:
      return { path, message: error.message ?? `is invalid (${error.keyword})` };
  }
}

function humanType(type: string): string {
  const names = type.split(',').map((name) => (name === 'object' ? 'mapping' : name));
  if (names.length === 1) return names[0] ?? type;
  names.sort();
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

export function unknownKeyMessage(key: string): string {
  return `additional property ${key} is not allowed`;
}
