/**
 * sql hooks on a pooled connection reuse it between firings (no new backend per firing), and a
 * reused connection carries nothing from the previous hook: DISCARD ALL resets it, and one left
 * inside a transaction is destroyed instead. Recording of per-migration phases is queued off the
 * migration's path and lands before the run ends.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBreakers, readExecutions } from '../../../src-main/hooks';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { ctxFor, runnerFor } from './harness';

let db: TestDatabase;
let project: TempProject;
/** one connection at most: a reused connection is the same backend */
let single: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_reuse');
  project = makeProject();
  single = new pg.Pool({ connectionString: db.url, max: 1 });
  single.on('error', () => undefined);
});
afterAll(async () => {
  await single.end();
  project.remove();
  await db.drop();
});

const sessionState = `SELECT pg_backend_pid() AS pid, current_setting('search_path') AS search_path,
  current_setting('statement_timeout') AS statement_timeout, to_regclass('pg_temp.scratch') IS NULL AS no_temp,
  (SELECT count(*) FROM pg_prepared_statements WHERE name NOT LIKE 'confiture\\_hook\\_%') AS prepared, (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS advisory`;

/** the row of the last result in a hook's output excerpt ("SELECT 1\n{...}") */
function lastRow(output: string | null): Record<string, unknown> {
  const line = (output ?? '').split('\n').findLast((l) => l.startsWith('{'));
  return JSON.parse(line ?? '{}') as Record<string, unknown>;
}

describe('sql hooks on the pool', () => {
  it('reuse the connection, reset: settings, temp tables, prepared statements, advisory locks and the hook context are gone', async () => {
    const runner = runnerFor(
      {
        hooks: [
          {
            id: 'dirty',
            on: ['before_run'],
            kind: 'sql',
            sql: "SET search_path = nowhere; SET statement_timeout = 1234; CREATE TEMP TABLE scratch (x int); PREPARE p AS SELECT 1; SELECT pg_advisory_lock(42); SELECT pg_backend_pid() AS pid, true AS ok",
          },
          { id: 'look', on: ['after_run'], kind: 'sql', sql: `${sessionState}, current_setting('confiture.hook_context', true)::jsonb->>'event' AS event` },
        ],
      },
      { projectDir: project.dir, pool: single, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    const before = await runner.fire('before_run', ctxFor('before_run', runId));
    expect(before.executions.map((e) => e.outcome)).toEqual(['success']);
    const after = await runner.fire('after_run', ctxFor('after_run', runId));
    expect(after.executions.map((e) => e.outcome)).toEqual(['success']);
    const row = lastRow(after.executions[0]!.outputExcerpt);
    // same backend: the connection was handed back, not destroyed
    expect(row.pid).toBe(lastRow(before.executions[0]!.outputExcerpt).pid);
    expect(row).toMatchObject({ search_path: '"$user", public', statement_timeout: '0', no_temp: true, prepared: '0', advisory: '0', event: 'after_run' });
  });

  it("reset a one-data-statement hook's session in its own message: what its functions changed is gone, its own result decides", async () => {
    const runner = runnerFor(
      {
        hooks: [
          {
            id: 'dirty-select',
            on: ['before_run'],
            kind: 'sql',
            // one SELECT (sent with its context and the reset): session changes made through functions
            sql: "SELECT set_config('search_path', 'nowhere', false), set_config('statement_timeout', '1234', false), pg_advisory_lock(42), pg_backend_pid() AS pid, true AS ok -- a trailing comment",
          },
          { id: 'gate', on: ['before_run'], kind: 'sql', sql: "SELECT false AS ok, 'closed by its own row' AS reason", dependsOn: ['dirty-select'], policy: 'warn' },
          { id: 'look', on: ['after_run'], kind: 'sql', sql: `${sessionState}, current_setting('confiture.hook_context', true)::jsonb->>'event' AS event` },
        ],
      },
      { projectDir: project.dir, pool: single, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    const before = await runner.fire('before_run', ctxFor('before_run', runId));
    // the result read is the hook's (the reset's statements come after it, pg_advisory_unlock_all() returns a row too)
    expect(before.executions.map((e) => [e.hookId, e.outcome, e.error])).toEqual([
      ['dirty-select', 'success', null],
      ['gate', 'failure', 'closed by its own row'],
    ]);
    const after = await runner.fire('after_run', ctxFor('after_run', runId));
    const row = lastRow(after.executions[0]!.outputExcerpt);
    expect(row.pid).toBe(lastRow(before.executions[0]!.outputExcerpt).pid);
    expect(row).toMatchObject({ search_path: '"$user", public', statement_timeout: '0', advisory: '0', event: 'after_run' });
  });

  it('destroy a connection left inside a transaction', async () => {
    const runner = runnerFor(
      {
        hooks: [
          { id: 'open-tx', on: ['before_run'], kind: 'sql', sql: 'BEGIN; SELECT pg_backend_pid() AS pid, true AS ok' },
          { id: 'look', on: ['after_run'], kind: 'sql', sql: "SELECT pg_backend_pid() AS pid, now() = statement_timestamp() AS own_tx, current_setting('confiture.hook_context', true) IS NOT NULL AS ctx" },
        ],
      },
      { projectDir: project.dir, pool: single, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    const first = await runner.fire('before_run', ctxFor('before_run', runId));
    const pidInTx = lastRow(first.executions[0]!.outputExcerpt).pid;
    const second = await runner.fire('after_run', ctxFor('after_run', runId));
    const row = lastRow(second.executions[0]!.outputExcerpt);
    expect(row.pid).not.toBe(pidInTx);
    expect(row.own_tx).toBe(true);
    const alive = await db.pool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pidInTx]);
    expect(alive.rows[0].n).toBe(0);
  });

  it('send a one-data-statement hook in the same message as its context, anything else in a message of its own', async () => {
    await db.pool.query('CREATE TABLE IF NOT EXISTS vac_me (x int)');
    const own = "SELECT query, current_setting('confiture.hook_context')::jsonb #>> '{project,name}' AS project FROM pg_stat_activity WHERE pid = pg_backend_pid()";
    const runner = runnerFor(
      {
        hooks: [
          { id: 'one', on: ['before_run'], kind: 'sql', sql: own },
          // not allowed in a transaction block: two statements in one message would make one
          { id: 'vacuum', on: ['before_run'], kind: 'sql', sql: 'VACUUM vac_me', dependsOn: ['one'] },
          { id: 'several', on: ['before_run'], kind: 'sql', sql: `SELECT 1;\n${own}`, dependsOn: ['vacuum'] },
        ],
      },
      { projectDir: project.dir, pool: single, schema: 'confiture' },
    );
    // the context travels as a quoted literal: quotes and backslashes must survive
    const name = "it's a \\ 'shop'";
    const r = await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID(), { project: { dir: '/tmp/shop', name } }));
    expect(r.executions.map((e) => [e.hookId, e.outcome, e.error])).toEqual([
      ['one', 'success', null],
      ['vacuum', 'success', null],
      ['several', 'success', null],
    ]);
    const one = lastRow(r.executions[0]!.outputExcerpt);
    expect(one.project).toBe(name);
    expect(String(one.query)).toMatch(/^SELECT set_config\('confiture\.hook_context', /);
    // the hook's statement prepared, executed, then the session reset keeping it (DISCARD ALL's documented
    // equivalent less DEALLOCATE ALL and DISCARD PLANS), in the same message
    expect(String(one.query)).toMatch(/;\nPREPARE (confiture_hook_[0-9a-f]{20}) AS SELECT query[^]*\n;\nEXECUTE \1;\nCLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN \*;/);
    const several = lastRow(r.executions[2]!.outputExcerpt);
    expect(several).toEqual({ query: `SELECT 1;\n${own}`, project: name });
  });

  it('prepare a one-data-statement hook once per connection, and execute it at every firing after', async () => {
    const own = "SELECT query, pg_backend_pid() AS pid, current_setting('confiture.hook_context')::jsonb->>'event' AS event FROM pg_stat_activity WHERE pid = pg_backend_pid()";
    const runner = runnerFor({ hooks: [{ id: 'each', on: ['before_migration'], kind: 'sql', sql: own }] }, { projectDir: project.dir, pool: single, schema: 'confiture' });
    const runId = crypto.randomUUID();
    // a fresh connection: the first firing prepares
    await single.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runner.fire('before_migration', ctxFor('before_migration', runId));
      expect(r.executions.map((e) => [e.outcome, e.error])).toEqual([['success', null]]);
      rows.push(lastRow(r.executions[0]!.outputExcerpt));
    }
    expect(new Set(rows.map((r) => r.pid)).size).toBe(1);
    expect(rows.map((r) => r.event)).toEqual(['before_migration', 'before_migration', 'before_migration']);
    expect(String(rows[0]!.query)).toMatch(/\nPREPARE confiture_hook_[0-9a-f]{20} AS /);
    for (const r of rows.slice(1)) {
      expect(String(r.query)).not.toContain('PREPARE');
      expect(String(r.query)).toMatch(/^SELECT set_config\('confiture\.hook_context', '[^]*', false\);\nEXECUTE confiture_hook_[0-9a-f]{20};\nCLOSE ALL;/);
    }
    // planned once: the server's own count of the prepared statement's plans
    const plans = await single.query<{ generic: number; custom: number }>("SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'confiture\\_hook\\_%'");
    expect(plans.rows).toEqual([{ generic: 3, custom: 0 }]);
  });

  it('re-run a prepared hook unprepared when a migration changed the columns it selects', async () => {
    await db.pool.query('DROP TABLE IF EXISTS gate_src; CREATE TABLE gate_src (ok boolean); INSERT INTO gate_src VALUES (true)');
    const runner = runnerFor({ hooks: [{ id: 'star', on: ['before_migration'], kind: 'sql', sql: 'SELECT *, pg_backend_pid() AS pid FROM gate_src' }] }, { projectDir: project.dir, pool: single, schema: 'confiture' });
    const runId = crypto.randomUUID();
    const first = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(first.executions.map((e) => e.outcome)).toEqual(['success']);
    // what a migration might do between two firings: the prepared SELECT * now returns another row type
    await db.pool.query("ALTER TABLE gate_src ADD COLUMN reason text; UPDATE gate_src SET ok = false, reason = 'closed after the change'");
    const second = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(second.executions.map((e) => [e.outcome, e.error])).toEqual([['failure', 'closed after the change']]);
    await db.pool.query('UPDATE gate_src SET ok = true');
    const third = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(third.executions.map((e) => e.outcome)).toEqual(['success']);
    // still the same connection throughout
    expect(new Set([first, second, third].map((r) => lastRow(r.executions[0]!.outputExcerpt).pid)).size).toBe(1);
  });

  it('run a prepared hook unprepared when its statement is not where the engine thinks (deallocated, or already there): a pooler in between', async () => {
    const sql = 'SELECT pg_backend_pid() AS pid, true AS ok';
    const name = `confiture_hook_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 20)}`;
    const runner = runnerFor({ hooks: [{ id: 'moved', on: ['before_migration'], kind: 'sql', sql }] }, { projectDir: project.dir, pool: single, schema: 'confiture' });
    const runId = crypto.randomUUID();
    // a fresh backend where the statement already exists under the hook's name: PREPARE fails (42P05)
    await single.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
    await single.query(`PREPARE ${name} AS ${sql}`);
    const first = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(first.executions.map((e) => [e.outcome, e.error])).toEqual([['success', null]]);
    // the unprepared run's reset deallocated everything; the next firing prepares again
    const second = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(second.executions.map((e) => e.outcome)).toEqual(['success']);
    // deallocated behind the engine's back: EXECUTE fails (26000), the hook still answers
    await single.query('DEALLOCATE ALL');
    const third = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(third.executions.map((e) => [e.outcome, e.error])).toEqual([['success', null]]);
    // one backend throughout: none of this destroyed the connection
    expect(new Set([first, second, third].map((r) => lastRow(r.executions[0]!.outputExcerpt).pid)).size).toBe(1);
  });

  it("reset through DISCARD ALL when a prepared hook's function prepared a statement of its own", async () => {
    await db.pool.query("CREATE OR REPLACE FUNCTION sneak() RETURNS boolean LANGUAGE plpgsql AS $$BEGIN EXECUTE 'PREPARE sneaky AS SELECT 1'; RETURN true; END$$");
    const runner = runnerFor(
      {
        hooks: [
          { id: 'sneaky', on: ['before_run'], kind: 'sql', sql: 'SELECT sneak() AS ok, pg_backend_pid() AS pid' },
          { id: 'look', on: ['after_run'], kind: 'sql', sql: sessionState },
        ],
      },
      { projectDir: project.dir, pool: single, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    const before = await runner.fire('before_run', ctxFor('before_run', runId));
    expect(before.executions.map((e) => e.outcome)).toEqual(['success']);
    const after = await runner.fire('after_run', ctxFor('after_run', runId));
    const row = lastRow(after.executions[0]!.outputExcerpt);
    expect(row.pid).toBe(lastRow(before.executions[0]!.outputExcerpt).pid);
    expect(row).toMatchObject({ prepared: '0' });
    // and its own prepared statement went with DISCARD ALL: the next firing prepares again
    const again = await runner.fire('before_run', ctxFor('before_run', runId));
    expect(again.executions.map((e) => e.outcome)).toEqual(['success']);
  });

  it('per-migration phases record every execution before the run-level phase after them fires', async () => {
    const runner = runnerFor(
      { hooks: [{ id: 'each', on: ['before_migration', 'after_migration'], kind: 'sql', sql: 'SELECT true AS ok' }] },
      { projectDir: project.dir, pool: db.pool, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    for (let i = 0; i < 20; i++) {
      expect(await runner.listener(ctxFor('before_migration', runId))).toBeUndefined();
      expect(await runner.listener(ctxFor('after_migration', runId))).toBeUndefined();
    }
    await runner.listener(ctxFor('after_run', runId));
    const recorded = await readExecutions(db.pool, 'confiture', runId);
    expect(recorded).toHaveLength(40);
    expect(recorded.every((e) => e.outcome === 'success')).toBe(true);
    expect(recorded.filter((e) => e.phase === 'before_migration')).toHaveLength(20);
    // in firing order: before, after, before, after …
    expect(recorded.map((e) => e.phase)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'before_migration' : 'after_migration')));
  });

  it('deferred recording keeps each attempt and the breaker state of the last firing', async () => {
    const runner = runnerFor(
      {
        hooks: [
          { id: 'deferred-ok', on: ['before_migration'], kind: 'sql', sql: 'SELECT true AS ok' },
          { id: 'deferred-bad', on: ['after_migration'], kind: 'sql', sql: "SELECT false AS ok, 'nope' AS reason", policy: 'warn', breaker: { failureThreshold: 50, coolDownMs: 60000 } },
        ],
      },
      { projectDir: project.dir, pool: db.pool, schema: 'confiture' },
    );
    const runId = crypto.randomUUID();
    for (let i = 0; i < 5; i++) {
      await runner.listener(ctxFor('before_migration', runId));
      await runner.listener(ctxFor('after_migration', runId));
    }
    await runner.listener(ctxFor('after_run', runId));
    const recorded = await readExecutions(db.pool, 'confiture', runId);
    expect(recorded.map((e) => `${e.hookId}:${e.outcome}`)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'deferred-ok:success' : 'deferred-bad:failure')));
    expect(recorded.filter((e) => e.hookId === 'deferred-bad').every((e) => e.error === 'nope' && e.final)).toBe(true);
    const breakers = await readBreakers(db.pool, 'confiture');
    expect(breakers.find((b) => b.hookId === 'deferred-ok')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(breakers.find((b) => b.hookId === 'deferred-ok')!.lastSuccessAt).not.toBeNull();
    expect(breakers.find((b) => b.hookId === 'deferred-bad')).toMatchObject({ state: 'closed', consecutiveFailures: 5 });
  });

  it('per-migration recording is sent in one statement when the run-level phase comes before its delay is up', async () => {
    const runner = runnerFor(
      { hooks: [{ id: 'held', on: ['before_migration', 'after_run'], kind: 'sql', sql: 'SELECT true AS ok' }] },
      // a delay no test reaches: only after_run sends the queue
      { projectDir: project.dir, pool: db.pool, schema: 'confiture', recordingDelayMs: 600_000 },
    );
    const runId = crypto.randomUUID();
    for (let i = 0; i < 5; i++) expect(await runner.listener(ctxFor('before_migration', runId))).toBeUndefined();
    // queued, not sent: neither the delay nor the batch size was reached
    expect(await readExecutions(db.pool, 'confiture', runId)).toEqual([]);
    await runner.listener(ctxFor('after_run', runId));
    const recorded = await readExecutions(db.pool, 'confiture', runId);
    expect(recorded.map((e) => e.phase)).toEqual([...Array<string>(5).fill('before_migration'), 'after_run']);
    // the five queued rows were one statement: one transaction
    const tx = await db.pool.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM confiture.hook_executions WHERE run_id = $1 AND phase = 'before_migration'`, [runId]);
    expect(tx.rows[0]!.n).toBe(1);
  });

  it('per-migration recording is sent at once when a batch is full, and what follows waits for the next one', async () => {
    const runner = runnerFor(
      { hooks: [{ id: 'batched', on: ['before_migration'], kind: 'sql', sql: 'SELECT true AS ok' }] },
      // 4 rows: the breaker and three executions
      { projectDir: project.dir, pool: db.pool, schema: 'confiture', recordingDelayMs: 600_000, recordingBatch: 4 },
    );
    const runId = crypto.randomUUID();
    for (let i = 0; i < 3; i++) await runner.listener(ctxFor('before_migration', runId));
    // sent in the background: wait for it (a condition, not a duration)
    let rows: Awaited<ReturnType<typeof readExecutions>> = [];
    for (let i = 0; i < 200 && rows.length < 3; i++) {
      rows = await readExecutions(db.pool, 'confiture', runId);
      if (rows.length < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows).toHaveLength(3);
    expect((await readBreakers(db.pool, 'confiture')).find((b) => b.hookId === 'batched')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    await runner.listener(ctxFor('before_migration', runId));
    expect(await readExecutions(db.pool, 'confiture', runId)).toHaveLength(3);
    await runner.listener(ctxFor('after_run', runId));
    expect(await readExecutions(db.pool, 'confiture', runId)).toHaveLength(4);
  });
});
