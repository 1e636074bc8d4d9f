import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run, acquireRunLock, runMigrations } from '../../../src-main/engine';
import type { LockMonitorSnapshot, RunnerEvent } from '../../../src-shared/domain/runner';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';
import { migrationStatus } from '../../../src-main/status';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_engine_cc');
});
afterAll(async () => {
  await db.drop();
});

async function reset() {
  await db.pool.query('DROP SCHEMA IF EXISTS confiture CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

describe('one run at a time', () => {
  it('fails fast with lock_held naming the holder pid and application', async () => {
    await reset();
    const holder = await db.client();
    await acquireRunLock(holder, 'confiture', '11111111-2222-3333-4444-555555555555');
    const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const p = engineProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);' });
    const t = Date.now();
    await expect(runMigrations(p.open(), urlTarget(db.url), { kind: 'up' })).rejects.toMatchObject({
      code: 'lock_held',
      message: expect.stringContaining(`pid ${pid}`),
      details: { holder: { pid, applicationName: expect.stringContaining('confiture run 11111111') } },
    });
    expect(Date.now() - t).toBeLessThan(5000);
    await holder.end();
    p.remove();
  });

  it('applies each migration exactly once when two runs start at the same time', async () => {
    await reset();
    const files: Record<string, string> = {};
    for (let i = 1; i <= 10; i++) files[`${String(i).padStart(4, '0')}_m.up.sql`] = `CREATE TABLE m${i} (id int);`;
    const p = engineProject(files);
    const results = await Promise.allSettled([runMigrations(p.open(), urlTarget(db.url), { kind: 'up' }), runMigrations(p.open(), urlTarget(db.url), { kind: 'up' })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('lock_held');
    const h = await db.pool.query("SELECT version, count(*)::int AS n FROM confiture.migration_history WHERE direction = 'up' GROUP BY version");
    expect(h.rows).toHaveLength(10);
    expect(h.rows.every((r) => r.n === 1)).toBe(true);
    p.remove();
  });

  it('completes CREATE INDEX CONCURRENTLY while the run lock is held', async () => {
    await reset();
    const p = engineProject({
      '0001_t.up.sql': 'CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000);',
      '0002_i.up.sql': 'CREATE INDEX CONCURRENTLY t_id ON t (id);\nCREATE INDEX CONCURRENTLY t_id2 ON t ((id * 2));',
    });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(r.error).toBeUndefined();
    const v = await db.pool.query("SELECT bool_and(indisvalid) AS ok, count(*)::int AS n FROM pg_index WHERE indrelid = 't'::regclass");
    expect(v.rows[0]).toEqual({ ok: true, n: 2 });
    const st = await db.pool.query("SELECT statement_index, outcome FROM confiture.statement_runs WHERE version = '0002' ORDER BY 1");
    expect(st.rows.map((x) => x.outcome)).toEqual(['success', 'success']);
    p.remove();
  });

  it('reports the INVALID index a failed concurrent build leaves, and resumes after the last statement that succeeded', async () => {
    await reset();
    await db.pool.query('CREATE TABLE dup (id int); INSERT INTO dup VALUES (1), (1);');
    const p = engineProject({ '0001_i.up.sql': 'CREATE TABLE before_idx (id int);\nCREATE UNIQUE INDEX CONCURRENTLY dup_id ON dup (id);' });
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(r.error?.code).toBe('migration_failed');
    expect(r.error?.message).toMatch(/INVALID index "?dup_id"?: run DROP INDEX CONCURRENTLY/);
    expect(r.error?.where?.line).toBe(2);
    await db.pool.query('DROP INDEX CONCURRENTLY dup_id');
    await db.pool.query('DELETE FROM dup');
    const again = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    expect(again.error).toBeUndefined();
    expect(again.migrations[0]!.statements.map((s) => s.outcome)).toEqual(['skipped', 'success']);
    p.remove();
  });

  it('gives up after lock_timeout, retries with backoff and reports the blocking session', async () => {
    await reset();
    await db.pool.query('CREATE TABLE busy (id int)');
    const blocker = await db.client();
    await blocker.query("SET application_name = 'nightly-report'");
    await blocker.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE;');
    const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    // a reader queued behind us must not wait longer than our lock_timeout
    const p = engineProject({ '0001_a.up.sql': 'ALTER TABLE busy ADD COLUMN x int;' }, 'name: test\nengine:\n  lockTimeout: 300ms\n  lockRetries: 2\n  retryBackoff: 50ms\n');
    const events: RunnerEvent[] = [];
    const t = Date.now();
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', publish: (s, _t, e) => s === 'runner/events' && events.push(e as RunnerEvent) });
    const elapsed = Date.now() - t;
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(r.ok).toBe(false);
    expect(r.migrations[0]!.attempts).toBe(3);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(r.error?.message).toMatch(/gave up waiting for a lock after 300 ms, 3 attempts/);
    expect(r.error?.message).toContain(`pid ${blockerPid}`);
    expect(r.error?.message).toContain('nightly-report');
    expect(r.blockers?.[0]).toMatchObject({ pid: blockerPid, applicationName: 'nightly-report' });
    expect(elapsed).toBeLessThan(5000);
    const col = await db.pool.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'x'");
    expect(col.rows[0].n).toBe(0);
    p.remove();
  });

  it('records the sessions a migration made wait and the longest wait the monitor saw (a lower bound), in the report and the event', async () => {
    await reset();
    await db.pool.query('CREATE TABLE warm (id int); INSERT INTO warm VALUES (1);');
    const p = engineProject({ '0001_a.up.sql': 'LOCK TABLE warm IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(2);', '0002_b.up.sql': 'CREATE TABLE quiet (id int);' });
    const events: RunnerEvent[] = [];
    const run = new Run(p.open(), urlTarget(db.url), { kind: 'up', monitor: { intervalMs: 200 }, publish: (s, _t, e) => s === 'runner/events' && events.push(e as RunnerEvent) });
    await run.prepare();
    const done = run.start();
    await new Promise((r) => setTimeout(r, 300));
    const victim = await db.client();
    await victim.query("SET application_name = 'checkout'");
    const t0 = Date.now();
    const victimQuery = victim.query('SELECT count(*) FROM warm');
    const report = await done;
    await victimQuery;
    const waited = Date.now() - t0;
    await victim.end();
    expect(report.outcome).toBe('success');
    const [a, b] = report.migrations;
    expect(a!.blockedOthers).toMatchObject({ sessions: 1, who: ['checkout'], sampledEveryMs: 200 });
    // seen at least once while waiting, and never more than the victim really waited
    expect(a!.blockedOthers!.longestWaitMs).toBeGreaterThan(0);
    expect(a!.blockedOthers!.longestWaitMs).toBeLessThanOrEqual(waited);
    expect(b!.blockedOthers).toBeUndefined();
    const finished = events.find((e) => e.type === 'migration_finished' && e.version === '0001');
    expect(finished).toMatchObject({ blockedOthers: a!.blockedOthers });
    // kept with the run and read back with the migration's status (Migrations screen, `status`)
    const status = await migrationStatus(p.open(), db.pool);
    expect(status.migrations.find((m) => m.version === '0001')).toMatchObject({ state: 'applied', blockedOthers: a!.blockedOthers });
    expect(status.migrations.find((m) => m.version === '0002')!.blockedOthers).toBeUndefined();
    p.remove();
  });

  it('shows the sessions we block on the lock monitor and auto-aborts past the threshold', async () => {
    await reset();
    await db.pool.query('CREATE TABLE hot (id int); INSERT INTO hot VALUES (1);');
    const p = engineProject({ '0001_a.up.sql': 'LOCK TABLE hot IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(5);' });
    const snaps: LockMonitorSnapshot[] = [];
    const run = new Run(p.open(), urlTarget(db.url), {
      kind: 'up',
      monitor: { intervalMs: 200, autoAbortAfterMs: 600 },
      publish: (s, _t, e) => s === 'locks/monitor' && snaps.push(e as LockMonitorSnapshot),
    });
    await run.prepare();
    const done = run.start();
    await new Promise((r) => setTimeout(r, 300));
    const victim = await db.client();
    await victim.query("SET application_name = 'checkout'");
    const victimQuery = victim.query('SELECT count(*) FROM hot').catch(() => undefined);
    const report = await done;
    await victimQuery;
    await victim.end();
    expect(report.outcome).toBe('cancelled');
    expect(report.error?.message).toMatch(/auto-aborted: pid \d+ \(.*checkout.*\).* was blocked by this migration/);
    const seen = snaps.find((s) => s.blocked.length > 0);
    expect(seen?.blocked[0]).toMatchObject({ applicationName: 'checkout', mode: 'AccessShareLock', relation: 'hot' });
    expect(seen?.ourLocks).toContainEqual({ relation: 'hot', mode: 'AccessExclusiveLock' });
    const applied = await db.pool.query('SELECT count(*)::int AS n FROM confiture.applied_migrations');
    expect(applied.rows[0].n).toBe(0);
    p.remove();
  });
});
