import { type z } from 'zod';
import { stripExtensions } from './extensions.js';
import { type PathSegment } from './source-map.js';
import { type SubsetTarget, ZComposeSubset } from './subset-schema.js';

export interface SubsetProblem {
  path: PathSegment[];
  message: string;
  /** Set when the problem is a key outside the subset. */
  unknownKey?: string;
}

/**
 * Checks the merged tree against Berth's subset. An unknown key becomes one problem at its own
 * path; a value that fits no form of a union is reported through the form that got furthest (the
 * deepest problem), as for the JSON schema.
 */
export function validateSubset(tree: unknown, target?: SubsetTarget): SubsetProblem[] {
  const result = (target?.schema ?? ZComposeSubset).safeParse(stripExtensions(tree, []));
  if (result.success) return [];
  const unsupported = target?.unsupported ?? ((key: string) => `${key} is not supported by Berth`);
  return result.error.issues.flatMap((issue) => describe(issue, unsupported));
}

function describe(issue: z.core.$ZodIssue, unsupported: (key: string) => string): SubsetProblem[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: unsupported(key),
      unknownKey: key,
    }));
  }
  if (issue.code === 'invalid_union') {
    let best: SubsetProblem[] = [{ path: [], message: issue.message }];
    let bestDepth = -1;
    for (const branch of issue.errors) {
      const problems = branch.flatMap((inner) => describe(inner, unsupported));
      const depth = Math.max(...problems.map((p) => p.path.length));
      if (depth > bestDepth) {
        best = problems;
        bestDepth = depth;
      }
    }
    return best.map((p) => ({ ...p, path: [...path, ...p.path] }));
  }
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'object' ? 'mapping' : issue.expected;
    return [{ path, message: `must be a ${expected}` }];
  }
  if (issue.code === 'invalid_value') {
    return [{ path, message: `must be one of ${issue.values.map(String).join(', ')}` }];
  }
  return [{ path, message: issue.message }];
}
