import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBreakers, readExecutions } from '../../../src-main/hooks';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { ctxFor, runnerFor } from './harness';

let db: TestDatabase;
let project: TempProject;

beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_sql');
  project = makeProject();
});
afterAll(async () => {
  project.remove();
  await db.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sql hooks', () => {
  it('closes the gate with the reason of a failing check, and the migration never runs', async () => {
    await db.pool.query('CREATE TABLE orders (id int)');
    const runner = runnerFor(
      {
        hooks: [
          {
            id: 'no-long-transactions',
            on: ['before_migration'],
            kind: 'sql',
            sql: "SELECT false AS ok, 'a transaction has been open for 12 min on orders' AS reason",
          },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    // what the engine does with a gate: run the migration only when every before-listener agrees
    const decision = await runner.listener(ctxFor('before_migration', crypto.randomUUID()));
    if (!decision || decision.proceed) await db.pool.query('ALTER TABLE orders ADD COLUMN note text');
    expect(decision).toEqual({ proceed: false, by: 'no-long-transactions', reason: 'hook no-long-transactions failed: a transaction has been open for 12 min on orders' });
    const cols = await db.pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY 1");
    expect(cols.rows.map((r) => r.column_name)).toEqual(['id']);
  });

  it('a SQL error is a failure with its SQLSTATE', async () => {
    const runner = runnerFor({ hooks: [{ id: 'broken', on: ['before_run'], kind: 'sql', sql: 'SELECT * FROM no_such_table' }] }, { projectDir: project.dir, pool: db.pool });
    const r = await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    expect(r.gate!.proceed).toBe(false);
    expect(r.gate!.reason).toContain('42P01');
  });

  it('reads the context with current_setting and writes on a pooled connection', async () => {
    await db.pool.query('CREATE TABLE audit (run_id text, version text)');
    const runner = runnerFor(
      {
        hooks: [
          {
            id: 'audit',
            on: ['after_migration'],
            kind: 'sql',
            sql: "INSERT INTO audit SELECT c->>'runId', c->'migration'->>'version' FROM (SELECT current_setting('confiture.hook_context')::jsonb AS c) x",
          },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    const runId = crypto.randomUUID();
    const r = await runner.fire('after_migration', ctxFor('after_migration', runId));
    expect(r.ok).toBe(true);
    expect((await db.pool.query('SELECT * FROM audit')).rows).toEqual([{ run_id: runId, version: '0002' }]);
  });

  it('inTransaction hooks run in the migration transaction: rolled back with it, and a warn failure does not abort it', async () => {
    await db.pool.query('CREATE TABLE tx_audit (note text)');
    const runner = runnerFor(
      {
        hooks: [
          { id: 'note', on: ['after_statement'], kind: 'sql', inTransaction: true, sql: "INSERT INTO tx_audit VALUES ('in tx')" },
          { id: 'oops', on: ['after_statement'], kind: 'sql', inTransaction: true, policy: 'warn', sql: 'SELECT 1/0' },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    const client = await db.client();
    try {
      await client.query('BEGIN');
      await client.query('CREATE TABLE made_in_tx (id int)');
      const r = await runner.fire('after_statement', { ...ctxFor('after_statement', crypto.randomUUID()), transactionClient: client });
      expect(r.executions.map((e) => [e.hookId, e.outcome])).toEqual([
        ['note', 'success'],
        ['oops', 'failure'],
      ]);
      // the transaction is still usable and sees the hook's row
      expect((await client.query('SELECT count(*)::int AS n FROM tx_audit')).rows[0].n).toBe(1);
      expect((await db.pool.query('SELECT count(*)::int AS n FROM tx_audit')).rows[0].n).toBe(0);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    expect((await db.pool.query('SELECT count(*)::int AS n FROM tx_audit')).rows[0].n).toBe(0);
    expect((await db.pool.query("SELECT to_regclass('made_in_tx') AS t")).rows[0].t).toBeNull();
  });

  it('cancels a query that outlives its timeout', async () => {
    const runner = runnerFor({ hooks: [{ id: 'slow-sql', on: ['after_run'], kind: 'sql', sql: 'SELECT pg_sleep(30)', timeoutMs: 300, policy: 'warn' }] }, { projectDir: project.dir, pool: db.pool });
    const t0 = Date.now();
    const r = await runner.fire('after_run', ctxFor('after_run', crypto.randomUUID()));
    // far below the 30 s sleep, with room for a loaded machine
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(r.executions[0]!.outcome).toBe('timeout');
    const busy = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'");
    expect(busy.rows[0].n).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures, skips the hook, probes once after the cool-down and closes on success', async () => {
    const flag = path.join(project.dir, 'healthy');
    const counter = path.join(project.dir, 'calls');
    fs.rmSync(flag, { force: true });
    fs.writeFileSync(counter, '');
    const section = {
      hooks: [
        { id: 'flaky', on: ['after_migration'], kind: 'command', policy: 'warn', breaker: { failureThreshold: 2, coolDownMs: 400 }, command: `echo x >> ${counter}; test -f ${flag}` },
      ],
    };
    const calls = () => fs.readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    const runner = runnerFor(section, { projectDir: project.dir, pool: db.pool });
    const fire = async () => (await runner.fire('after_migration', ctxFor('after_migration', crypto.randomUUID()))).executions[0]!;

    expect((await fire()).outcome).toBe('failure');
    expect((await runner.breakerStates())[0]).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    expect((await fire()).outcome).toBe('failure');
    expect((await runner.breakerStates())[0]).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    const blocked = await fire();
    expect(blocked.outcome).toBe('breaker_open');
    expect(calls()).toBe(2);

    // a second CLI invocation sees the same open breaker: it lives in the tracking schema
    const other = runnerFor(section, { projectDir: project.dir, pool: db.pool });
    expect((await other.fire('after_migration', ctxFor('after_migration', crypto.randomUUID()))).executions[0]!.outcome).toBe('breaker_open');
    expect((await readBreakers(db.pool, 'confiture')).find((b) => b.hookId === 'flaky')).toMatchObject({ state: 'open', consecutiveFailures: 2 });

    // half-open probe fails: open again for another cool-down
    await sleep(450);
    expect((await fire()).outcome).toBe('failure');
    expect(calls()).toBe(3);
    expect((await runner.breakerStates())[0]!.state).toBe('open');
    expect((await fire()).outcome).toBe('breaker_open');

    // half-open probe succeeds: closed, count reset
    await sleep(450);
    fs.writeFileSync(flag, '');
    expect((await fire()).outcome).toBe('success');
    expect((await runner.breakerStates())[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(calls()).toBe(4);
  });

  it('counts consecutive failures only: a success in between resets the count', async () => {
    const flag = path.join(project.dir, 'ok-flag');
    const runner = runnerFor(
      { hooks: [{ id: 'sometimes', on: ['after_run'], kind: 'command', policy: 'warn', breaker: { failureThreshold: 2, coolDownMs: 60_000 }, command: `test -f ${flag}` }] },
      { projectDir: project.dir, pool: db.pool },
    );
    const fire = async () => (await runner.fire('after_run', ctxFor('after_run', crypto.randomUUID()))).executions[0]!.outcome;
    fs.rmSync(flag, { force: true });
    expect(await fire()).toBe('failure');
    fs.writeFileSync(flag, '');
    expect(await fire()).toBe('success');
    fs.rmSync(flag, { force: true });
    expect(await fire()).toBe('failure');
    expect((await runner.breakerStates())[0]).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('an open breaker on a gating hook keeps the gate closed and says why', async () => {
    const runner = runnerFor(
      { hooks: [{ id: 'gate', on: ['before_run'], kind: 'command', breaker: { failureThreshold: 1, coolDownMs: 60_000 }, command: 'exit 1' }] },
      { projectDir: project.dir, pool: db.pool },
    );
    await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    const r = await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    expect(r.executions[0]!.outcome).toBe('breaker_open');
    expect(r.gate).toMatchObject({ proceed: false, by: 'gate' });
    expect(r.gate!.reason).toContain('circuit breaker open');
  });
});

describe('order', () => {
  it('runs lower priority numbers first, ties in file order, and dependencies before dependents', async () => {
    const log = path.join(project.dir, 'order.log');
    fs.writeFileSync(log, '');
    const h = (id: string, priority: number, dependsOn: string[] = []) => ({ id, on: ['before_lint'], kind: 'command', priority, dependsOn, command: `echo ${id} >> ${log}` });
    const runner = runnerFor({ hooks: [h('late', 10), h('early', -5), h('tie-a', 0), h('tie-b', 0), h('needs-late', -100, ['late'])] }, { projectDir: project.dir, pool: db.pool });
    const r = await runner.fire('before_lint', ctxFor('before_lint', crypto.randomUUID()));
    expect(r.gate).toEqual({ proceed: true });
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['early', 'tie-a', 'tie-b', 'late', 'needs-late']);
  });

  it('skips a hook whose dependency failed, and the failure stops a gating phase', async () => {
    const runner = runnerFor(
      {
        phases: { before_risk: { strategy: 'parallel', maxConcurrency: 4 } },
        hooks: [
          { id: 'backup', on: ['before_risk'], kind: 'command', policy: 'warn', command: 'exit 1' },
          { id: 'after-backup', on: ['before_risk'], kind: 'command', policy: 'warn', dependsOn: ['backup'], command: 'true' },
          { id: 'independent', on: ['before_risk'], kind: 'command', command: 'true' },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    const runId = crypto.randomUUID();
    const r = await runner.fire('before_risk', ctxFor('before_risk', runId));
    const byId = Object.fromEntries(r.executions.map((e) => [e.hookId, e]));
    expect(byId.backup!.outcome).toBe('failure');
    expect(byId['after-backup']).toMatchObject({ outcome: 'skipped', error: 'not run: dependency backup did not succeed' });
    expect(byId.independent!.outcome).toBe('success');
    expect(r.gate).toEqual({ proceed: true });
    expect(r.warnings).toHaveLength(2);
    expect((await readExecutions(db.pool, 'confiture', runId)).map((e) => e.hookId).sort()).toEqual(['after-backup', 'backup', 'independent']);
  });

  it('sequential phase stops at the first gating failure; later hooks are recorded as not run', async () => {
    const runner = runnerFor(
      {
        hooks: [
          { id: 'first', on: ['before_approval'], kind: 'command', command: 'exit 2' },
          { id: 'second', on: ['before_approval'], kind: 'command', command: 'true', priority: 5 },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    const r = await runner.fire('before_approval', ctxFor('before_approval', crypto.randomUUID()));
    expect(r.gate).toMatchObject({ proceed: false, by: 'first' });
    expect(r.executions.map((e) => [e.hookId, e.outcome])).toEqual([
      ['first', 'failure'],
      ['second', 'skipped'],
    ]);
  });
});

describe('module hooks', () => {
  it('loads a TypeScript module from the project and passes it the context', async () => {
    fs.mkdirSync(path.join(project.dir, 'hooks'), { recursive: true });
    fs.writeFileSync(
      path.join(project.dir, 'hooks', 'check.ts'),
      `interface Ctx { migration?: { version: string } }
       export default async function check(ctx: Ctx): Promise<{ ok: boolean; reason?: string; seen?: string }> {
         return ctx.migration?.version === '0002' ? { ok: true, seen: ctx.migration.version } : { ok: false, reason: 'wrong migration' };
       }`,
    );
    fs.writeFileSync(path.join(project.dir, 'hooks', 'deny.mjs'), `export async function deny() { return { ok: false, reason: 'approval missing for 0002' }; }`);
    const runner = runnerFor(
      {
        hooks: [
          { id: 'check', on: ['before_migration'], kind: 'module', module: 'hooks/check.ts' },
          { id: 'deny', on: ['before_migration'], kind: 'module', module: 'hooks/deny.mjs', export: 'deny', priority: 1 },
        ],
      },
      { projectDir: project.dir, pool: db.pool },
    );
    const r = await runner.fire('before_migration', ctxFor('before_migration', crypto.randomUUID()));
    expect(r.executions[0]).toMatchObject({ hookId: 'check', outcome: 'success' });
    expect(r.executions[0]!.outputExcerpt).toContain('"seen": "0002"');
    expect(r.gate).toEqual({ proceed: false, by: 'deny', reason: 'hook deny failed: approval missing for 0002' });
  });

  it('refuses a module outside the project folder', async () => {
    const runner = runnerFor({ hooks: [{ id: 'evil', on: ['after_run'], kind: 'module', module: '../../etc/x.js', policy: 'warn' }] }, { projectDir: project.dir, pool: db.pool });
    const r = await runner.fire('after_run', ctxFor('after_run', crypto.randomUUID()));
    expect(r.executions[0]!.error).toContain('outside the project folder');
  });
});
