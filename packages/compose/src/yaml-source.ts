import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { type ComposeIssue } from './compose-issue.js';
import { OVERRIDDEN, RESET } from './merge.js';
import {
  childLocation,
  setChildLocation,
  setOwnLocation,
  type SourceLocation,
} from './source-map.js';

export interface ParsedYaml {
  value: unknown;
  issues: ComposeIssue[];
}

/**
 * Parses one YAML file into plain values, recording the line of every key and sequence item.
 * Anchors, aliases and `<<` merge keys are resolved as YAML 1.2 with merge keys, as Compose reads
 * them; duplicate keys and syntax errors are issues at their line.
 */
export function parseYamlSource(file: string, content: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, merge: true, uniqueKeys: true });
  const issues: ComposeIssue[] = doc.errors.map((error) => ({
    path: '',
    line: error.linePos?.[0].line ?? 0,
    file,
    message: firstLine(error.message),
  }));
  // An unknown tag (`!reset`, `!override` and the like) would otherwise be read as a plain value.
  for (const warning of doc.warnings) {
    const message = firstLine(warning.message);
    const tag = /^Unresolved tag: (.*)$/.exec(message)?.[1];
    if (tag === '!reset' || tag === '!override') continue;
    issues.push({
      path: '',
      line: warning.linePos?.[0].line ?? 0,
      file,
      message: tag ? `the YAML tag ${tag} is not supported` : message,
    });
  }
  if (issues.length > 0) return { value: undefined, issues };
  const at = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? { file, line: lineCounter.linePos(node.range[0]).line } : undefined;
  const budget = { nodes: MAX_NODES };
  const value = convert(doc, doc.contents, at, budget, new Set());
  if (budget.nodes < 0) {
    return {
      value: undefined,
      issues: [{ path: '', line: 1, file, message: ALIAS_BOMB }],
    };
  }
  return { value, issues };
}

// Aliases are expanded into copies: a few lines of anchors can stand for billions of values.
const MAX_NODES = 200_000;
const ALIAS_BOMB = `the file expands to more than ${MAX_NODES} values through its aliases`;

type Locator = (
  node: { range?: [number, number, number] | null } | null | undefined,
) => SourceLocation | undefined;

function convert(
  doc: Document,
  node: unknown,
  at: Locator,
  budget: { nodes: number },
  resolving: Set<unknown>,
  tagApplied = false,
): unknown {
  if (node === null || node === undefined || --budget.nodes < 0) return null;
  // Compose's merge tags (merge.md): `!reset` removes, `!override` replaces instead of merging.
  const tag = tagApplied ? undefined : (node as { tag?: string }).tag;
  if (tag === '!reset') return RESET;
  if (tag === '!override') {
    const value = convert(doc, node, at, budget, resolving, true);
    if (typeof value === 'object' && value !== null) OVERRIDDEN.add(value);
    return value;
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target || resolving.has(target)) return null;
    resolving.add(target);
    try {
      return convert(doc, target, at, budget, resolving);
    } finally {
      resolving.delete(target);
    }
  }
  if (isScalar(node)) {
    // `0440` is octal to Compose (Go's YAML reads a leading zero as YAML 1.1 did): file modes.
    if (node.type === 'PLAIN' && typeof node.source === 'string' && /^0[0-7]+$/.test(node.source)) {
      return parseInt(node.source, 8);
    }
    return node.value;
  }
  if (isSeq(node)) {
    const list: unknown[] = [];
    setOwnLocation(list, at(node));
    node.items.forEach((item, index) => {
      list.push(convert(doc, item, at, budget, resolving));
      setChildLocation(list, index, at(item as Node));
    });
    return list;
  }
  if (isMap(node)) {
    const mapping: Record<string, unknown> = {};
    setOwnLocation(mapping, at(node));
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      // With `merge: true` the parser marks a `<<` merge key with a symbol.
      if (typeof key === 'symbol') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const resolved = convert(doc, source, at, budget, resolving);
          if (resolved && typeof resolved === 'object' && !Array.isArray(resolved)) {
            merged.push(resolved as Record<string, unknown>);
          }
        }
        continue;
      }
      const name = typeof key === 'string' ? key : String(key);
      mapping[name] = convert(doc, pair.value, at, budget, resolving);
      setChildLocation(mapping, name, at(keyNode as Node));
    }
    // Explicit keys win over merged ones, and earlier merge sources over later ones.
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (key in mapping) continue;
        mapping[key] = value;
        setChildLocation(mapping, key, childLocation(source, key));
      }
    }
    return mapping;
  }
  return null;
}

/** The yaml package's message without the position and code excerpt it appends. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}
