/**
 * Fuzzing the edges that read input from outside (bounded runs, fixed seed so a failure
 * reproduces): the parser, lint and the lock analysis over SQL-shaped and random text, and
 * confiture.yaml over YAML-shaped text. Nothing may crash other than with a typed error.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfitureError } from '../../../src-main/errors';
import { lintParsed } from '../../../src-main/lint';
import { analyzeLocks } from '../../../src-main/locks';
import { initParser, parseSql, type ParsedFile } from '../../../src-main/parse';
import { parseConfig } from '../../../src-main/project';

const PROBLEM_CODES = new Set(['syntax_error', 'psql_meta_command', 'bad_directive', 'empty', 'invalid_character', 'invalid_encoding', 'too_large', 'too_deep']);
const RUNS = { seed: 20_251_202, numRuns: 150 };

beforeAll(() => initParser());

/** Pieces of SQL, including the hostile ones (NUL, lone surrogates, unterminated quotes, deep nesting). */
const sqlToken = fc.oneof(
  fc.constantFrom(
    'SELECT', 'CREATE', 'TABLE', 'INDEX', 'CONCURRENTLY', 'ALTER', 'ADD', 'COLUMN', 'DROP', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'SET',
    'DELETE', 'FROM', 'WHERE', 'ON', 'NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'KEY', 'REFERENCES', 'BEGIN', 'COMMIT', 'VACUUM', 'ARRAY[', ']',
    '(', ')', ',', ';', '+', '-', '*', '::int', "'", '"', '$$', '$a$', '--', '/*', '*/', '\\', '\\set x 1', '\n', ' ', '\t', '\0',
    '\uD800', '\u{1F680}', 'é', 'orders', 'id', '1', '3.14', "E'\\x41'", '-- confiture: lock_timeout=2s', '-- confiture: nope', 'LOCK', 'TRUNCATE',
  ),
  fc.string({ maxLength: 6 }),
);
const sqlText = fc.array(sqlToken, { maxLength: 60 }).map((t) => t.join(' '));
const nested = fc
  .tuple(fc.constantFrom(['ARRAY[', ']'], ['(', ')'], ['(SELECT ', ')'], ['-', ''], ['NOT ', '']), fc.integer({ min: 1, max: 2500 }))
  .map(([[open, close], n]) => `SELECT ${open.repeat(n)}1${close.repeat(n)};`);
const anyText = fc.string({ unit: 'binary', maxLength: 300 });

function checkModel(parsed: ParsedFile): void {
  for (const p of parsed.problems) {
    expect(PROBLEM_CODES.has(p.code), p.code).toBe(true);
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeGreaterThanOrEqual(1);
  }
  // a refused text is refused whole: never an error and statements to run
  if (parsed.problems.some((p) => ['invalid_character', 'too_large', 'too_deep'].includes(p.code))) expect(parsed.statements).toEqual([]);
}

describe('SQL from outside', () => {
  it.each([
    ['SQL-shaped text', sqlText],
    ['absurdly nested expressions', nested],
    ['arbitrary UTF-16 text', anyText],
  ])('parse, lint and the lock analysis never crash on %s', { timeout: 120_000 }, (_label, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (text) => {
        const parsed = parseSql(text, 'fuzz.sql');
        checkModel(parsed);
        expect(() => lintParsed(parsed)).not.toThrow();
        expect(() => analyzeLocks(parsed, { pgVersion: 18, catalog: null })).not.toThrow();
      }),
      RUNS,
    );
  });

  it('never lets a NUL through, wherever it sits', () => {
    fc.assert(
      fc.property(sqlText, fc.nat(), (text, at) => {
        const i = text.length === 0 ? 0 : at % (text.length + 1);
        const parsed = parseSql(text.slice(0, i) + '\0' + text.slice(i));
        expect(parsed.statements).toEqual([]);
        expect(parsed.problems.map((p) => p.code)).toEqual(['invalid_character']);
      }),
      RUNS,
    );
  });
});

describe('confiture.yaml from outside', () => {
  const yamlToken = fc.constantFrom(
    'name:', 'hooks:', 'migrations:', 'tracking:', 'schema:', 'lint:', '- ', ': ', '\n', '  ', '&a ', '*a', '&b ', '*b', '*zz', '[', ']', '{', '}', ',',
    '"', "'", '|', '>', '? ', '!!str ', '!!binary ', '<<: ', '#', 'true', '1e999', '~', 'x', '\t', '\0', '\uFEFF', '---', '...', '%YAML 1.1',
  );
  const yamlText = fc.oneof(
    fc.array(yamlToken, { maxLength: 80 }).map((t) => t.join('')),
    fc.jsonValue({ maxDepth: 4 }).map((v) => `name: x\nextra: ${JSON.stringify(v)}\n`),
    fc.integer({ min: 1, max: 8 }).map((levels) => ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: levels }, (_, i) => `l${i}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n')),
  );

  it('parses or refuses with config_error, never anything else', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        try {
          parseConfig(text, 'confiture.yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(ConfitureError);
          expect((e as ConfitureError).code).toBe('config_error');
          expect((e as ConfitureError).where?.file).toBe('confiture.yaml');
        }
      }),
      RUNS,
    );
  });
});
