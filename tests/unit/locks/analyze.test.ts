import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocks, LOCK_RULES, blocksOf } from '../../../src-main/locks';
import { initParser, parseSql } from '../../../src-main/parse';

beforeAll(async () => {
  await initParser();
});

const one = (sql: string, pgVersion = 18) => analyzeLocks(parseSql(sql), { pgVersion }).statements[0]!;

describe('analyzeLocks without a catalog', () => {
  it('names the referenced table of a foreign key and its lock', () => {
    const s = one('ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES sales.customers (id)');
    expect(s.locks.map((l) => [l.relation, l.mode, l.role])).toEqual([
      ['orders', 'ShareRowExclusiveLock', 'target'],
      ['sales.customers', 'ShareRowExclusiveLock', 'referenced'],
    ]);
    expect(s.blocks).toEqual({ reads: false, writes: true, ddl: true });
  });

  it('combines sub-commands: strongest lock, any rewrite', () => {
    const s = one("ALTER TABLE orders ADD COLUMN a int, ADD COLUMN b uuid DEFAULT gen_random_uuid(), ALTER COLUMN c SET STATISTICS 100");
    expect(s.locks).toHaveLength(1);
    expect(s.locks[0]!.mode).toBe('AccessExclusiveLock');
    expect(s.rewrites).toBe(true);
    expect(s.operation).toBe('rewrite');
  });

  it('treats objects created earlier in the file as new (no blocking)', () => {
    const a = analyzeLocks(parseSql('CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id); ALTER TABLE t ADD COLUMN x int NOT NULL'), { pgVersion: 16 });
    expect(a.statements.slice(1).every((s) => !s.blocks.reads && !s.blocks.writes)).toBe(true);
  });

  it('knows version differences: VIRTUAL generated columns and NOT NULL NOT VALID need PG 18', () => {
    expect(one('ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) VIRTUAL', 17).notes.join()).toContain('needs PostgreSQL 18+');
    expect(one('ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) VIRTUAL', 18).notes.join()).not.toContain('needs PostgreSQL');
    expect(one('ALTER TABLE t DETACH PARTITION p CONCURRENTLY', 13).notes.join()).toContain('needs PostgreSQL 14+');
  });

  it('assumes a rewrite for a type change it cannot check, and says so', () => {
    const s = one('ALTER TABLE t ALTER COLUMN c TYPE bigint');
    expect(s.rewrites).toBe(true);
    expect(s.certainty).toBe('assumed');
  });

  it('uses the mode written in LOCK TABLE', () => {
    expect(one('LOCK TABLE t IN ROW EXCLUSIVE MODE').locks[0]!.mode).toBe('RowExclusiveLock');
    expect(one('LOCK TABLE t').locks[0]!.mode).toBe('AccessExclusiveLock');
  });

  it('every rule names a pg_locks mode and a documentation page', () => {
    for (const r of LOCK_RULES) {
      if (r.target) expect(blocksOf(r.target)).toBeDefined();
      expect(r.doc).toMatch(/^https:\/\/www\.postgresql\.org\/docs\//);
    }
  });
});

describe('confiture locks', () => {
  it('prints exactly the documented JSON', async () => {
    const { stdout } = await promisify(execFile)('node', [path.resolve('bin/confiture.mjs'), 'locks', '--sql', 'CREATE INDEX i ON orders (a)', '--pg-version', '15', '--format', 'json']);
    expect(JSON.parse(stdout)).toEqual({
      statements: [{ index: 0, kind: 'create_index', locks: [{ relation: 'orders', mode: 'ShareLock' }], rewrites: false, scans: true, blocks: { reads: false, writes: true } }],
    });
  });

  it('exits 2 on SQL the parser rejects, with the line', async () => {
    const r = await promisify(execFile)('node', [path.resolve('bin/confiture.mjs'), 'locks', '--sql', 'CREATE INDEX ON', '--format', 'json']).catch((e: { code: number; stdout: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect(JSON.parse((r as { stdout: string }).stdout).error.code).toBe('parse_error');
  });
});
