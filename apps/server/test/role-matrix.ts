import { readFileSync } from 'node:fs';

/** What a role may do with a permission: anything, nothing, or what the user or team owns. */
export type Cell = 'allow' | 'deny' | 'own';
export type Channel = 'rest' | 'gateway' | 'socket';

export interface MatrixRow {
  permission: string;
  cells: Record<string, Cell>;
  /** Where the permission is checked; empty for `none yet`. */
  channels: Channel[];
}

export interface RoleMatrix {
  roles: string[];
  rows: MatrixRow[];
}

const CELLS = new Set<string>(['allow', 'deny', 'own']);
const CHANNELS = new Set<string>(['rest', 'gateway', 'socket']);
const CHANNEL_COLUMN = 'checked through';

/**
 * Reads the expected matrix from `role-matrix.md`: its one table, a row per permission, a column
 * per role, and the channels column last. Anything malformed throws, naming the line.
 */
export function readRoleMatrix(
  file = new URL('./role-matrix.md', import.meta.url).pathname,
): RoleMatrix {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.startsWith('|'));
  const [header, rule, ...body] = lines;
  if (!header || !rule) throw new Error(`${file}: no table`);
  const columns = cellsOf(header.line);
  if (columns[0] !== 'permission' || columns.at(-1) !== CHANNEL_COLUMN) {
    throw new Error(
      `${file}:${header.number}: columns must be permission, roles…, checked through`,
    );
  }
  const roles = columns.slice(1, -1);
  const rows = body.map(({ line, number }): MatrixRow => {
    const values = cellsOf(line);
    if (values.length !== columns.length) {
      throw new Error(`${file}:${number}: ${values.length} cells, expected ${columns.length}`);
    }
    const [permission = '', ...rest] = values;
    const channelText = rest.pop() ?? '';
    const cells: Record<string, Cell> = {};
    rest.forEach((value, i) => {
      if (!CELLS.has(value)) throw new Error(`${file}:${number}: "${value}" is not allow/deny/own`);
      cells[roles[i]!] = value as Cell;
    });
    const channels =
      channelText === 'none yet' ? [] : channelText.split(',').map((channel) => channel.trim());
    for (const channel of channels) {
      if (!CHANNELS.has(channel)) throw new Error(`${file}:${number}: unknown channel ${channel}`);
    }
    return { permission, cells, channels: channels as Channel[] };
  });
  return { roles, rows };
}

function cellsOf(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}
