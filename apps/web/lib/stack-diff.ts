import type { TStackEnvEntry } from '@berth/shared';
import { diffLines } from 'diff';

/** How the server answers a secret value, and how the diff shows every secret. */
export const SECRET_MASK = '********';

/** Unchanged lines kept around each change; longer unchanged runs fold into one row. */
const CONTEXT = 3;

/** One row of a side-by-side diff: the old line on the left, the new one on the right. */
export type DiffRow =
  | {
      kind: 'same' | 'removed' | 'added' | 'changed';
      /** 1-based line numbers; null on the side that has no line. */
      oldNumber: number | null;
      newNumber: number | null;
      oldText: string | null;
      newText: string | null;
    }
  | { kind: 'folded'; count: number };

/** One line of a unified diff. */
export type UnifiedLine =
  | { kind: 'same' | 'removed' | 'added'; number: number; text: string }
  | { kind: 'folded'; count: number };

export interface TextDiff {
  rows: DiffRow[];
  unified: UnifiedLine[];
  added: number;
  removed: number;
}

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The line diff of two texts (the `diff` package's `diffLines`), as side-by-side rows (a removed
 * run paired with the added run after it) and as unified lines, unchanged runs folded.
 */
export function textDiff(before: string, after: string): TextDiff {
  const rows: Exclude<DiffRow, { kind: 'folded' }>[] = [];
  const unified: Exclude<UnifiedLine, { kind: 'folded' }>[] = [];
  let oldNumber = 0;
  let newNumber = 0;
  let added = 0;
  let removed = 0;
  const changes = diffLines(before, after);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const lines = linesOf(change.value);
    if (change.removed) {
      const next = changes[i + 1];
      const replacement = next?.added ? linesOf(next.value) : [];
      if (next?.added) i++;
      removed += lines.length;
      added += replacement.length;
      for (const text of lines) unified.push({ kind: 'removed', number: ++oldNumber, text });
      for (const text of replacement) unified.push({ kind: 'added', number: ++newNumber, text });
      // Line numbers were counted above; the rows number each side again from where it stood.
      const oldStart = oldNumber - lines.length;
      const newStart = newNumber - replacement.length;
      for (let k = 0; k < Math.max(lines.length, replacement.length); k++) {
        const oldText = lines[k] ?? null;
        const newText = replacement[k] ?? null;
        rows.push({
          kind: oldText === null ? 'added' : newText === null ? 'removed' : 'changed',
          oldNumber: oldText === null ? null : oldStart + k + 1,
          newNumber: newText === null ? null : newStart + k + 1,
          oldText,
          newText,
        });
      }
    } else if (change.added) {
      added += lines.length;
      for (const text of lines) {
        newNumber++;
        unified.push({ kind: 'added', number: newNumber, text });
        rows.push({ kind: 'added', oldNumber: null, newNumber, oldText: null, newText: text });
      }
    } else {
      for (const text of lines) {
        oldNumber++;
        newNumber++;
        unified.push({ kind: 'same', number: newNumber, text });
        rows.push({ kind: 'same', oldNumber, newNumber, oldText: text, newText: text });
      }
    }
  }
  return { rows: fold(rows), unified: fold(unified), added, removed };
}

/** Keeps `CONTEXT` unchanged lines on each side of a change and folds the rest of each run. */
function fold<T extends { kind: string }>(items: T[]): (T | { kind: 'folded'; count: number })[] {
  const near = items.map(() => false);
  items.forEach((item, index) => {
    if (item.kind === 'same') return;
    for (
      let k = Math.max(0, index - CONTEXT);
      k <= Math.min(items.length - 1, index + CONTEXT);
      k++
    ) {
      near[k] = true;
    }
  });
  const out: (T | { kind: 'folded'; count: number })[] = [];
  let run = 0;
  items.forEach((item, index) => {
    if (near[index]) {
      if (run > 0) out.push({ kind: 'folded', count: run });
      run = 0;
      out.push(item);
    } else run++;
  });
  if (run > 0) out.push({ kind: 'folded', count: run });
  return out;
}

/**
 * A stack's variables as `.env` lines for the diff. Every secret shows masked; a secret given a
 * new value (anything but the mask the server answered) says so, since its value cannot show.
 */
export function envText(env: readonly Partial<TStackEnvEntry>[]): string {
  return env
    .filter((entry) => entry.name)
    .map((entry) => {
      if (!entry.secret) return `${entry.name}=${entry.value ?? ''}`;
      const changed = entry.value !== SECRET_MASK;
      return `${entry.name}=${SECRET_MASK}${changed ? '  # secret, new value' : ''}`;
    })
    .join('\n')
    .concat(env.some((entry) => entry.name) ? '\n' : '');
}
