import { beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseScanned, parseSql } from '../../../src-main/parse';
import { lexComments } from '../../../src-main/parse/lexer';

beforeAll(async () => {
  await initParser();
});

/** Texts where comments hide in, or look like they hide in, literals, identifiers and bodies. */
const TRICKY = [
  'SELECT 1; -- trailing\n',
  '/* c */ SELECT 1 /* d */ ; /* e */',
  "SELECT 'a--b', \"x--y\", $$ -- no $$, $t$ /* $$ */ $t$;",
  'SELECT 1 -- c\n;\nSELECT 2',
  'SELECT a--b\nFROM t;',
  '/* outer /* inner */ still */ SELECT 1;',
  'SELECT $1, foo$$bar FROM t; -- x',
  'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; -- in body\n $body$ LANGUAGE sql;',
  "SELECT 'é' /* ü */, 'ß';\n-- 日本\nSELECT 2;",
  "SELECT '😀' /* 😀 */; SELECT 2 -- 😀",
  '-- confiture: lock_timeout=2s\n/* confiture: statement_timeout=5s */\nSELECT 1;',
  'SELECT 1\r\n-- crlf\r\n;',
  'SELECT 1e5--x\n, 1_000;',
  'select "a""b" from t--c',
  'CREATE TABLE t (a int -- comment\n, b text /* mid */ );',
  "DO $$ BEGIN RAISE NOTICE '$$'; END $$;",
  'SELECT $a$x$b$y$a$;',
  'SELECT 1;;SELECT 2;',
  '-- -- confiture-ignore ban-drop-table: fixture\nDROP TABLE t;',
  // not taken by the fast path: the scanner decides
  "SELECT 'a'\n'b';",
  "SELECT 'x' -- c\n 'y';",
  '\\set x 1\nSELECT 1;',
  "SELECT E'a\\nb';",
  "SELECT 'unterminated",
  'SELECT 1 /* open',
  'SELEC 1;',
  '',
  '-- only a comment\n',
];

describe('fast path (one parser call, comments from the small lexer)', () => {
  it.each(TRICKY)('gives the same model as the scanner path for %j', (text) => {
    expect(parseSql(text, 'm.sql')).toEqual(parseScanned(text, 'm.sql'));
  });

  it('leaves texts with backslashes, unterminated literals and string continuation to the scanner', () => {
    expect(lexComments("SELECT E'a\\nb';")).toBeNull();
    expect(lexComments("SELECT 'a'\n'b';")).toBeNull();
    expect(lexComments('SELECT 1 /* open')).toBeNull();
    expect(lexComments('SELECT $x$ open')).toBeNull();
    expect(lexComments("SELECT 1 -- ok\n, '--' /* a /* b */ */")?.comments).toEqual([
      { start: 9, end: 14 },
      { start: 22, end: 37 },
    ]);
  });
});
