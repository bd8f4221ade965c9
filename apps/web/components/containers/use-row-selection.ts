import type { TContainerSummary } from '@berth/shared';
import { useRef, useState } from 'react';

export type SelectedContainer = Pick<TContainerSummary, 'hostId' | 'id' | 'name' | 'state'>;

export const rowKeyOf = (row: Pick<TContainerSummary, 'hostId' | 'id'>) =>
  `${row.hostId}/${row.id}`;

/**
 * Checkbox selection over the loaded rows, kept by host and id so it survives refetches. A click
 * with Shift sets every row between the previous click and this one to the new state.
 */
export function useRowSelection() {
  const [selected, setSelected] = useState<ReadonlyMap<string, SelectedContainer>>(() => new Map());
  const anchor = useRef<number | null>(null);

  function toggle(rows: readonly TContainerSummary[], index: number, range: boolean) {
    const row = rows[index];
    if (!row) return;
    const on = !selected.has(rowKeyOf(row));
    const from = range && anchor.current !== null ? Math.min(anchor.current, index) : index;
    const to = range && anchor.current !== null ? Math.max(anchor.current, index) : index;
    anchor.current = index;
    setSelected((previous) => {
      const next = new Map(previous);
      for (const item of rows.slice(from, to + 1)) {
        if (on) next.set(rowKeyOf(item), pick(item));
        else next.delete(rowKeyOf(item));
      }
      return next;
    });
  }

  function setAll(rows: readonly TContainerSummary[], on: boolean) {
    anchor.current = null;
    setSelected((previous) => {
      const next = new Map(previous);
      for (const row of rows) {
        if (on) next.set(rowKeyOf(row), pick(row));
        else next.delete(rowKeyOf(row));
      }
      return next;
    });
  }

  function remove(keys: Iterable<string>) {
    setSelected((previous) => {
      const next = new Map(previous);
      for (const key of keys) next.delete(key);
      return next;
    });
  }

  function clear() {
    anchor.current = null;
    setSelected(new Map());
  }

  return { selected, toggle, setAll, remove, clear };
}

function pick(row: TContainerSummary): SelectedContainer {
  return { hostId: row.hostId, id: row.id, name: row.name, state: row.state };
}
