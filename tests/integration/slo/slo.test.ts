/**
 * SLOs over a real run history: migrations applied through the engine (a slow one, a failing
 * one, a lock retry, a failing hook), then the report and the per-run check read the tracking
 * tables on the real server.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../src-main/engine';
import { runnerForProject } from '../../../src-main/hooks';
import { evaluateRun, sloAfterRun, sloReport } from '../../../src-main/slo';
import { insertRun } from '../../../src-main/store';
import type { RunSloCheck, SloObjectiveStatus, SloReport } from '../../../src-shared/domain/slo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { confiture as runCli, type CliRun } from '../cli/run-cli';
import { engineProject, trackingSchemaAt, urlTarget } from '../engine/helpers';

const CONFIG = `name: slo-test
engine:
  lockTimeout: 500ms
  lockRetries: 3
  retryBackoff: 100ms
slo:
  objectives:
    - { id: runs, sli: run_success_rate, objective: 0.5 }
    - { id: migrations-fast, sli: migration_duration_ms, objective: 0.9, threshold: 1500ms }
    - { id: migrations-lenient, sli: migration_duration_ms, objective: 0.6, threshold: 1500ms }
    - { id: statements-fast, sli: statement_duration_ms, objective: 0.9, threshold: 1500ms }
    - { id: first-try, sli: lock_retry_rate, objective: 0.9 }
    - { id: hooks-ok, sli: hook_failure_rate, objective: 0.9 }
`;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_slo');
});
afterAll(async () => {
  await db.drop();
});

async function reset() {
  await db.pool.query('DROP SCHEMA IF EXISTS confiture CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

const byId = (r: SloReport, id: string): SloObjectiveStatus => r.objectives.find((o) => o.id === id)!;

describe('slo report on an empty history', () => {
  it('says no_data for every objective, before and after the tracking tables exist', async () => {
    await reset();
    const p = engineProject({}, 'name: empty\n');
    const before = await sloReport(db.pool, p.open());
    expect(before.objectives.map((o) => [o.id, o.status, o.total])).toEqual([
      ['runs-succeed', 'no_data', 0],
      ['migrations-under-60s', 'no_data', 0],
      ['statements-under-10s', 'no_data', 0],
    ]);
    expect(before.summary).toEqual({ ok: 0, at_risk: 0, violated: 0, no_data: 3 });
    expect(before.objectives[0]).toMatchObject({ sliValue: null, budgetConsumed: null, budgetRemaining: null, burnRate: { short: null, long: null, fastBurn: false }, violations: [] });
    // a run with nothing to do creates the tables and a successful run, but no migration or statement
    await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    const after = await sloReport(db.pool, p.open());
    expect(after.objectives.map((o) => [o.id, o.status, o.total, o.good])).toEqual([
      ['runs-succeed', 'ok', 1, 1],
      ['migrations-under-60s', 'no_data', 0, 0],
      ['statements-under-10s', 'no_data', 0, 0],
    ]);
    p.remove();
  });
});

describe('slo report over real runs', () => {
  it('counts a failed run, a slow migration and its slow statement, and flips statuses at the thresholds', async () => {
    await reset();
    const p = engineProject(
      {
        '0001_fast.up.sql': 'CREATE TABLE fast (id int);',
        '0002_slow.up.sql': 'SELECT pg_sleep(2);\nCREATE TABLE slow (id int);',
        '0003_bad.up.sql': 'CREATE TABLE half (id int);\nINSERT INTO missing_table VALUES (1);',
      },
      CONFIG,
    );
    const checks: RunSloCheck[] = [];
    const violations: RunSloCheck[] = [];
    const listener = sloAfterRun({ pool: db.pool, project: p.open(), onCheck: (c) => checks.push(c), onViolation: (c) => void violations.push(c) });
    const first = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', listeners: [listener] });
    expect(first.outcome).toBe('failure');

    let r = await sloReport(db.pool, p.open());
    // one run, failed: 0 % against 50 %
    expect(byId(r, 'runs')).toMatchObject({ total: 1, good: 0, bad: 1, sliValue: 0, status: 'violated', allowedBad: 0.5, budgetConsumed: 2, budgetRemaining: -1 });
    expect(byId(r, 'runs').violations).toEqual([expect.objectContaining({ runId: first.runId, version: '0003', runKind: 'up', line: 2 })]);
    expect(byId(r, 'runs').violations[0]!.detail).toMatch(/missing_table/);
    // 0001 fast, 0002 slow; the rolled-back 0003 left no migration row
    const slow = byId(r, 'migrations-fast');
    expect(slow).toMatchObject({ total: 2, good: 1, bad: 1, sliValue: 0.5, status: 'violated' });
    expect(slow.violations).toHaveLength(1);
    expect(slow.violations[0]).toMatchObject({ version: '0002', direction: 'up', runId: first.runId });
    expect(slow.violations[0]!.durationMs).toBeGreaterThanOrEqual(2000);
    const stmts = byId(r, 'statements-fast');
    expect(stmts).toMatchObject({ total: 3, good: 2, bad: 1, status: 'violated' });
    expect(stmts.violations[0]).toMatchObject({ version: '0002', statementIndex: 0, line: 1 });
    expect(stmts.violations[0]!.durationMs).toBeGreaterThanOrEqual(2000);
    expect(byId(r, 'first-try')).toMatchObject({ total: 3, good: 3, status: 'ok', budgetConsumed: 0 });
    expect(byId(r, 'hooks-ok')).toMatchObject({ total: 0, status: 'no_data' });

    // the per-run check after the run saw the same bad events and raised them
    expect(checks.map((c) => c.runId)).toEqual([first.runId]);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.violations.map((v) => `${v.objectiveId}:${v.version}`).sort()).toEqual(['migrations-fast:0002', 'migrations-lenient:0002', 'runs:0003', 'statements-fast:0002']);

    // fix the failing file and run again: 1 of 2 runs good = exactly the 50 % objective, budget fully spent
    p.write('0003_bad.up.sql', 'CREATE TABLE fixed (id int);');
    const second = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up', listeners: [listener] });
    expect(second.ok).toBe(true);
    expect(violations).toHaveLength(1);
    expect(checks[1]!.violations).toEqual([]);
    r = await sloReport(db.pool, p.open());
    expect(byId(r, 'runs')).toMatchObject({ total: 2, good: 1, sliValue: 0.5, budgetConsumed: 1, budgetRemaining: 0, status: 'at_risk' });
    // 2 of 3 migrations fast: violated at 90 %, at risk at 60 % (1 bad of 1.2 allowed = 83 % spent)
    expect(byId(r, 'migrations-fast')).toMatchObject({ total: 3, good: 2, status: 'violated' });
    expect(byId(r, 'migrations-lenient')).toMatchObject({ total: 3, good: 2, allowedBad: 1.2, budgetConsumed: 0.833333333, status: 'at_risk' });
    // both runs are within the last 24 h: short and long burn rates agree
    expect(byId(r, 'runs').burnRate).toMatchObject({ short: 1, long: 1, shortTotal: 2, shortBad: 1, fastBurn: false });

    // the failed run two days ago: out of the short window, still in the 30-day one
    await db.pool.query("UPDATE confiture.runs SET started_at = started_at - interval '2 days', finished_at = finished_at - interval '2 days' WHERE id = $1", [first.runId]);
    r = await sloReport(db.pool, p.open());
    expect(byId(r, 'runs')).toMatchObject({ total: 2, bad: 1, status: 'at_risk', burnRate: { short: 0, long: 1, shortTotal: 1, shortBad: 0 } });
    // a 24h window sees only the good run
    r = await sloReport(db.pool, p.open(), { window: '24h' });
    expect(r.windowOverride).toBe('24h');
    expect(byId(r, 'runs')).toMatchObject({ window: '24h', total: 1, good: 1, status: 'ok', violations: [] });
    // 40 days ago: outside the window altogether
    await db.pool.query("UPDATE confiture.runs SET started_at = started_at - interval '38 days', finished_at = finished_at - interval '38 days' WHERE id = $1", [first.runId]);
    r = await sloReport(db.pool, p.open());
    expect(byId(r, 'runs')).toMatchObject({ total: 1, good: 1, status: 'ok' });

    // a run of a kind the objective does not cover is not counted
    const ev = await evaluateRun(db.pool, p.open(), second.runId);
    expect(ev.objectives.find((o) => o.id === 'runs')).toEqual({ id: 'runs', sli: 'run_success_rate', total: 1, bad: 0 });
    p.remove();
  });

  it('counts a statement that needed a lock retry as bad for lock_retry_rate', async () => {
    await reset();
    await db.pool.query('CREATE TABLE busy (id int)');
    const p = engineProject({ '0001_alter.up.sql': 'ALTER TABLE busy ADD COLUMN note text;' }, CONFIG);
    const holder = await db.client();
    await holder.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE;');
    let released = false;
    const report = await runMigrations(p.open(), urlTarget(db.url), {
      kind: 'up',
      // let go of the lock once the engine gave up the first time: the retry succeeds
      publish: (_s, _t, e) => {
        if ((e as { type?: string }).type === 'retry' && !released) {
          released = true;
          void holder.query('COMMIT');
        }
      },
    });
    await holder.end();
    expect(report.ok).toBe(true);
    expect(report.migrations[0]!.attempts).toBe(2);
    const r = await sloReport(db.pool, p.open());
    expect(byId(r, 'first-try')).toMatchObject({ total: 1, good: 0, status: 'violated' });
    expect(byId(r, 'first-try').violations[0]).toMatchObject({ version: '0001', statementIndex: 0, attempts: 2 });
    p.remove();
  });

  it('reads blocked_wait_ms from a tracking schema older than measured blocking (version 4): no one blocked', async () => {
    await reset();
    const c = await db.client();
    try {
      await trackingSchemaAt(c, 4);
      const run = crypto.randomUUID();
      await c.query(`INSERT INTO confiture.runs (id, kind, started_by, host, app_version, project, project_id, outcome, finished_at) VALUES ($1, 'up', 'dba', 'h', '0.9', 'slo-test', 'slo-test', 'success', now())`, [run]);
      await c.query(`INSERT INTO confiture.migration_history (run_id, version, name, direction, checksum, by, duration_ms, project) VALUES ($1, '0001', 'old', 'up', 'x', 'dba', 12, 'slo-test')`, [run]);
    } finally {
      await c.end();
    }
    const p = engineProject({}, `${CONFIG}    - { id: no-long-block, sli: blocked_wait_ms, objective: 0.9, threshold: 300ms }\n`);
    const o = byId(await sloReport(db.pool, p.open()), 'no-long-block');
    expect(o).toMatchObject({ total: 1, good: 1, bad: 0, violations: [] });
    p.remove();
  });

  it('judges each migration on the longest wait it made another session suffer for blocked_wait_ms', async () => {
    await reset();
    await db.pool.query('CREATE TABLE shared (id int)');
    const config = `${CONFIG}    - { id: no-long-block, sli: blocked_wait_ms, objective: 0.9, threshold: 300ms }\n`;
    const p = engineProject({ '0001_lock.up.sql': 'LOCK TABLE shared IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(1.5);', '0002_calm.up.sql': 'CREATE TABLE calm (id int);' }, config);
    const reader = await db.client();
    await reader.query("SET application_name = 'reporting'");
    let read: Promise<unknown> | null = null;
    const report = await runMigrations(p.open(), urlTarget(db.url), {
      kind: 'up',
      monitor: { intervalMs: 200 },
      // once 0001 holds its lock, a reader queues behind it for the rest of the sleep
      publish: (_s, _t, e) => {
        const ev = e as { type?: string; version?: string; index?: number };
        if (ev.type === 'statement_started' && ev.version === '0001' && ev.index === 1 && !read) read = new Promise((r) => setTimeout(r, 200)).then(() => reader.query('SELECT count(*) FROM shared'));
      },
    });
    await read;
    await reader.end();
    expect(report.ok).toBe(true);
    expect(report.migrations[0]!.blockedOthers).toMatchObject({ sessions: 1, who: ['reporting'] });
    const r = await sloReport(db.pool, p.open());
    const o = byId(r, 'no-long-block');
    // 0001 made the reader wait well over 300 ms (bad); 0002 blocked no one (good)
    expect(o).toMatchObject({ sli: 'blocked_wait_ms', total: 2, good: 1, bad: 1, status: 'violated' });
    expect(o.violations).toHaveLength(1);
    expect(o.violations[0]).toMatchObject({ version: '0001' });
    expect(o.violations[0]!.durationMs).toBeGreaterThan(300);
    expect(o.violations[0]!.detail).toMatch(/^0001_lock: blocked 1 session \(reporting\): the longest waited at least [\d.]+ (ms|s) \(lock monitor, every [\d.]+ (ms|s)\)$/);
    p.remove();
  });

  it('counts failed hook executions of recorded runs for hook_failure_rate', async () => {
    await reset();
    const config = `${CONFIG}hooks:
  hooks:
    - { id: check-ok, kind: sql, on: [after_migration], policy: warn, sql: 'SELECT 1' }
    - { id: check-broken, kind: sql, on: [after_migration], policy: warn, sql: 'SELECT 1/0' }
`;
    const p = engineProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);', '0002_b.up.sql': 'CREATE TABLE b (id int);' }, config);
    const project = p.open();
    const hooks = runnerForProject(project, db.pool);
    const report = await runMigrations(project, urlTarget(db.url), { kind: 'up', listeners: [hooks.listener] });
    expect(report.ok).toBe(true);
    const r = await sloReport(db.pool, project);
    // 2 migrations × 2 hooks, the broken one fails each time
    expect(byId(r, 'hooks-ok')).toMatchObject({ total: 4, good: 2, bad: 2, sliValue: 0.5, status: 'violated' });
    expect(byId(r, 'hooks-ok').violations[0]!.detail).toMatch(/^check-broken on after_migration: failure/);
    p.remove();
  });

  it('counts a run whose process died (still running, lock session gone) as bad, a live one not at all', async () => {
    await reset();
    const p = engineProject({}, CONFIG);
    await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    const live = await db.client();
    const livePid = (await live.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const dead = await db.client();
    const deadPid = (await dead.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await dead.end();
    const base = { kind: 'up', startedBy: 'test', host: 'h', appVersion: '0', project: 'slo-test', targetVersion: null, options: {} };
    await insertRun(db.pool, 'confiture', { ...base, id: '00000000-0000-4000-8000-000000000001', lockPid: livePid });
    await insertRun(db.pool, 'confiture', { ...base, id: '00000000-0000-4000-8000-000000000002', lockPid: deadPid });
    // the backend of the ended client may take a moment to leave pg_stat_activity
    for (let i = 0; i < 50; i++) {
      const gone = await db.pool.query('SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1) AS gone', [deadPid]);
      if (gone.rows[0].gone) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const r = await sloReport(db.pool, p.open());
    expect(byId(r, 'runs')).toMatchObject({ total: 2, good: 1, bad: 1 });
    expect(byId(r, 'runs').violations[0]).toMatchObject({ runId: '00000000-0000-4000-8000-000000000002' });
    expect(byId(r, 'runs').violations[0]!.detail).toMatch(/abandoned/);
    await live.end();
    p.remove();
  });
});

describe('confiture slo report', () => {
  async function confiture(args: string[]): Promise<CliRun> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-slo-cli-'));
    try {
      return await runCli(args, { dataDir, timeoutMs: 60_000 });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('prints the report as JSON and exits 1 when an objective is violated, 0 otherwise, 2 on a bad window', async () => {
    await reset();
    const p = engineProject({ '0001_bad.up.sql': 'SELECT 1/0;' }, 'name: slo-cli\n');
    let out = await confiture(['slo', 'report', '--project', p.dir, '--db', db.url, '--format', 'json']);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as SloReport).summary).toEqual({ ok: 0, at_risk: 0, violated: 0, no_data: 3 });

    await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    out = await confiture(['slo', 'report', '--project', p.dir, '--db', db.url, '--format', 'json']);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as SloReport;
    expect(report.objectives[0]).toMatchObject({ id: 'runs-succeed', sli: 'run_success_rate', objective: 0.99, window: '30d', total: 1, good: 0, status: 'violated', burnRate: { fastBurn: true } });
    expect(report.objectives[0]!.violations[0]).toMatchObject({ version: '0001' });

    out = await confiture(['slo', 'report', '--project', p.dir, '--db', db.url]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/VIOLATED\s+runs-succeed/);
    expect(out.stdout).toMatch(/division by zero/);

    out = await confiture(['slo', 'report', '--project', p.dir, '--db', db.url, '--window', '30 days']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--window/);
    p.remove();
  });

  it('migrate checks its run and fires the alert_slo_violation hooks with the bad events', async () => {
    await reset();
    await db.pool.query('CREATE TABLE public.slo_alerts (ctx jsonb)');
    const config = `name: slo-alert
hooks:
  hooks:
    - { id: record-alert, kind: sql, on: [alert_slo_violation], sql: "INSERT INTO public.slo_alerts SELECT current_setting('confiture.hook_context')::jsonb" }
`;
    const p = engineProject({ '0001_ok.up.sql': 'CREATE TABLE ok1 (id int);', '0002_bad.up.sql': 'SELECT 1/0;' }, config);
    const out = await confiture(['migrate', 'up', '--project', p.dir, '--db', db.url, '--format', 'json']);
    expect(out.code).toBe(4);
    const report = JSON.parse(out.stdout) as { runId: string; slo: RunSloCheck; hooks: { hookId: string; phase: string; outcome: string }[] };
    expect(report.slo.violations.map((v) => `${v.objectiveId}:${v.version}`)).toEqual(['runs-succeed:0002']);
    expect(report.hooks).toContainEqual(expect.objectContaining({ hookId: 'record-alert', phase: 'alert_slo_violation', outcome: 'success' }));
    const alerts = await db.pool.query<{ ctx: { event: string; runId: string; alert: { objectives: { objective: string; bad: number }[] } } }>('SELECT ctx FROM public.slo_alerts');
    expect(alerts.rows).toHaveLength(1);
    expect(alerts.rows[0]!.ctx).toMatchObject({ event: 'alert_slo_violation', runId: report.runId, alert: { objectives: [{ objective: 'runs-succeed', bad: 1 }] } });
    p.remove();
  });
});
