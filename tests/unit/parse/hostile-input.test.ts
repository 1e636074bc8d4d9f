/** SQL the parser must never see, or never see whole: NUL, bad encodings, huge and absurdly deep texts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintParsed } from '../../../src-main/lint';
import { analyzeLocks } from '../../../src-main/locks';
import { DEFAULT_PARSE_LIMITS, initParser, parseLimits, parseSql, parseSqlFile, readSqlText } from '../../../src-main/parse';

let dir: string;
beforeAll(async () => {
  await initParser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-hostile-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

/** `SELECT 1+1+…`: a left-deep expression, two tree levels per term */
const sumOf = (terms: number) => 'SELECT 1' + '+1'.repeat(terms);

describe('characters PostgreSQL cannot take', () => {
  it('refuses a NUL byte with its line and column instead of dropping the statements after it', () => {
    const parsed = parseSql('CREATE TABLE a (id int);\n  SELECT 1;\0\nCREATE TABLE b (id int);\n', '/p/migrations/0001_ab.up.sql');
    expect(parsed.statements).toEqual([]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'invalid_character', line: 2, column: 12, file: '/p/migrations/0001_ab.up.sql' }),
    ]);
    expect(parsed.problems[0]!.message).toMatch(/^0001_ab\.up\.sql:2:12: a NUL byte/);
  });

  it('refuses a NUL inside a string literal or a comment too: the server would cut the text there', () => {
    for (const sql of ["SELECT 'a\0b';", 'SELECT 1; -- note \0 here\nSELECT 2;', 'SELECT 1 /* \0 */;']) {
      expect(parseSql(sql).problems.map((p) => p.code)).toEqual(['invalid_character']);
    }
  });

  it('refuses an unpaired surrogate (text that is not Unicode) but keeps real astral characters', () => {
    const bad = parseSql("SELECT 'x\uD800y';");
    expect(bad.problems).toEqual([expect.objectContaining({ code: 'invalid_character', line: 1, column: 10 })]);
    const emoji = parseSql("SELECT '\u{1F680}';");
    expect(emoji.problems).toEqual([]);
    expect(emoji.statements).toHaveLength(1);
  });

  it('refuses a file that is not UTF-8, at the line and column of the bad byte', () => {
    const file = write('latin1.sql', Buffer.concat([Buffer.from("SELECT 1;\nCOMMENT ON TABLE t IS 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]));
    const parsed = parseSqlFile(file);
    expect(parsed.statements).toEqual([]);
    expect(parsed.problems).toEqual([expect.objectContaining({ code: 'invalid_encoding', line: 2, column: 27, file })]);
    expect(parsed.problems[0]!.message).toContain('byte 0xE9');
    expect(() => readSqlText(file)).toThrow(/latin1\.sql:2:27: not valid UTF-8/);
  });

  it('reads a valid file exactly as written', () => {
    const file = write('ok.sql', 'CREATE TABLE ok (id int);\n');
    expect(parseSqlFile(file).statements.map((s) => s.kind)).toEqual(['create_table']);
    expect(readSqlText(file)).toBe('CREATE TABLE ok (id int);\n');
  });
});

describe('size limit', () => {
  it('refuses a text over the limit before parsing it, naming the file and the variable that raises it', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxBytes: 2048 };
    const parsed = parseSql(`INSERT INTO t VALUES ${Array.from({ length: 400 }, (_, i) => `(${i})`).join(',')};`, 'big.sql', limits);
    expect(parsed.statements).toEqual([]);
    expect(parsed.problems).toEqual([expect.objectContaining({ code: 'too_large', line: 1, column: 1, file: 'big.sql' })]);
    expect(parsed.problems[0]!.message).toMatch(/big\.sql is 2\.\d kB, above the 2\.0 kB limit .*CONFITURE_MAX_SQL_BYTES/);
  });

  it('refuses a file over the limit from its size alone (a 50 MB sparse file is never read)', () => {
    const file = path.join(dir, 'huge.sql');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 50 * 1024 * 1024);
    const parsed = parseSqlFile(file);
    expect(parsed.problems).toEqual([expect.objectContaining({ code: 'too_large', file })]);
    expect(parsed.problems[0]!.message).toContain('huge.sql is 50 MB, above the 8.0 MB limit');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxBytes: 1024 };
    expect(parseSql(`SELECT '${'é'.repeat(400)}';`, 'x.sql', limits).problems).toEqual([]);
    expect(parseSql(`SELECT '${'é'.repeat(600)}';`, 'x.sql', limits).problems.map((p) => p.code)).toEqual(['too_large']);
  });
});

describe('depth limit', () => {
  it('refuses 2,000 nested ARRAY[…] with a located error (it used to crash the lock analysis with a stack overflow)', () => {
    const sql = 'SELECT 1;\nSELECT ' + 'ARRAY['.repeat(2000) + '1' + ']'.repeat(2000) + ';';
    const parsed = parseSql(sql, 'deep.sql');
    expect(parsed.statements).toEqual([]);
    expect(parsed.problems).toEqual([expect.objectContaining({ code: 'too_deep', line: 2, column: 1, file: 'deep.sql' })]);
    expect(parsed.problems[0]!.message).toContain('statement 2 is nested more than 1000 levels deep');
  });

  it('turns a parser stack overflow on nested sub-selects into the same error', () => {
    const sql = 'SELECT ' + '(SELECT '.repeat(2000) + '1' + ')'.repeat(2000) + ';';
    expect(parseSql(sql, 'sub.sql').problems.map((p) => p.code)).toEqual(['too_deep']);
  });

  it.each([DEFAULT_PARSE_LIMITS.maxDepth, 3000])('lets a statement just under a depth limit of %i through lint and the lock analysis without a crash', (maxDepth) => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxDepth };
    // 2 levels per term plus the statement's own levels: the largest sum under the limit
    let terms = Math.floor(maxDepth / 2);
    while (parseSql(sumOf(terms), 'x.sql', limits).problems.length > 0) terms--;
    expect(terms).toBeGreaterThan(maxDepth / 2 - 20);
    const parsed = parseSql(sumOf(terms), 'x.sql', limits);
    expect(parsed.statements).toHaveLength(1);
    expect(() => analyzeLocks(parsed, { pgVersion: 18, catalog: null })).not.toThrow();
    expect(() => lintParsed(parsed)).not.toThrow();
    expect(parseSql(sumOf(terms + 1), 'x.sql', limits).problems.map((p) => p.code)).toEqual(['too_deep']);
  });
});

describe('limits from the environment', () => {
  it('reads CONFITURE_MAX_SQL_BYTES and CONFITURE_MAX_SQL_DEPTH', () => {
    expect(parseLimits({})).toEqual(DEFAULT_PARSE_LIMITS);
    expect(parseLimits({ CONFITURE_MAX_SQL_BYTES: '1048576', CONFITURE_MAX_SQL_DEPTH: '500' })).toEqual({ maxBytes: 1048576, maxDepth: 500 });
  });

  it('refuses a value it cannot honour, naming the variable', () => {
    expect(() => parseLimits({ CONFITURE_MAX_SQL_BYTES: '8MB' })).toThrow(/CONFITURE_MAX_SQL_BYTES=8MB: expected a whole number from 1024 to 16777216/);
    expect(() => parseLimits({ CONFITURE_MAX_SQL_DEPTH: '100000' })).toThrow(/CONFITURE_MAX_SQL_DEPTH/);
  });
});
