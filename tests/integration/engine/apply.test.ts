import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, planRun } from '../../../src-main/engine';
import type { LifecycleContext } from '../../../src-shared/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_engine');
});
afterAll(async () => {
  await db.drop();
});

async function reset() {
  await db.pool.query('DROP SCHEMA IF EXISTS confiture CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

async function tableExists(name: string): Promise<boolean> {
  const r = await db.pool.query('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return r.rows[0].ok as boolean;
}

describe('migrate up / down', () => {
  it('applies each pending migration with its tracking rows and reverts the newest on down', async () => {
    await reset();
    const p = engineProject({
      '0001_a.up.sql': 'CREATE TABLE a (id int primary key);\nINSERT INTO a VALUES (1), (2);',
      '0001_a.down.sql': 'DROP TABLE a;',
      '0002_b.up.sql': 'CREATE TABLE b (id int);',
      '0002_b.down.sql': 'DROP TABLE b;',
    });
    const events: string[] = [];
    const report = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', listeners: [(c: LifecycleContext) => void events.push(c.event)] });
    expect(report.ok).toBe(true);
    expect(report.migrations.map((m) => [m.version, m.outcome])).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
    ]);
    expect(report.migrations[0]!.statements[1]!.rows).toBe(2);
    expect(await tableExists('a')).toBe(true);
    const applied = await db.pool.query('SELECT version, run_id FROM confiture.applied_migrations ORDER BY version');
    expect(applied.rows.map((r) => r.version)).toEqual(['0001', '0002']);
    expect(applied.rows[0].run_id).toBe(report.runId);
    const st = await db.pool.query('SELECT count(*)::int AS n FROM confiture.statement_runs WHERE run_id = $1', [report.runId]);
    expect(st.rows[0].n).toBe(3);
    const run = await db.pool.query('SELECT outcome FROM confiture.runs WHERE id = $1', [report.runId]);
    expect(run.rows[0].outcome).toBe('success');
    expect(events).toEqual(expect.arrayContaining(['before_load', 'after_load', 'before_run', 'before_migration', 'before_statement', 'after_statement', 'after_migration', 'after_run', 'run_started', 'run_completed']));

    const again = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(again.migrations).toEqual([]);

    const down = await runMigrations(p.open(), urlTarget(db.url), { kind: 'down' });
    expect(down.error).toBeUndefined();
    expect(down.migrations.map((m) => [m.version, m.outcome])).toEqual([['0002', 'reverted']]);
    expect(await tableExists('b')).toBe(false);
    const hist = await db.pool.query("SELECT version, direction FROM confiture.migration_history ORDER BY id");
    expect(hist.rows.map((r) => `${r.version}:${r.direction}`)).toEqual(['0001:up', '0002:up', '0002:down']);
    const down2 = await runMigrations(p.open(), urlTarget(db.url), { kind: 'down', to: '0' });
    expect(down2.migrations.map((m) => m.version)).toEqual(['0001']);
    p.remove();
  });

  it('applies up to --to and no further', async () => {
    await reset();
    const p = engineProject({ '1_a.up.sql': 'CREATE TABLE a1 (id int);', '2_b.up.sql': 'CREATE TABLE b2 (id int);', '10_c.up.sql': 'CREATE TABLE c10 (id int);' });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', to: '2' });
    expect(r.migrations.map((m) => m.version)).toEqual(['1', '2']);
    expect(await tableExists('c10')).toBe(false);
    p.remove();
  });

  it('rolls back a migration whose statement fails in the middle and names file and line', async () => {
    await reset();
    const p = engineProject({
      '0001_ok.up.sql': 'CREATE TABLE ok1 (id int);',
      '0002_bad.up.sql': 'CREATE TABLE half (id int);\n\nINSERT INTO half VALUES (1);\nINSERT INTO missing_table\n  VALUES (1);\nCREATE TABLE never (id int);',
    });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('migration_failed');
    expect(r.error?.message).toMatch(/0002_bad\.up\.sql:4: relation "missing_table" does not exist/);
    expect(r.error?.where?.line).toBe(4);
    expect(await tableExists('ok1')).toBe(true);
    expect(await tableExists('half')).toBe(false);
    const applied = await db.pool.query('SELECT version FROM confiture.applied_migrations');
    expect(applied.rows.map((x) => x.version)).toEqual(['0001']);
    const run = await db.pool.query('SELECT outcome FROM confiture.runs WHERE id = $1', [r.runId]);
    expect(run.rows[0].outcome).toBe('failed');
    p.remove();
  });

  it('applies the file timeouts and names the line of an error from the very first statement', async () => {
    await reset();
    const slow = engineProject({ '0001_slow.up.sql': '-- confiture: statement_timeout=200ms\nSELECT pg_sleep(3);\nCREATE TABLE after_sleep (id int);' });
    const t = Date.now();
    const r = await runMigrations(slow.open(), urlTarget(db.url), { kind: 'up' });
    expect(Date.now() - t).toBeLessThan(2500);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/0001_slow\.up\.sql:2: .*statement_timeout \(200 ms\)/);
    expect(await tableExists('after_sleep')).toBe(false);
    slow.remove();

    await reset();
    const bad = engineProject({ '0001_bad.up.sql': '-- header\nSELECT 1,\n  no_such_column\nFROM pg_class;' });
    const b = await runMigrations(bad.open(), urlTarget(db.url), { kind: 'up' });
    expect(b.error?.where?.line).toBe(3);
    expect(b.error?.message).toMatch(/0001_bad\.up\.sql:3: column "no_such_column" does not exist/);
    const applied = await db.pool.query('SELECT count(*)::int AS n FROM confiture.applied_migrations');
    expect(applied.rows[0].n).toBe(0);
    bad.remove();
  });

  it('records a migration without statements in its own transaction', async () => {
    await reset();
    const p = engineProject({ '0001_empty.up.sql': '-- nothing to do yet\n', "0002_quote.up.sql": "CREATE TABLE q (v text DEFAULT 'it''s \\\\ fine');" });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', approvalId: "appr'oval\\1" });
    expect(r.ok).toBe(true);
    const applied = await db.pool.query('SELECT version, approval_id FROM confiture.applied_migrations ORDER BY version');
    expect(applied.rows).toEqual([
      { version: '0001', approval_id: "appr'oval\\1" },
      { version: '0002', approval_id: "appr'oval\\1" },
    ]);
    const tx = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'");
    expect(tx.rows[0].n).toBe(0);
    p.remove();
  });

  it('records through the worker session\'s prepared tracking write, and without it once a migration deallocates it', async () => {
    await reset();
    const p = engineProject({
      // runs on the worker session: what is prepared there when the first migration runs
      '0001_seen.up.sql': 'CREATE TABLE seen AS SELECT name FROM pg_prepared_statements ORDER BY name;',
      '0002_dealloc.up.sql': 'DEALLOCATE ALL;\nCREATE TABLE after_dealloc (id int);',
      '0003_more.up.sql': 'CREATE TABLE more3 (id int);\nINSERT INTO more3 VALUES (1), (2), (3);',
      '0003_more.down.sql': 'DROP TABLE more3;',
    });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.version, m.outcome])).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
      ['0003', 'applied'],
    ]);
    const seen = await db.pool.query('SELECT name FROM seen');
    expect(seen.rows.map((x) => x.name)).toEqual(['confiture_track_down', 'confiture_track_up']);
    const applied = await db.pool.query('SELECT version, name, run_id FROM confiture.applied_migrations ORDER BY version');
    expect(applied.rows).toEqual([
      { version: '0001', name: 'seen', run_id: r.runId },
      { version: '0002', name: 'dealloc', run_id: r.runId },
      { version: '0003', name: 'more', run_id: r.runId },
    ]);
    const st = await db.pool.query('SELECT version, statement_index AS i, rows, outcome FROM confiture.statement_runs WHERE run_id = $1 ORDER BY version, statement_index', [r.runId]);
    expect(st.rows).toEqual([
      { version: '0001', i: 0, rows: '2', outcome: 'success' },
      { version: '0002', i: 0, rows: null, outcome: 'success' },
      { version: '0002', i: 1, rows: null, outcome: 'success' },
      { version: '0003', i: 0, rows: null, outcome: 'success' },
      { version: '0003', i: 1, rows: '3', outcome: 'success' },
    ]);
    const down = await runMigrations(p.open(), urlTarget(db.url), { kind: 'down' });
    expect(down.error).toBeUndefined();
    const hist = await db.pool.query('SELECT version, direction FROM confiture.migration_history ORDER BY id');
    expect(hist.rows.map((x) => `${x.version}:${x.direction}`)).toEqual(['0001:up', '0002:up', '0003:up', '0003:down']);
    expect((await db.pool.query('SELECT version FROM confiture.applied_migrations ORDER BY version')).rows.map((x) => x.version)).toEqual(['0001', '0002']);
    p.remove();
  });

  it('refuses malformed SQL and a file with its own COMMIT before running anything', async () => {
    await reset();
    const bad = engineProject({ '0001_a.up.sql': 'CREATE TABLE first (id int);', '0002_b.up.sql': 'CREATE TABLE x (id int);\nALTER TABLE x ADD COLUMN;' });
    await expect(runMigrations(bad.open(), urlTarget(db.url), { kind: 'up' })).rejects.toMatchObject({ code: 'parse_error', where: { line: 2 } });
    expect(await tableExists('first')).toBe(false);
    const commit = engineProject({ '0001_a.up.sql': 'CREATE TABLE first (id int);', '0002_b.up.sql': 'BEGIN;\nCREATE TABLE y (id int);\nCOMMIT;' });
    await expect(runMigrations(commit.open(), urlTarget(db.url), { kind: 'up' })).rejects.toMatchObject({ code: 'parse_error', where: { line: 1 } });
    expect(await tableExists('first')).toBe(false);
    bad.remove();
    commit.remove();
  });

  it('refuses checksum drift of an applied file unless accepted, and records the acceptance', async () => {
    await reset();
    const p = engineProject({ '0001_a.up.sql': 'CREATE TABLE d (id int);' });
    expect((await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' })).ok).toBe(true);
    p.write('0001_a.up.sql', 'CREATE TABLE d (id bigint);');
    p.write('0002_b.up.sql', 'CREATE TABLE e (id int);');
    await expect(runMigrations(p.open(), urlTarget(db.url), { kind: 'up' })).rejects.toMatchObject({ code: 'project_error', message: expect.stringMatching(/0001_a.*--accept-drift/) });
    expect(await tableExists('e')).toBe(false);
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', acceptDrift: true });
    expect(r.ok).toBe(true);
    const row = await db.pool.query("SELECT checksum, drift_accepted FROM confiture.applied_migrations WHERE version = '0001'");
    expect(row.rows[0].checksum).toBe(p.open().migrations[0]!.checksum);
    expect(row.rows[0].drift_accepted).toHaveLength(1);
    p.remove();
  });

  it('stops at a before_* gate with policy_failure and the reason', async () => {
    await reset();
    const p = engineProject({ '0001_a.up.sql': 'CREATE TABLE g1 (id int);', '0002_b.up.sql': 'CREATE TABLE g2 (id int);' });
    const r = await runMigrations(p.open(), urlTarget(db.url), {
      kind: 'up',
      listeners: [(c) => (c.event === 'before_migration' && c.migration?.version === '0002' ? { proceed: false, reason: 'not approved', by: 'approval-policy' } : undefined)],
    });
    expect(r.outcome).toBe('policy_failure');
    expect(r.error).toMatchObject({ code: 'policy_failure', message: expect.stringContaining('not approved') });
    expect(await tableExists('g1')).toBe(true);
    expect(await tableExists('g2')).toBe(false);
    p.remove();
  });

  it('plans transaction boundaries: non-transactional statements run outside a transaction', async () => {
    await reset();
    const p = engineProject({
      '0001_t.up.sql': '-- confiture: lock_timeout=2s statement_timeout=5min\nCREATE TABLE t (id int);',
      '0002_i.up.sql': 'CREATE INDEX CONCURRENTLY t_id ON t (id);',
    });
    const plan = await planRun(p.open(), db.pool, { direction: 'up' });
    expect(plan.migrations.map((m) => m.transaction)).toEqual(['transaction', 'none']);
    expect(plan.migrations[0]).toMatchObject({ lockTimeoutMs: 2000, statementTimeoutMs: 300000 });
    expect(plan.migrations[1]!.statements[0]).toMatchObject({ transactional: false, kind: 'create_index' });
    p.remove();
  });
});
