import { describe, expect, it } from '@jest/globals';
import { DotEnvError, parseDotEnv } from './dotenv.js';
import { InterpolationError, substitute } from './interpolation.js';

const variables: Record<string, string> = { FOO: 'first', BAR: '' };
const lookup = (name: string) => variables[name];
const run = (template: string) => substitute(template, lookup).value;

describe('substitute', () => {
  it.each([
    ['$FOO and ${FOO}', 'first and first'],
    ['$FOO-bar', 'first-bar'],
    ['This ${missing} var', 'This  var'],
    ['${missing:-def} ${missing-def}', 'def def'],
    ['${BAR:-def}|${BAR-def}', 'def|'],
    ['${FOO:-def}', 'first'],
    ['${FOO:+alt}|${BAR:+alt}|${missing:+alt}', 'alt||'],
    ['${FOO+alt}|${BAR+alt}|${missing+alt}', 'alt|alt|'],
    ['${BAR:-/non:-alphanumeric}', '/non:-alphanumeric'],
    ['${missing-myerror?msg}', 'myerror?msg'],
    ['${FOO?bar-baz}', 'first'],
    ['${BAR?err}', ''],
    ['${missing:-${FOO}}', 'first'],
    ['${missing-${FOO} ${FOO}}', 'first first'],
    ['${BAR+$FOO ${FOO:+second}}', 'first second'],
    ['${missing:-${BAR:-deep}}', 'deep'],
    ['$${FOO} and $$FOO', '${FOO} and $FOO'],
    ['a $ string', 'a $ string'],
    ['^REGEX$', '^REGEX$'],
    ['$}', '$}'],
    ['$1 costs', '$1 costs'],
  ])('%s → %s', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  it('lists the variables that were read but not set', () => {
    expect(substitute('${A} $B ${A:-x} ${FOO}', lookup).unset).toEqual(['A', 'B']);
  });

  it.each(['${', '${}', '${ }', '${ foo}', '${foo }', '${foo!}', 'x ${FOO'])(
    'rejects %s as an invalid interpolation format',
    (template) => {
      expect(() => run(template)).toThrow(
        new InterpolationError(`invalid interpolation format: ${JSON.stringify(template)}`),
      );
    },
  );

  it.each([
    [
      '${missing:?Mandatory Variable Unset}',
      'required variable missing is missing a value: Mandatory Variable Unset',
    ],
    ['${BAR:?must not be empty}', 'required variable BAR is missing a value: must not be empty'],
    ['${missing?}', 'required variable missing is missing a value'],
    ['${missing?needs ${FOO}}', 'required variable missing is missing a value: needs first'],
  ])('%s fails with its message', (template, message) => {
    expect(() => run(template)).toThrow(message);
  });
});

describe('parseDotEnv', () => {
  it('reads keys, quotes, comments, export and interpolation as compose does', () => {
    const content = [
      '# a comment',
      'PLAIN=value # trailing comment',
      'export EXPORTED=yes',
      "SINGLE='keeps $FOO and \\n'",
      'DOUBLE="line\\nbreak $FOO \\$FOO"',
      'MULTI="one',
      'two"',
      'REF=${PLAIN}-${HOST_ONLY:-none}',
      'COLON: spaced',
      'EMPTY=',
      'INHERITED',
      'NOT_SET_ANYWHERE',
      '',
    ].join('\n');
    const env = parseDotEnv(content, (name) => ({ FOO: 'foo', INHERITED: 'from-host' })[name]);
    expect(env).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SINGLE: 'keeps $FOO and \\n',
      DOUBLE: 'line\nbreak foo $FOO',
      MULTI: 'one\ntwo',
      REF: 'value-none',
      COLON: 'spaced',
      EMPTY: '',
      INHERITED: 'from-host',
    });
  });

  it('names the line of an unterminated quote and of a bad key', () => {
    expect(() => parseDotEnv('A=1\nB="open\n')).toThrow(
      new DotEnvError(2, 'line 2: unterminated quoted value'),
    );
    expect(() => parseDotEnv('A=1\n\nBAD KEY=2\n')).toThrow(
      'line 3: invalid variable name "BAD KEY"',
    );
  });
});
