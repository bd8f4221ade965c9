import { substitute, type VariableLookup } from './interpolation.js';

export class DotEnvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
  // An escaped dollar stays literal through the interpolation that follows.
  $: '$$',
};

/**
 * Reads a `.env` or `env_file` as Compose does: `KEY=VALUE` or `KEY: VALUE`, an optional
 * `export`, `#` comments (after a space in unquoted values), single quotes literal, double quotes
 * with escapes, both spanning lines; unquoted and double-quoted values are interpolated from
 * `lookup` first, then from the keys read before. A bare `KEY` takes its value from `lookup` and is
 * left out when unset.
 */
export function parseDotEnv(content: string, lookup: VariableLookup = () => undefined) {
  const out: Record<string, string> = {};
  const resolve: VariableLookup = (name) => lookup(name) ?? out[name];
  const expand = (value: string, line: number) => {
    try {
      return substitute(value, resolve).value;
    } catch (error) {
      throw new DotEnvError(line, `line ${line}: ${(error as Error).message}`);
    }
  };
  const text = content.replace(/\r\n/g, '\n');
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const lineEnd = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
    const raw = text.slice(pos, lineEnd);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const statement = raw.trimStart().replace(/^export\s+/, '');
    const separator = statement.search(/[=:]/);
    const key = (separator < 0 ? statement : statement.slice(0, separator)).trim();
    if (!/^[\p{L}\p{N}_.\-[\]]+$/u.test(key)) {
      throw new DotEnvError(line, `line ${line}: invalid variable name ${JSON.stringify(key)}`);
    }
    if (separator < 0) {
      const inherited = lookup(key);
      if (inherited !== undefined) out[key] = inherited;
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const valueStart = pos + (raw.length - statement.length) + separator + 1;
    let rest = text.slice(valueStart).replace(/^[ \t]+/, '');
    const offset = text.length - valueStart - rest.length;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const { value, consumed } = quoted(rest, quote, line);
      const startLine = line;
      line += value.split('\n').length - 1;
      out[key] = quote === '"' ? expand(unescape(value), startLine) : value;
      rest = text.slice(valueStart + offset + consumed);
      const after = rest.indexOf('\n');
      pos = after < 0 ? text.length : valueStart + offset + consumed + after + 1;
      line++;
      continue;
    }
    const valueEnd = text.indexOf('\n', valueStart);
    let value = text.slice(valueStart, valueEnd < 0 ? text.length : valueEnd);
    const comment = value.indexOf(' #');
    if (comment >= 0) value = value.slice(0, comment);
    out[key] = expand(value.trim(), line);
    pos = valueEnd < 0 ? text.length : valueEnd + 1;
    line++;
  }
  return out;
}

function quoted(rest: string, quote: string, line: number) {
  let value = '';
  for (let i = 1; i < rest.length; i++) {
    const char = rest[i];
    if (char === '\\' && i + 1 < rest.length) {
      const escaped = rest[i + 1] ?? '';
      value += escaped === quote ? quote : char + escaped;
      i++;
      continue;
    }
    if (char === quote) return { value, consumed: i + 1 };
    value += char;
  }
  throw new DotEnvError(line, `line ${line}: unterminated quoted value`);
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (match, char: string) => ESCAPES[char] ?? match);
}
