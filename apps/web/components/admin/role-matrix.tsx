'use client';

import type { TRole } from '@berth/shared';
import { Check, Lock, Pencil, Trash2 } from 'lucide-react';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { groupTitle, type PermissionGroup } from '@/lib/admin-permissions';

/** One column of the matrix: a saved role, or the role being created. */
export interface MatrixColumn {
  key: string;
  name: string;
  description: string;
  kind: 'built-in' | 'custom' | 'new';
  /** The saved role; null for the new one. */
  role: TRole | null;
  /** What the column shows now, unsaved edits included. */
  permissions: ReadonlySet<string>;
  /** Permissions whose box differs from the saved role. */
  edited: ReadonlySet<string>;
  /** Saving this column failed. */
  failed: boolean;
}

interface RoleMatrixProps {
  groups: readonly PermissionGroup[];
  columns: readonly MatrixColumn[];
  total: number;
  onToggle: (column: MatrixColumn, permissions: readonly string[], checked: boolean) => void;
  onRename: (role: TRole) => void;
  onDelete: (role: TRole) => void;
}

const ARROWS: Record<string, readonly [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/**
 * Arrow keys move between the matrix's checkboxes like cells of a spreadsheet (Space still
 * toggles, Tab still leaves); a missing cell (a built-in column) is skipped over.
 */
function moveFocus(event: KeyboardEvent<HTMLTableElement>) {
  const step = ARROWS[event.key];
  const from = event.target;
  if (!step || !(from instanceof HTMLInputElement) || from.dataset.row === undefined) return;
  const table = event.currentTarget;
  let row = Number(from.dataset.row);
  let col = Number(from.dataset.col);
  const rows = Number(table.dataset.rows);
  const cols = Number(table.dataset.cols);
  for (;;) {
    row += step[0];
    col += step[1];
    if (row < 0 || col < 0 || row >= rows || col >= cols) return;
    const next = table.querySelector<HTMLInputElement>(
      `input[data-row="${row}"][data-col="${col}"]`,
    );
    if (next) {
      event.preventDefault();
      next.focus();
      return;
    }
  }
}

/**
 * Permissions (rows, grouped by prefix) against roles (columns). Built-in roles are read-only;
 * custom ones and the new one have a checkbox per cell and one per group. The header row and
 * the permission column stay in view while the matrix scrolls.
 */
export function RoleMatrix({
  groups,
  columns,
  total,
  onToggle,
  onRename,
  onDelete,
}: RoleMatrixProps) {
  // Row numbers for keyboard movement: each group's own row, then its permissions.
  const groupRows: number[] = [];
  let rowCount = 0;
  for (const group of groups) {
    groupRows.push(rowCount);
    rowCount += 1 + group.permissions.length;
  }

  return (
    <div className="relative max-h-[min(72vh,52rem)] overflow-auto rounded-b-lg">
      <table
        aria-label="Permission matrix"
        onKeyDown={moveFocus}
        data-rows={rowCount}
        data-cols={columns.length}
        className="w-full border-separate border-spacing-0 text-left text-sm"
      >
        <thead>
          <tr>
            <th
              scope="col"
              className="sticky top-0 left-0 z-30 min-w-[15rem] border-r border-b border-border bg-surface-2 px-3 py-2 align-bottom text-xs font-medium text-muted"
            >
              Permission
            </th>
            {columns.map((column) => (
              <ColumnHeader
                key={column.key}
                column={column}
                total={total}
                onRename={onRename}
                onDelete={onDelete}
              />
            ))}
          </tr>
        </thead>
        {groups.map((group, groupIndex) => {
          const groupRow = groupRows[groupIndex] ?? 0;
          const names = group.permissions.map((permission) => permission.name);
          const title = groupTitle(group.prefix);
          return (
            <tbody key={group.prefix}>
              <tr>
                <th
                  scope="rowgroup"
                  className="sticky left-0 z-10 border-r border-b border-border bg-surface-2 px-3 py-1.5 text-xs font-semibold tracking-wide text-fg uppercase"
                >
                  {title}
                  <span className="ml-2 font-normal tracking-normal text-muted normal-case">
                    {group.permissions.length}
                  </span>
                </th>
                {columns.map((column, col) => (
                  <td
                    key={column.key}
                    className="border-b border-border bg-surface-2 px-3 py-1.5 text-center"
                  >
                    {column.kind === 'built-in' ? (
                      <span className="text-xs text-muted tabular-nums">
                        {names.filter((name) => column.permissions.has(name)).length}/{names.length}
                      </span>
                    ) : (
                      <GroupCheckbox
                        label={`All ${title.toLowerCase()} permissions for ${column.name}`}
                        checked={names.filter((name) => column.permissions.has(name)).length}
                        total={names.length}
                        row={groupRow}
                        col={col}
                        onChange={(checked) => onToggle(column, names, checked)}
                      />
                    )}
                  </td>
                ))}
              </tr>
              {group.permissions.map((permission, index) => (
                <tr key={permission.name} className="group/row">
                  <th
                    scope="row"
                    className="sticky left-0 z-10 border-r border-b border-border bg-surface px-3 py-1.5 font-normal group-hover/row:bg-surface-2"
                  >
                    <div className="font-mono text-[13px] text-fg">{permission.name}</div>
                    <div className="text-xs text-muted">{permission.description}</div>
                  </th>
                  {columns.map((column, col) => (
                    <PermissionCell
                      key={column.key}
                      column={column}
                      permission={permission.name}
                      row={groupRow + 1 + index}
                      col={col}
                      onToggle={onToggle}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

function ColumnHeader({
  column,
  total,
  onRename,
  onDelete,
}: {
  column: MatrixColumn;
  total: number;
  onRename: (role: TRole) => void;
  onDelete: (role: TRole) => void;
}) {
  const role = column.role;
  const header = useRef<HTMLTableCellElement>(null);
  const isNew = column.kind === 'new';
  useEffect(() => {
    // The draft column is added at the right end, often past the edge of the scroll box.
    if (isNew) header.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [isNew]);
  const tone =
    column.kind === 'new'
      ? 'bg-accent/10'
      : column.failed
        ? 'bg-danger/10'
        : column.edited.size > 0
          ? 'bg-warn/10'
          : '';
  return (
    <th
      ref={header}
      scope="col"
      className="sticky top-0 z-20 min-w-[7.5rem] border-b border-border bg-surface-2 p-0 align-bottom"
    >
      <div className={`flex flex-col gap-1 px-3 py-2 ${tone}`}>
        <div className="flex items-center gap-1">
          {column.kind === 'built-in' ? (
            <Lock aria-label="built-in, read-only" className="size-3 shrink-0 text-muted" />
          ) : null}
          <span
            className="max-w-[9rem] truncate text-xs font-semibold text-fg"
            title={column.description || column.name}
          >
            {column.name}
          </span>
        </div>
        <div className="flex items-center gap-1 text-[11px] font-normal text-muted">
          <span className="tabular-nums">
            {column.permissions.size}/{total}
          </span>
          {column.kind === 'new' ? <span className="text-accent">· new</span> : null}
          {column.kind === 'custom' && column.edited.size > 0 ? (
            <span className="text-warn">· {column.edited.size} unsaved</span>
          ) : null}
          {role?.ownedOnly ? <span title="Acts only on what the user owns">· owned</span> : null}
        </div>
        {column.kind === 'custom' && role ? (
          <div className="-ml-1.5 flex gap-0.5">
            <button
              type="button"
              aria-label={`Rename ${role.name}`}
              title="Rename or describe"
              onClick={() => onRename(role)}
              className="rounded p-1 text-muted hover:bg-surface hover:text-fg"
            >
              <Pencil aria-hidden className="size-3.5" />
            </button>
            <button
              type="button"
              aria-label={`Delete ${role.name}`}
              title="Delete role"
              onClick={() => onDelete(role)}
              className="rounded p-1 text-muted hover:bg-surface hover:text-danger"
            >
              <Trash2 aria-hidden className="size-3.5" />
            </button>
          </div>
        ) : null}
      </div>
    </th>
  );
}

function PermissionCell({
  column,
  permission,
  row,
  col,
  onToggle,
}: {
  column: MatrixColumn;
  permission: string;
  row: number;
  col: number;
  onToggle: RoleMatrixProps['onToggle'];
}) {
  const granted = column.permissions.has(permission);
  const edited = column.edited.has(permission);
  const cell = `border-b border-border px-3 py-1.5 text-center group-hover/row:bg-surface-2/60 ${
    edited ? 'bg-warn/10' : column.kind === 'new' ? 'bg-accent/5' : ''
  }`;
  if (column.kind === 'built-in') {
    return (
      <td className={cell}>
        {granted ? (
          <Check aria-label="granted" className="mx-auto size-4 text-ok" />
        ) : (
          <span className="text-muted/50">
            <span aria-hidden>·</span>
            <span className="sr-only">not granted</span>
          </span>
        )}
      </td>
    );
  }
  return (
    <td className={cell}>
      <input
        type="checkbox"
        checked={granted}
        onChange={(event) => onToggle(column, [permission], event.target.checked)}
        aria-label={`${permission} for ${column.name}`}
        data-row={row}
        data-col={col}
        className="size-4 cursor-pointer align-middle accent-[var(--accent)]"
      />
    </td>
  );
}

/** Ticks every permission of a group at once; shows "some" as the indeterminate state. */
function GroupCheckbox({
  label,
  checked,
  total,
  row,
  col,
  onChange,
}: {
  label: string;
  checked: number;
  total: number;
  row: number;
  col: number;
  onChange: (checked: boolean) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const some = checked > 0 && checked < total;
  useEffect(() => {
    // Only settable from script; there is no HTML attribute for it.
    if (input.current) input.current.indeterminate = some;
  }, [some]);
  return (
    <input
      ref={input}
      type="checkbox"
      checked={checked === total}
      aria-checked={some ? 'mixed' : checked === total}
      onChange={() => onChange(checked < total)}
      aria-label={label}
      data-row={row}
      data-col={col}
      className="size-4 cursor-pointer align-middle accent-[var(--accent)]"
    />
  );
}
