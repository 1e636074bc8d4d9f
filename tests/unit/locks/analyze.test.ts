import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocks, LOCK_RULES, blocksOf, newPlanChecks } from '../../../src-main/locks';
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

describe('analyzeLocks: plan state, unknowns and server-dependent rewrites', () => {
  it('says unknown without a catalog instead of guessing a DEFAULT of unknown volatility', () => {
    const s = one('ALTER TABLE orders ADD COLUMN token text DEFAULT make_token()');
    expect(s.rewrites).toBe(false);
    expect(s.unknowns).toEqual([expect.objectContaining({ fact: 'rewrite', reason: expect.stringContaining('unknown without a catalog') })]);
    expect(one('ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()').rewrites).toBe(true);
  });

  it('learns function volatility and constrained domains from earlier migrations of the plan', () => {
    const plan = newPlanChecks();
    analyzeLocks(parseSql("CREATE FUNCTION make_token() RETURNS text LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';\nCREATE DOMAIN positive AS int CHECK (VALUE > 0)"), { pgVersion: 15, plan });
    const [a, b] = analyzeLocks(parseSql('ALTER TABLE orders ADD COLUMN token text DEFAULT make_token();\nALTER TABLE orders ADD COLUMN qty positive'), { pgVersion: 15, plan }).statements;
    expect([a!.rewrites, a!.unknowns]).toEqual([true, []]);
    expect([b!.rewrites, b!.unknowns]).toEqual([true, []]);
  });

  it('follows SET TimeZone in the file for timestamp to timestamptz', () => {
    // each case on a fresh plan: the plan records the column's new type once changed
    const plan = () => {
      const p = newPlanChecks();
      analyzeLocks(parseSql('CREATE TABLE stamps (at timestamp)'), { pgVersion: 15, plan: p });
      return p;
    };
    const utc = analyzeLocks(parseSql("SET TimeZone = 'UTC';\nALTER TABLE stamps ALTER COLUMN at TYPE timestamptz"), { pgVersion: 15, plan: plan() }).statements[1]!;
    expect([utc.rewrites, utc.unknowns]).toEqual([false, []]);
    const paris = analyzeLocks(parseSql("SET TimeZone = 'Europe/Paris';\nALTER TABLE stamps ALTER COLUMN at TYPE timestamptz"), { pgVersion: 15, plan: plan() }).statements[1]!;
    expect(paris.rewrites).toBe(true);
    const unknown = analyzeLocks(parseSql('ALTER TABLE stamps ALTER COLUMN at TYPE timestamptz'), { pgVersion: 15, plan: plan() }).statements[0]!;
    expect(unknown.unknowns?.[0]?.reason).toContain('TimeZone is unknown without a catalog');
  });

  it('knows the foreign keys a plan created: DROP COLUMN locks the referenced table, by the default constraint name too', () => {
    const plan = newPlanChecks();
    analyzeLocks(parseSql('CREATE TABLE customers (id bigint primary key);\nCREATE TABLE orders (id bigint, customer_id bigint REFERENCES customers)'), { pgVersion: 15, plan });
    const drop = analyzeLocks(parseSql('ALTER TABLE orders DROP COLUMN customer_id'), { pgVersion: 15, plan }).statements[0]!;
    expect(drop.locks.map((l) => [l.relation, l.mode])).toEqual([['orders', 'AccessExclusiveLock'], ['customers', 'AccessExclusiveLock']]);
    expect(drop.unknowns).toEqual([]);
    const con = analyzeLocks(parseSql('ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey'), { pgVersion: 15, plan }).statements[0]!;
    expect(con.rules).toEqual(['alter_table.drop_constraint.fk']);
  });

  it('an inline CHECK on ADD COLUMN scans the table', () => {
    const s = one('ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0)');
    expect([s.scans, s.operation]).toEqual([true, 'scan']);
  });
});

describe('confiture locks', () => {
  it('prints exactly the documented JSON', async () => {
    const { stdout } = await promisify(execFile)('node', [path.resolve('bin/confiture.mjs'), 'locks', '--sql', 'CREATE INDEX i ON orders (a)', '--pg-version', '15', '--format', 'json']);
    expect(JSON.parse(stdout)).toEqual({
      schemaVersion: 1,
      statements: [{ index: 0, kind: 'create_index', locks: [{ relation: 'orders', mode: 'ShareLock' }], rewrites: false, scans: true, blocks: { reads: false, writes: true } }],
    });
  }, 60_000);

  it('prints an open fact as "unknown" in JSON, with the reason', async () => {
    const { stdout } = await promisify(execFile)('node', [path.resolve('bin/confiture.mjs'), 'locks', '--sql', 'DROP INDEX orders_idx', '--format', 'json']);
    const s = JSON.parse(stdout).statements[0];
    expect(s.locks).toContainEqual({ relation: '(table of index orders_idx)', mode: 'AccessExclusiveLock', unresolved: true });
    expect(s.unknown[0].fact).toBe('locks');
  }, 60_000);

  it('exits 2 on SQL the parser rejects, with the line', async () => {
    const r = await promisify(execFile)('node', [path.resolve('bin/confiture.mjs'), 'locks', '--sql', 'CREATE INDEX ON', '--format', 'json']).catch((e: { code: number; stdout: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect(JSON.parse((r as { stdout: string }).stdout).error.code).toBe('parse_error');
  }, 60_000);
});
