/**
 * The events each SLI counts, read from the tracking tables with parameterised SQL. Every SLI
 * is one SELECT producing rows (at, good, run_id, ...); the report aggregates it over a window,
 * the per-run check filters it on one run. Parameters: $1 run kinds (text[]), $2 threshold (ms):
 * a rate SLI decides `ok` itself, a duration SLI leaves it null and `duration_ms < $2` decides.
 *
 * What is an event, and when is it good (docs/guides/slo.md says the same for DBAs):
 * - run_success_rate: a finished recorded run (`runs`), good when its outcome is `success`;
 *   `failed` is bad, and so is an abandoned run (still `running` while its lock session is gone:
 *   the process died). `cancelled` and `policy_failure` are decisions, not failures: not counted.
 * - migration_duration_ms: a migration applied or reverted (`migration_history`), good when it
 *   took less than the threshold. A failed migration leaves no row here: run_success_rate counts it.
 * - statement_duration_ms: a finished statement (`statement_runs`), good under the threshold; a
 *   failed statement is judged on its elapsed time (a statement_timeout kill is slow, hence bad).
 * - lock_retry_rate: a finished statement, good when it ran on its first attempt.
 * - hook_failure_rate: the deciding attempt of a hook (`hook_executions.final`) in a recorded
 *   run, good when it succeeded; `skipped` hooks did not run and are not counted.
 * - blocked_wait_ms: a migration applied or reverted (`migration_history`), judged on the longest
 *   wait it made another session suffer as the lock monitor saw it (`runs.blocked_others`, 0 when
 *   nobody waited), good under the threshold. A tracking schema older than version 5 has no such
 *   column (eventSource says so), and every migration there counts as having blocked no one.
 */
import type pg from 'pg';
import type { SliName, SloEvent } from '../../src-shared/domain/slo';
import { blockedOthersText } from '../../src-shared/format';
import { quoteIdent } from '../db';
import { parseBlockedOthers, trackingTables } from '../store';

type Queryable = Pick<pg.Pool, 'query'>;

/** Columns every event query returns. */
const COLUMNS = 'at, good, run_id, run_kind, version, direction, statement_index, line, statement_kind, duration_ms, attempts, detail, blocked';

/** What the tracking schema holds for an SLI: its source table exists; runs record measured blocking (tracking step 5). */
export interface EventSource {
  blocked: boolean;
}

function eventsSql(sli: SliName, s: string, src: EventSource): string {
  switch (sli) {
    case 'run_success_rate':
      return `SELECT coalesce(r.finished_at, r.started_at) AS at, r.outcome = 'success' AS ok, r.id::text AS run_id, r.kind AS run_kind,
                     r.error->'details'->>'version' AS version, NULL::text AS direction, (r.error->'details'->>'statement')::int AS statement_index,
                     (r.error->'where'->>'line')::int AS line, NULL::text AS statement_kind,
                     extract(epoch FROM r.finished_at - r.started_at) * 1000 AS duration_ms, NULL::int AS attempts,
                     CASE WHEN r.outcome = 'running' THEN 'abandoned: the run never finished and its session is gone (the process died)'
                          ELSE r.error->>'message' END AS detail, NULL::jsonb AS blocked
              FROM ${s}.runs r
              WHERE r.kind = ANY($1::text[])
                AND (r.outcome IN ('success', 'failed')
                     OR (r.outcome = 'running' AND r.lock_pid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.lock_pid)))`;
    case 'migration_duration_ms':
      return `SELECT h.at, NULL::boolean AS ok, h.run_id::text AS run_id, r.kind AS run_kind, h.version, h.direction,
                     NULL::int AS statement_index, NULL::int AS line, NULL::text AS statement_kind, h.duration_ms, NULL::int AS attempts,
                     h.version || '_' || h.name AS detail, NULL::jsonb AS blocked
              FROM ${s}.migration_history h JOIN ${s}.runs r ON r.id = h.run_id
              WHERE r.kind = ANY($1::text[]) AND h.duration_ms IS NOT NULL`;
    case 'statement_duration_ms':
    case 'lock_retry_rate':
      return `SELECT coalesce(st.finished_at, st.started_at) AS at,
                     ${sli === 'statement_duration_ms' ? 'NULL::boolean' : 'st.attempts <= 1'} AS ok,
                     st.run_id::text AS run_id, r.kind AS run_kind, st.version, st.direction, st.statement_index, st.line, st.kind AS statement_kind,
                     d.ms AS duration_ms, st.attempts, CASE WHEN st.outcome = 'success' THEN NULL ELSE st.outcome || coalesce(': ' || st.error, '') END AS detail,
                     NULL::jsonb AS blocked
              FROM ${s}.statement_runs st JOIN ${s}.runs r ON r.id = st.run_id
              CROSS JOIN LATERAL (SELECT coalesce(st.duration_ms, extract(epoch FROM st.finished_at - st.started_at) * 1000) AS ms) d
              WHERE r.kind = ANY($1::text[]) AND st.finished_at IS NOT NULL AND st.outcome IN ('success', 'failure', 'cancelled')`;
    case 'blocked_wait_ms':
      return `SELECT h.at, NULL::boolean AS ok, h.run_id::text AS run_id, r.kind AS run_kind, h.version, h.direction,
                     NULL::int AS statement_index, NULL::int AS line, NULL::text AS statement_kind,
                     coalesce((b.doc ->> 'longestWaitMs')::float8, 0) AS duration_ms, NULL::int AS attempts,
                     -- whom it blocked: the document, worded by eventDetail as the run summary words it
                     h.version || '_' || h.name AS detail, b.doc AS blocked
              FROM ${s}.migration_history h JOIN ${s}.runs r ON r.id = h.run_id
              CROSS JOIN LATERAL (SELECT ${src.blocked ? 'r.blocked_others -> h.version' : 'NULL::jsonb'} AS doc) b
              WHERE r.kind = ANY($1::text[])`;
    case 'hook_failure_rate':
      return `SELECT e.finished_at AS at, e.outcome = 'success' AS ok, e.run_id, r.kind AS run_kind, NULL::text AS version, NULL::text AS direction,
                     NULL::int AS statement_index, NULL::int AS line, NULL::text AS statement_kind, e.duration_ms, e.attempt AS attempts,
                     e.hook_id || ' on ' || e.phase || ': ' || e.outcome || coalesce(' — ' || e.error, '') AS detail, NULL::jsonb AS blocked
              FROM ${s}.hook_executions e JOIN ${s}.runs r ON r.id::text = e.run_id
              WHERE e.final AND e.outcome <> 'skipped' AND r.kind = ANY($1::text[])`;
  }
}

/** The CTE `ev` of an SLI's events with their verdict `good`. */
export function ev(sli: SliName, s: string, src: EventSource): string {
  return `ev AS (SELECT e.*, coalesce(e.ok, e.duration_ms < $2::float8) AS good FROM (${eventsSql(sli, s, src)}) e)`;
}

/** The table an SLI reads: when it does not exist yet, there is simply no data. */
const SOURCE: Record<SliName, string> = {
  run_success_rate: 'runs',
  migration_duration_ms: 'migration_history',
  statement_duration_ms: 'statement_runs',
  lock_retry_rate: 'statement_runs',
  hook_failure_rate: 'hook_executions',
  blocked_wait_ms: 'migration_history',
};

/** The SLI's source table, if the tracking schema has it yet (none: simply no data), and whether its runs record measured blocking. */
export async function eventSource(db: Queryable, schema: string, sli: SliName): Promise<EventSource | null> {
  const t = await trackingTables(db, schema, SOURCE[sli]);
  return t.exists ? { blocked: t.blockedOthers } : null;
}

interface EventRow {
  at: Date;
  good: boolean;
  run_id: string;
  run_kind: string;
  version: string | null;
  direction: string | null;
  statement_index: number | null;
  line: number | null;
  statement_kind: string | null;
  duration_ms: number | null;
  attempts: number | null;
  detail: string | null;
  blocked: unknown;
}

/**
 * An event's detail as the SLO screens show it: for blocked_wait_ms, whom the migration blocked in
 * the run summary's words (`blockedOthersText`): "0002_add_orders_note: blocked 1 session
 * (checkout-service): the longest waited at least 1.7 s (lock monitor, every 1.0 s)".
 */
export function eventDetail(r: { detail: string | null; blocked: unknown }): string | null {
  const b = parseBlockedOthers(r.blocked);
  return b ? `${r.detail ?? ''}: ${blockedOthersText(b)}` : r.detail;
}

function toEvent(r: EventRow): SloEvent {
  return {
    runId: r.run_id,
    at: r.at.toISOString(),
    runKind: r.run_kind,
    version: r.version,
    direction: r.direction,
    statementIndex: r.statement_index,
    line: r.line,
    statementKind: r.statement_kind,
    durationMs: r.duration_ms === null ? null : Math.round(Number(r.duration_ms) * 1000) / 1000,
    attempts: r.attempts,
    detail: eventDetail(r),
  };
}

export interface EventQuery {
  schema: string;
  sli: SliName;
  kinds: readonly string[];
  thresholdMs: number | null;
}

export interface WindowCounts {
  total: number;
  good: number;
  shortTotal: number;
  shortGood: number;
  /** the newest bad events, at most `limit` */
  bad: SloEvent[];
}

/** Counts over the window and the short window (both ending now, on the server's clock). */
export async function windowCounts(db: Queryable, q: EventQuery & { windowMs: number; shortWindowMs: number; limit: number }): Promise<WindowCounts> {
  const src = await eventSource(db, q.schema, q.sli);
  if (!src) return { total: 0, good: 0, shortTotal: 0, shortGood: 0, bad: [] };
  const s = quoteIdent(q.schema);
  const params = [q.kinds, q.thresholdMs, q.windowMs, q.shortWindowMs];
  const since = (p: string) => `at > now() - ${p}::float8 * interval '1 millisecond'`;
  const counts = await db.query<{ total: number; good: number; short_total: number; short_good: number }>(
    `WITH ${ev(q.sli, s, src)}
     SELECT count(*)::int AS total, count(*) FILTER (WHERE good)::int AS good,
            count(*) FILTER (WHERE ${since('$4')})::int AS short_total, count(*) FILTER (WHERE good AND ${since('$4')})::int AS short_good
     FROM ev WHERE ${since('$3')}`,
    params,
  );
  const c = counts.rows[0]!;
  let bad: SloEvent[] = [];
  if (q.limit > 0 && c.total > c.good) {
    const r = await db.query<EventRow>(`WITH ${ev(q.sli, s, src)} SELECT ${COLUMNS} FROM ev WHERE ${since('$3')} AND NOT good ORDER BY at DESC LIMIT $4`, [q.kinds, q.thresholdMs, q.windowMs, q.limit]);
    bad = r.rows.map(toEvent);
  }
  return { total: c.total, good: c.good, shortTotal: c.short_total, shortGood: c.short_good, bad };
}

/** Every event of one run (no window), bad ones listed. */
export async function runCounts(db: Queryable, q: EventQuery & { runId: string }): Promise<{ total: number; bad: SloEvent[] }> {
  const src = await eventSource(db, q.schema, q.sli);
  if (!src) return { total: 0, bad: [] };
  const r = await db.query<EventRow>(`WITH ${ev(q.sli, quoteIdent(q.schema), src)} SELECT ${COLUMNS} FROM ev WHERE run_id = $3 ORDER BY at`, [q.kinds, q.thresholdMs, q.runId]);
  return { total: r.rowCount ?? r.rows.length, bad: r.rows.filter((x) => !x.good).map(toEvent) };
}
