import { beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src-main/parse';

beforeAll(async () => {
  await initParser();
});

describe('statement ranges', () => {
  it('gives each statement its 1-based line/column range and exact text without the semicolon', () => {
    const f = parseSql('CREATE TABLE a (id int);\n\n  ALTER TABLE a ADD COLUMN b text;\n', 'm.sql');
    expect(f.problems).toEqual([]);
    expect(f.statements.map((s) => s.sql)).toEqual(['CREATE TABLE a (id int)', 'ALTER TABLE a ADD COLUMN b text']);
    expect(f.statements[1]!.range.start).toMatchObject({ line: 3, column: 3 });
    expect(f.statements[1]!.range.end).toMatchObject({ line: 3, column: 34 });
  });

  it('keeps ranges right after multi-byte UTF-8 text', () => {
    const text = "INSERT INTO t VALUES ('crème brûlée 🍮');\nSELECT 'ü';\n  UPDATE t SET x = 1;";
    const f = parseSql(text);
    expect(f.statements).toHaveLength(3);
    expect(f.statements[0]!.sql).toBe("INSERT INTO t VALUES ('crème brûlée 🍮')");
    expect(f.statements[1]!.sql).toBe("SELECT 'ü'");
    expect(f.statements[1]!.range.start).toMatchObject({ line: 2, column: 1 });
    const third = f.statements[2]!;
    expect(third.sql).toBe('UPDATE t SET x = 1');
    expect(third.range.start).toMatchObject({ line: 3, column: 3 });
    expect(text.slice(third.range.start.offset, third.range.end.offset)).toBe(third.sql);
  });

  it('keeps a dollar-quoted body with semicolons as one statement', () => {
    const text = `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM 1; PERFORM 2;
  RETURN 3;
END $body$;
DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;`;
    const f = parseSql(text);
    expect(f.statements.map((s) => s.kind)).toEqual(['create_function', 'do']);
    expect(f.statements[0]!.range.end.line).toBe(5);
    expect(f.statements[1]!.range.start.line).toBe(6);
  });

  it('excludes leading comments from a statement and ignores comment-only text', () => {
    const f = parseSql('-- first\n/* block\n comment; */\nSELECT 1; -- trailing\n-- only a comment\n');
    expect(f.statements).toHaveLength(1);
    expect(f.statements[0]!.sql).toBe('SELECT 1');
    expect(f.statements[0]!.range.start.line).toBe(4);
  });

  it('parses an empty or blank text to no statements (libpg-query refuses an empty query)', () => {
    for (const text of ['', ' \n\t ']) {
      const f = parseSql(text, 'x.sql');
      expect(f.statements).toEqual([]);
      expect(f.problems).toEqual([expect.objectContaining({ code: 'empty', severity: 'warning' })]);
    }
  });

  it('warns about a file with no statements', () => {
    const f = parseSql('-- nothing here\n');
    expect(f.statements).toEqual([]);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'empty', severity: 'warning' })]);
  });
});

describe('problems', () => {
  it('reports psql meta-commands with their line and still parses the rest', () => {
    const f = parseSql('SELECT 1;\n\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);\n  \\i other.sql\nSELECT 2;', 'x.sql');
    const meta = f.problems.filter((p) => p.code === 'psql_meta_command');
    expect(meta.map((p) => [p.line, p.column])).toEqual([
      [2, 1],
      [4, 3],
    ]);
    expect(meta[0]!.message).toContain('\\set ON_ERROR_STOP on');
    expect(meta[0]!.file).toBe('x.sql');
    expect(f.statements.map((s) => s.kind)).toEqual(['select', 'create_table', 'select']);
    expect(f.statements[2]!.range.start.line).toBe(5);
  });

  it('reports a syntax error with line and column', () => {
    const f = parseSql('SELECT 1;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN;\n', 'bad.sql');
    const err = f.problems.find((p) => p.code === 'syntax_error');
    expect(err).toMatchObject({ severity: 'error', line: 3, file: 'bad.sql' });
    expect(err!.column).toBe(25);
    expect(err!.message).toMatch(/syntax error/);
  });

  it('reports a syntax error at the right column after multi-byte text', () => {
    const f = parseSql("SELECT 'éééé' FROM;");
    const err = f.problems.find((p) => p.code === 'syntax_error');
    expect(err).toMatchObject({ line: 1, column: 19 });
    const emoji = parseSql("SELECT '🍮🍮';\nSELECT 'ü' FROM;").problems.find((p) => p.code === 'syntax_error');
    expect(emoji).toMatchObject({ line: 2, column: 16 });
  });
});

describe('directives', () => {
  it('reads lock_timeout, statement_timeout and no-transaction from the header', () => {
    const f = parseSql('-- confiture: lock_timeout=2s statement_timeout=1min no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);');
    expect(f.directives).toMatchObject({ lockTimeoutMs: 2000, statementTimeoutMs: 60_000, noTransaction: true });
    expect(f.problems).toEqual([]);
  });

  it('ignores directive-looking comments after the first statement', () => {
    const f = parseSql('SELECT 1;\n-- confiture: no-transaction\nSELECT 2;');
    expect(f.directives.noTransaction).toBeUndefined();
  });

  it('rejects a bad directive value with its line', () => {
    const f = parseSql('-- a header\n-- confiture: lock_timeout=soon\nSELECT 1;', 'd.sql');
    expect(f.problems).toEqual([expect.objectContaining({ code: 'bad_directive', severity: 'error', line: 2, file: 'd.sql' })]);
    expect(f.problems[0]!.message).toContain('lock_timeout=soon');
    expect(f.directives.lockTimeoutMs).toBeUndefined();
  });

  it('warns about an unknown directive flag', () => {
    const f = parseSql('-- confiture: yolo\nSELECT 1;');
    expect(f.problems).toEqual([expect.objectContaining({ code: 'bad_directive', severity: 'warning', line: 1 })]);
  });
});

describe('transaction facts', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'create_index'],
    ['DROP INDEX CONCURRENTLY i', 'drop_index'],
    ['REINDEX INDEX CONCURRENTLY i', 'reindex'],
    ['VACUUM t', 'vacuum'],
    ['VACUUM (ANALYZE) t', 'vacuum'],
    ['ALTER TABLE p DETACH PARTITION c CONCURRENTLY', 'alter_table'],
  ])('marks %s as non-transactional', (sql, kind) => {
    const f = parseSql(sql);
    expect(f.statements[0]!.kind).toBe(kind);
    expect(f.statements[0]!.transactional).toBe(false);
    expect(f.hasNonTransactional).toBe(true);
  });

  it.each(['CREATE INDEX i ON t (a)', 'DROP INDEX i', 'REINDEX INDEX i', 'ANALYZE t', 'ALTER TABLE p DETACH PARTITION c'])(
    'marks %s as transactional',
    (sql) => {
      const f = parseSql(sql);
      expect(f.statements[0]!.transactional).toBe(true);
      expect(f.hasNonTransactional).toBe(false);
    },
  );

  it('detects BEGIN/COMMIT transaction control', () => {
    const f = parseSql('BEGIN;\nUPDATE t SET a = 1;\nSAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nCOMMIT;');
    expect(f.statements.map((s) => s.txControl)).toEqual(['begin', null, 'savepoint', 'rollback_to', 'commit']);
    expect(f.hasTransactionControl).toBe(true);
    expect(parseSql('UPDATE t SET a = 1;').hasTransactionControl).toBe(false);
    expect(parseSql('START TRANSACTION;').statements[0]!.txControl).toBe('begin');
  });
});

describe('normalised kinds', () => {
  it.each([
    ['CREATE TABLE t (id int)', 'create_table', 'CreateStmt'],
    ['CREATE INDEX i ON t (a)', 'create_index', 'IndexStmt'],
    ['ALTER TABLE t ADD COLUMN b int', 'alter_table', 'AlterTableStmt'],
    ['DROP TABLE t', 'drop_table', 'DropStmt'],
    ['DROP INDEX i', 'drop_index', 'DropStmt'],
    ['ALTER TABLE t RENAME COLUMN a TO b', 'rename_column', 'RenameStmt'],
    ['ALTER TABLE t RENAME TO u', 'rename_table', 'RenameStmt'],
    ['UPDATE t SET a = 1', 'update', 'UpdateStmt'],
    ['DELETE FROM t', 'delete', 'DeleteStmt'],
    ['INSERT INTO t VALUES (1)', 'insert', 'InsertStmt'],
    ['CREATE VIEW v AS SELECT 1', 'create_view', 'ViewStmt'],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1', 'create_materialized_view', 'CreateTableAsStmt'],
    ["CREATE TYPE mood AS ENUM ('a')", 'create_enum', 'CreateEnumStmt'],
    ["ALTER TYPE mood ADD VALUE 'b'", 'alter_enum_add_value', 'AlterEnumStmt'],
    ['CREATE EXTENSION pg_trgm', 'create_extension', 'CreateExtensionStmt'],
    ['SET lock_timeout = 1000', 'set', 'VariableSetStmt'],
    ['LOCK TABLE t IN ACCESS EXCLUSIVE MODE', 'lock_table', 'LockStmt'],
    ['TRUNCATE t', 'truncate', 'TruncateStmt'],
    ['GRANT SELECT ON t TO public', 'grant', 'GrantStmt'],
    ['COMMENT ON TABLE t IS $$x$$', 'comment', 'CommentStmt'],
    ['CREATE SEQUENCE s', 'create_sequence', 'CreateSeqStmt'],
  ])('%s is %s', (sql, kind, nodeType) => {
    const s = parseSql(sql).statements[0]!;
    expect(s.kind).toBe(kind);
    expect(s.nodeType).toBe(nodeType);
    expect(s.node).toBe(s.ast[nodeType]);
  });
});
