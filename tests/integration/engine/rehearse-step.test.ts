import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run, runMigrations } from '../../../src-main/engine';
import type { RunnerEvent } from '../../../src-shared/domain/runner';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_engine_rs');
});
afterAll(async () => {
  await db.drop();
});

/** Catalog + data of every user relation (tracking schema included). */
async function fingerprint(): Promise<string> {
  const cat = await db.pool.query(
    `SELECT c.oid::regclass::text, c.relkind, c.relfilenode, a.attname, format_type(a.atttypid, a.atttypmod)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 4`,
  );
  const tables = await db.pool.query(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`);
  const data: string[] = [];
  for (const { t } of tables.rows) data.push(t + JSON.stringify((await db.pool.query(`SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM ${t} x`)).rows[0].h));
  return JSON.stringify(cat.rows) + data.join('|');
}

describe('dry-run', () => {
  it('measures statements, locks and rewrites, then leaves the database unchanged, tracking included', async () => {
    const p = engineProject({ '0001_base.up.sql': 'CREATE TABLE accounts (id int primary key, balance int); INSERT INTO accounts SELECT g, g FROM generate_series(1, 100) g;' });
    await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    p.write('0002_change.up.sql', 'UPDATE accounts SET balance = balance + 1 WHERE id <= 10;\nALTER TABLE accounts ALTER COLUMN balance TYPE bigint;\nCREATE INDEX CONCURRENTLY accounts_balance ON accounts (balance);');
    const before = await fingerprint();
    const events: string[] = [];
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'dry_run', listeners: [(c) => void events.push(c.event)] });
    expect(r.ok).toBe(true);
    expect(await fingerprint()).toBe(before);
    const [upd, alter, cic] = r.rehearsal!;
    expect(upd).toMatchObject({ kind: 'update', rows: 10, rehearsed: true, rewritten: [] });
    expect(upd!.locks).toContainEqual({ relation: 'accounts', mode: 'RowExclusiveLock' });
    expect(alter).toMatchObject({ kind: 'alter_table', rehearsed: true });
    expect(alter!.locks).toContainEqual({ relation: 'accounts', mode: 'AccessExclusiveLock' });
    expect(alter!.rewritten).toContain('accounts');
    expect(cic).toMatchObject({ rehearsed: false, note: expect.stringContaining('not rehearsable in a transaction') });
    expect(events).toEqual(expect.arrayContaining(['before_dry_run', 'after_dry_run', 'before_rollback', 'after_rollback']));
    const runs = await db.pool.query('SELECT count(*)::int AS n FROM confiture.runs');
    expect(runs.rows[0].n).toBe(1);
    p.remove();
  });
});

describe('step-through', () => {
  it('pauses before each statement, continues to a breakpoint, and aborts with a rollback', async () => {
    await db.pool.query('DROP TABLE IF EXISTS s1, s2, s3');
    const p = engineProject({ '0101_steps.up.sql': 'CREATE TABLE s1 (id int);\nCREATE TABLE s2 (id int);\nCREATE TABLE s3 (id int);\nINSERT INTO s1 VALUES (1);' });
    const events: RunnerEvent[] = [];
    const run = new Run(p.open(), urlTarget(db.url), {
      kind: 'up',
      stepping: true,
      breakpoints: [{ version: '0101', index: 3 }],
      publish: (s, _t, e) => s === 'runner/events' && events.push(e as RunnerEvent),
    });
    await run.prepare();
    const done = run.start();
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(pred()).toBe(true);
    };
    await waitFor(() => run.state === 'paused' && run.position?.index === 0);
    run.step();
    await waitFor(() => run.state === 'paused' && run.position?.index === 1);
    expect(events.filter((e) => e.type === 'statement_finished')).toHaveLength(1);
    expect(events.some((e) => e.type === 'locks' && e.locks.some((l) => l.relation === 's1' && l.mode === 'AccessExclusiveLock'))).toBe(true);
    run.continue();
    await waitFor(() => run.state === 'paused' && run.position?.index === 3);
    expect(run.snapshot().migrations[0]!.statements).toHaveLength(3);
    await run.abort();
    const report = await done;
    expect(report.outcome).toBe('cancelled');
    expect(report.error?.code).toBe('cancelled');
    const r = await db.pool.query("SELECT to_regclass('s1') IS NULL AS gone");
    expect(r.rows[0].gone).toBe(true);
    const applied = await db.pool.query("SELECT count(*)::int AS n FROM confiture.applied_migrations WHERE version = '0101'");
    expect(applied.rows[0].n).toBe(0);
    expect(events.map((e) => (e.type === 'state' ? e.state : null)).filter(Boolean)).toEqual(expect.arrayContaining(['running', 'paused', 'cancelled']));
    p.remove();
  });

  it('aborts a running statement by cancelling the backend', async () => {
    const p = engineProject({ '0201_slow.up.sql': 'CREATE TABLE slow1 (id int);\nSELECT pg_sleep(30);' });
    const run = new Run(p.open(), urlTarget(db.url), { kind: 'up' });
    await run.prepare();
    const done = run.start();
    for (let i = 0; i < 100 && run.position?.index !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    await run.abort();
    const report = await done;
    expect(Date.now() - t).toBeLessThan(3000);
    expect(report.outcome).toBe('cancelled');
    expect((await db.pool.query("SELECT to_regclass('slow1') IS NULL AS gone")).rows[0].gone).toBe(true);
    p.remove();
  });
});
