/**
 * Hook tables in the tracking schema: every attempt (`hook_executions`) and each hook's
 * circuit breaker (`hook_breakers`), so breakers survive across CLI invocations and the
 * whole team sees the same history. Created on first use; writes go through the pool,
 * never the migration's transaction, so a rolled-back migration keeps its hook record.
 */
import type pg from 'pg';
import type { HookExecution, HookRunSummary } from '../../src-shared/domain/hooks';
import type { LifecycleEventName } from '../../src-shared/domain/lifecycle';
import { quoteIdent } from '../db';
import type { BreakerRecord } from './breaker';

type Queryable = Pick<pg.Pool, 'query'>;

export async function ensureHookTables(pool: pg.Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`confiture-hooks:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.hook_executions (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL,
        phase text NOT NULL,
        hook_id text NOT NULL,
        kind text NOT NULL,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        duration_ms double precision NOT NULL,
        outcome text NOT NULL,
        final boolean NOT NULL,
        output_excerpt text,
        error text
      );
      CREATE INDEX IF NOT EXISTS hook_executions_run_idx ON ${s}.hook_executions (run_id, started_at);
      CREATE TABLE IF NOT EXISTS ${s}.hook_breakers (
        hook_id text PRIMARY KEY,
        state text NOT NULL,
        consecutive_failures int NOT NULL,
        opened_at timestamptz,
        last_failure_at timestamptz,
        last_success_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function tablesExist(db: Queryable, schema: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${quoteIdent(schema)}.hook_executions`]);
  return r.rows[0]?.ok === true;
}

interface ExecutionRow {
  run_id: string;
  phase: string;
  hook_id: string;
  kind: string;
  attempt: number;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  outcome: string;
  final: boolean;
  output_excerpt: string | null;
  error: string | null;
}

function toExecution(r: ExecutionRow): HookExecution {
  return {
    runId: r.run_id,
    phase: r.phase as LifecycleEventName,
    hookId: r.hook_id,
    kind: r.kind as HookExecution['kind'],
    attempt: r.attempt,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
    durationMs: r.duration_ms,
    outcome: r.outcome as HookExecution['outcome'],
    final: r.final,
    outputExcerpt: r.output_excerpt,
    error: r.error,
  };
}

export async function readExecutions(db: Queryable, schema: string, runId: string): Promise<HookExecution[]> {
  if (!(await tablesExist(db, schema))) return [];
  const r = await db.query<ExecutionRow>(
    `SELECT run_id, phase, hook_id, kind, attempt, started_at, finished_at, duration_ms, outcome, final, output_excerpt, error
       FROM ${quoteIdent(schema)}.hook_executions WHERE run_id = $1 ORDER BY started_at, id`,
    [runId],
  );
  return r.rows.map(toExecution);
}

export async function recentRuns(db: Queryable, schema: string, limit = 50): Promise<HookRunSummary[]> {
  if (!(await tablesExist(db, schema))) return [];
  const r = await db.query<{ run_id: string; first_at: Date; last_at: Date; executions: number; failures: number }>(
    `SELECT run_id, min(started_at) AS first_at, max(finished_at) AS last_at, count(*)::int AS executions,
            count(*) FILTER (WHERE final AND outcome <> 'success')::int AS failures
       FROM ${quoteIdent(schema)}.hook_executions GROUP BY run_id ORDER BY max(finished_at) DESC LIMIT $1`,
    [limit],
  );
  return r.rows.map((x) => ({ runId: x.run_id, firstAt: x.first_at.toISOString(), lastAt: x.last_at.toISOString(), executions: x.executions, failures: x.failures }));
}

export async function readBreakers(db: Queryable, schema: string): Promise<BreakerRecord[]> {
  if (!(await tablesExist(db, schema))) return [];
  const r = await db.query<{
    hook_id: string;
    state: string;
    consecutive_failures: number;
    opened_at: Date | null;
    last_failure_at: Date | null;
    last_success_at: Date | null;
  }>(`SELECT hook_id, state, consecutive_failures, opened_at, last_failure_at, last_success_at FROM ${quoteIdent(schema)}.hook_breakers`);
  return r.rows.map((x) => ({
    hookId: x.hook_id,
    state: x.state as BreakerRecord['state'],
    consecutiveFailures: x.consecutive_failures,
    openedAt: x.opened_at?.getTime() ?? null,
    lastFailureAt: x.last_failure_at?.getTime() ?? null,
    lastSuccessAt: x.last_success_at?.getTime() ?? null,
  }));
}

/**
 * One round trip and one commit for what a firing records: the latest state of each breaker it
 * changed and its executions, in order (`ORDER BY` the ordinal keeps `id` in firing order). The
 * engine's per-migration phases queue their recording (see `writes` in runner.ts); a queue
 * drained this way costs one statement instead of one per row.
 */
export async function saveRecording(db: Queryable, schema: string, breakers: BreakerRecord[], executions: HookExecution[]): Promise<void> {
  if (breakers.length === 0 && executions.length === 0) return;
  const s = quoteIdent(schema);
  const d = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const b = breakers.map((x) => ({ hook_id: x.hookId, state: x.state, consecutive_failures: x.consecutiveFailures, opened_at: d(x.openedAt), last_failure_at: d(x.lastFailureAt), last_success_at: d(x.lastSuccessAt) }));
  const e = executions.map((x) => ({
    run_id: x.runId,
    phase: x.phase,
    hook_id: x.hookId,
    kind: x.kind,
    attempt: x.attempt,
    started_at: x.startedAt,
    finished_at: x.finishedAt,
    duration_ms: x.durationMs,
    outcome: x.outcome,
    final: x.final,
    output_excerpt: x.outputExcerpt,
    error: x.error,
  }));
  await db.query(
    `WITH b AS (
       INSERT INTO ${s}.hook_breakers (hook_id, state, consecutive_failures, opened_at, last_failure_at, last_success_at, updated_at)
       SELECT hook_id, state, consecutive_failures, opened_at, last_failure_at, last_success_at, clock_timestamp()
         FROM jsonb_to_recordset($1::jsonb) AS x(hook_id text, state text, consecutive_failures int, opened_at timestamptz, last_failure_at timestamptz, last_success_at timestamptz)
       ON CONFLICT (hook_id) DO UPDATE SET state = EXCLUDED.state, consecutive_failures = EXCLUDED.consecutive_failures,
         opened_at = EXCLUDED.opened_at, last_failure_at = EXCLUDED.last_failure_at, last_success_at = EXCLUDED.last_success_at,
         updated_at = EXCLUDED.updated_at
     )
     INSERT INTO ${s}.hook_executions
       (run_id, phase, hook_id, kind, attempt, started_at, finished_at, duration_ms, outcome, final, output_excerpt, error)
     SELECT run_id, phase, hook_id, kind, attempt, started_at, finished_at, duration_ms, outcome, final, output_excerpt, error
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (run_id text, phase text, hook_id text, kind text, attempt int, started_at timestamptz,
            finished_at timestamptz, duration_ms double precision, outcome text, final boolean, output_excerpt text, error text))
            WITH ORDINALITY AS x(run_id, phase, hook_id, kind, attempt, started_at, finished_at, duration_ms, outcome, final, output_excerpt, error, n)
      ORDER BY n`,
    [JSON.stringify(b), JSON.stringify(e)],
  );
}
