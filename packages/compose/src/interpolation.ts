/**
 * Variable substitution as Compose does it (compose-spec interpolation.md): `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`,
 * `${VAR+alt}`, nested expressions in the default, error and alternative parts, and `$$` for a
 * literal `$`. A `$` that starts no valid expression is kept as written; a `${` that is not a
 * valid expression is an error.
 */
export type VariableLookup = (name: string) => string | undefined;

export class InterpolationError extends Error {}

const NAME_START = /[_a-zA-Z]/;
const NAME_REST = /[_a-zA-Z0-9]/;

export interface SubstitutionResult {
  value: string;
  /** Variables that were read but are not set (Compose warns and substitutes a blank). */
  unset: string[];
}

export function substitute(template: string, lookup: VariableLookup): SubstitutionResult {
  const unset: string[] = [];
  const value = substituteInto(template, lookup, unset, template);
  return { value, unset };
}

function substituteInto(
  template: string,
  lookup: VariableLookup,
  unset: string[],
  whole: string,
): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = dollar + 2;
      while (end < template.length && NAME_REST.test(template[end] ?? '')) end++;
      const name = template.slice(dollar + 1, end);
      out += read(name, lookup, unset);
      i = end;
    } else if (next === '{') {
      const close = closingBrace(template, dollar);
      if (close < 0) throw invalid(whole);
      out += braced(template.slice(dollar + 2, close), lookup, unset, whole);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** Index of the `}` that closes the `${` at `start`, counting nested `${`. */
function closingBrace(template: string, start: number): number {
  let depth = 0;
  for (let i = start; i < template.length; i++) {
    if (template.startsWith('${', i)) {
      depth++;
      i++;
    } else if (template[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

function braced(body: string, lookup: VariableLookup, unset: string[], whole: string): string {
  let end = 0;
  if (!NAME_START.test(body[0] ?? '')) throw invalid(whole);
  while (end < body.length && NAME_REST.test(body[end] ?? '')) end++;
  const name = body.slice(0, end);
  if (end === body.length) return read(name, lookup, unset);
  const operator = OPERATORS.find((op) => body.startsWith(op, end));
  if (!operator) throw invalid(whole);
  const argument = () => substituteInto(body.slice(end + operator.length), lookup, unset, whole);
  const value = lookup(name);
  return apply(operator, name, value, argument);
}

function apply(
  operator: Operator,
  name: string,
  value: string | undefined,
  argument: () => string,
): string {
  switch (operator) {
    case ':-':
      return value === undefined || value === '' ? argument() : value;
    case '-':
      return value === undefined ? argument() : value;
    case ':+':
      return value !== undefined && value !== '' ? argument() : '';
    case '+':
      return value !== undefined ? argument() : '';
    case ':?':
    case '?': {
      const missing = value === undefined || (operator === ':?' && value === '');
      if (!missing) return value;
      const reason = argument();
      throw new InterpolationError(
        `required variable ${name} is missing a value${reason ? `: ${reason}` : ''}`,
      );
    }
  }
}

function read(name: string, lookup: VariableLookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) {
    if (!unset.includes(name)) unset.push(name);
    return '';
  }
  return value;
}

function invalid(template: string): InterpolationError {
  return new InterpolationError(`invalid interpolation format: ${JSON.stringify(template)}`);
}
