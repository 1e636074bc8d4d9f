/**
 * Tracking tables in the target database (schema `confiture` by default).
 * Created and upgraded by the engine itself through numbered steps; never edited by hand.
 */
import { escapeLiteral } from 'pg';
import type pg from 'pg';
import { quoteIdent } from '../db';

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: string;
  appliedBy: string;
  durationMs: number | null;
  runId: string | null;
  approvalId: string | null;
}

type Queryable = Pick<pg.ClientBase, 'query'> | pg.Pool;

/** Each step upgrades the tracking schema by one version; append, never edit. */
export const TRACKING_STEPS: ((s: string) => string)[] = [
  (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.runs (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at timestamptz,
      outcome text NOT NULL DEFAULT 'running',
      started_by text NOT NULL,
      host text NOT NULL,
      app_version text NOT NULL,
      project text NOT NULL,
      target_version text,
      options jsonb NOT NULL DEFAULT '{}',
      error jsonb
    );
    CREATE TABLE IF NOT EXISTS ${s}.applied_migrations (
      version text PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      applied_by text NOT NULL,
      duration_ms double precision,
      run_id uuid,
      approval_id text,
      drift_accepted jsonb
    );
    CREATE TABLE IF NOT EXISTS ${s}.statement_runs (
      run_id uuid NOT NULL,
      version text NOT NULL,
      statement_index int NOT NULL,
      direction text NOT NULL DEFAULT 'up',
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      duration_ms double precision,
      rows bigint,
      outcome text NOT NULL,
      error text,
      PRIMARY KEY (run_id, version, direction, statement_index)
    );
    CREATE TABLE IF NOT EXISTS ${s}.migration_history (
      id bigserial PRIMARY KEY,
      run_id uuid,
      version text NOT NULL,
      name text NOT NULL,
      direction text NOT NULL,
      checksum text NOT NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      by text NOT NULL,
      duration_ms double precision
    );`,
  // 2: what the engine needs to resume a non-transactional migration and name the lock holder
  (s) => `
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS checksum text;
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS line int;
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS kind text;
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS attempts int NOT NULL DEFAULT 1;
    ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS lock_pid int;
    CREATE INDEX IF NOT EXISTS statement_runs_version ON ${s}.statement_runs (version, started_at);
    CREATE INDEX IF NOT EXISTS migration_history_run ON ${s}.migration_history (run_id);`,
];

export const TRACKING_VERSION = TRACKING_STEPS.length;

export async function trackingSchemaExists(db: Queryable, schema: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(
    "SELECT to_regclass($1) IS NOT NULL AS ok",
    [`${quoteIdent(schema)}.applied_migrations`],
  );
  return r.rows[0]?.ok === true;
}

/**
 * Creates or upgrades the tracking schema. Serialised with a transaction-level advisory lock so
 * two engines starting at once do not race; runs in its own transaction.
 */
export async function ensureTrackingSchema(client: pg.ClientBase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`confiture-tracking:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_version (version int NOT NULL, upgraded_at timestamptz NOT NULL DEFAULT now())`);
    const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.schema_version`);
    const current = r.rows[0]?.v ?? 0;
    for (let i = current; i < TRACKING_STEPS.length; i++) {
      await client.query(TRACKING_STEPS[i]!(s));
      await client.query(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [i + 1]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export async function readApplied(db: Queryable, schema: string): Promise<AppliedMigration[]> {
  if (!(await trackingSchemaExists(db, schema))) return [];
  const s = quoteIdent(schema);
  const r = await db.query<{
    version: string;
    name: string;
    checksum: string;
    applied_at: Date;
    applied_by: string;
    duration_ms: number | null;
    run_id: string | null;
    approval_id: string | null;
  }>(`SELECT version, name, checksum, applied_at, applied_by, duration_ms, run_id, approval_id FROM ${s}.applied_migrations`);
  return r.rows.map((row) => ({
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at.toISOString(),
    appliedBy: row.applied_by,
    durationMs: row.duration_ms,
    runId: row.run_id,
    approvalId: row.approval_id,
  }));
}

// ---- writes made by the engine (always inside the caller's transaction when there is one) ----

export interface RunRow {
  id: string;
  kind: string;
  startedBy: string;
  host: string;
  appVersion: string;
  project: string;
  targetVersion: string | null;
  options: Record<string, unknown>;
  lockPid: number | null;
}

export async function insertRun(db: Queryable, schema: string, run: RunRow): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(
    `INSERT INTO ${s}.runs (id, kind, started_by, host, app_version, project, target_version, options, lock_pid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [run.id, run.kind, run.startedBy, run.host, run.appVersion, run.project, run.targetVersion, JSON.stringify(run.options), run.lockPid],
  );
}

export async function finishRun(db: Queryable, schema: string, runId: string, outcome: string, error: unknown): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`UPDATE ${s}.runs SET finished_at = clock_timestamp(), outcome = $2, error = $3 WHERE id = $1`, [runId, outcome, error === null || error === undefined ? null : JSON.stringify(error)]);
}

export interface StatementRunRow {
  index: number;
  kind: string;
  line: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rows: number | null;
  outcome: string;
  error: string | null;
  attempts: number;
}

export interface MigrationRecord {
  runId: string;
  version: string;
  name: string;
  checksum: string;
  direction: 'up' | 'down';
  by: string;
  durationMs: number;
  approvalId: string | null;
  statements: StatementRunRow[];
}

/**
 * The tracking writes of a finished migration as ONE statement: its statement rows (one multi-row
 * insert), its history row and the applied row (inserted for `up`, deleted for `down`), all read
 * from a single JSON document `doc` (a `$1` parameter or a quoted literal).
 */
function trackingSql(s: string, direction: 'up' | 'down', doc: string): string {
  const applied =
    direction === 'up'
      ? `INSERT INTO ${s}.applied_migrations (version, name, checksum, applied_by, duration_ms, run_id, approval_id)
         SELECT version, name, checksum, by, duration_ms, run_id, approval_id FROM m
         ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, applied_at = clock_timestamp(), applied_by = EXCLUDED.applied_by, duration_ms = EXCLUDED.duration_ms, run_id = EXCLUDED.run_id, approval_id = EXCLUDED.approval_id`
      : `DELETE FROM ${s}.applied_migrations a USING m WHERE a.version = m.version`;
  return `WITH m AS (
       SELECT * FROM jsonb_to_record(${doc}::jsonb) AS x(run_id uuid, version text, name text, checksum text, direction text, by text, duration_ms double precision, approval_id text, statements jsonb)
     ), st AS (
       INSERT INTO ${s}.statement_runs (run_id, version, statement_index, direction, started_at, finished_at, duration_ms, rows, outcome, error, checksum, line, kind, attempts)
       SELECT m.run_id, m.version, x.i, m.direction, x.started_at, x.finished_at, x.duration_ms, x.rows, x.outcome, x.error, m.checksum, x.line, x.kind, x.attempts
       FROM m, jsonb_to_recordset(m.statements) AS x(i int, started_at timestamptz, finished_at timestamptz, duration_ms double precision, rows bigint, outcome text, error text, line int, kind text, attempts int)
       ON CONFLICT (run_id, version, direction, statement_index) DO UPDATE SET finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, rows = EXCLUDED.rows, outcome = EXCLUDED.outcome, error = EXCLUDED.error, attempts = EXCLUDED.attempts
     ), hist AS (
       INSERT INTO ${s}.migration_history (run_id, version, name, direction, checksum, by, duration_ms) SELECT run_id, version, name, direction, checksum, by, duration_ms FROM m
     )
     ${applied}`;
}

function trackingDoc(m: MigrationRecord): string {
  return JSON.stringify({
    run_id: m.runId,
    version: m.version,
    name: m.name,
    checksum: m.checksum,
    direction: m.direction,
    by: m.by,
    duration_ms: m.durationMs,
    approval_id: m.approvalId,
    statements: m.statements.map((x) => ({
      i: x.index,
      started_at: x.startedAt,
      finished_at: x.finishedAt,
      duration_ms: x.durationMs,
      rows: x.rows,
      outcome: x.outcome,
      error: x.error,
      line: x.line,
      kind: x.kind,
      attempts: x.attempts,
    })),
  });
}

/**
 * Records a finished migration in one round trip: its statements, its history row and the
 * applied row (inserted for `up`, deleted for `down`). Run it in the migration's transaction.
 */
export async function recordMigration(db: Queryable, schema: string, m: MigrationRecord): Promise<void> {
  await db.query(trackingSql(quoteIdent(schema), m.direction, '$1'), [trackingDoc(m)]);
}

/**
 * Records a finished migration AND commits the caller's open transaction, in one round trip
 * (a simple-protocol query of two statements). The values still travel as data: one JSON
 * document quoted by the driver (`escapeLiteral`, PQescapeLiteral's rules), never spliced in
 * piece by piece. If the tracking write fails, COMMIT is not reached and the transaction is
 * left aborted: the caller rolls back.
 */
export async function recordMigrationAndCommit(db: Pick<pg.ClientBase, 'query'>, schema: string, m: MigrationRecord): Promise<void> {
  await db.query(`${trackingSql(quoteIdent(schema), m.direction, escapeLiteral(trackingDoc(m)))};\nCOMMIT`);
}

/** Progress of a statement run outside a transaction: committed at once, so a crash is visible. */
export async function recordStatementProgress(
  db: Queryable,
  schema: string,
  p: { runId: string; version: string; direction: 'up' | 'down'; checksum: string; row: StatementRunRow },
): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(
    `INSERT INTO ${s}.statement_runs (run_id, version, statement_index, direction, started_at, finished_at, duration_ms, rows, outcome, error, checksum, line, kind, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (run_id, version, direction, statement_index) DO UPDATE SET finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, rows = EXCLUDED.rows, outcome = EXCLUDED.outcome, error = EXCLUDED.error, attempts = EXCLUDED.attempts`,
    [p.runId, p.version, p.row.index, p.direction, p.row.startedAt, p.row.finishedAt, p.row.durationMs, p.row.rows, p.row.outcome, p.row.error, p.checksum, p.row.line, p.row.kind, p.row.attempts],
  );
}

/**
 * Statements of a not-applied migration that already succeeded outside a transaction in an
 * earlier run (same file checksum), i.e. where to resume. Returns the statement indices.
 */
export async function readResumePoint(db: Queryable, schema: string, version: string, direction: 'up' | 'down', checksum: string): Promise<{ done: number[]; runId: string | null; lastOutcome: string | null }> {
  const s = quoteIdent(schema);
  const last = await db.query<{ run_id: string }>(
    `SELECT run_id FROM ${s}.statement_runs WHERE version = $1 AND direction = $2 AND checksum = $3 ORDER BY started_at DESC LIMIT 1`,
    [version, direction, checksum],
  );
  const runId = last.rows[0]?.run_id ?? null;
  if (!runId) return { done: [], runId: null, lastOutcome: null };
  // successes across every attempt since the last time this version completed
  const r = await db.query<{ statement_index: number; outcome: string }>(
    `SELECT statement_index, outcome FROM ${s}.statement_runs sr
     WHERE version = $1 AND direction = $2 AND checksum = $3
       AND started_at > coalesce((SELECT max(at) FROM ${s}.migration_history h WHERE h.version = $1), '-infinity')
     ORDER BY started_at`,
    [version, direction, checksum],
  );
  const done = new Set<number>();
  let lastOutcome: string | null = null;
  for (const row of r.rows) {
    if (row.outcome === 'success') done.add(row.statement_index);
    lastOutcome = row.outcome;
  }
  return { done: [...done].sort((a, b) => a - b), runId, lastOutcome };
}

/** Records that the user accepted a changed checksum of an applied migration. */
export async function acceptDrift(db: Queryable, schema: string, d: { version: string; previous: string; current: string; by: string; runId: string }): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(
    `UPDATE ${s}.applied_migrations
     SET checksum = $3,
         drift_accepted = coalesce(drift_accepted, '[]'::jsonb) || jsonb_build_array(jsonb_build_object('previous', $2::text, 'current', $3::text, 'by', $4::text, 'runId', $5::text, 'at', clock_timestamp()))
     WHERE version = $1`,
    [d.version, d.previous, d.current, d.by, d.runId],
  );
}

export interface RunHistoryRow {
  id: string;
  kind: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: string;
  started_by: string;
  host: string;
  target_version: string | null;
  error: unknown;
  migrations: { version: string; name: string; direction: string; duration_ms: number | null }[] | null;
}

export async function readRuns(db: Queryable, schema: string, limit: number): Promise<RunHistoryRow[]> {
  if (!(await trackingSchemaExists(db, schema))) return [];
  const s = quoteIdent(schema);
  const r = await db.query<RunHistoryRow>(
    `SELECT r.id, r.kind, r.started_at, r.finished_at, r.outcome, r.started_by, r.host, r.target_version, r.error,
            (SELECT jsonb_agg(jsonb_build_object('version', h.version, 'name', h.name, 'direction', h.direction, 'duration_ms', h.duration_ms) ORDER BY h.id)
               FROM ${s}.migration_history h WHERE h.run_id = r.id) AS migrations
     FROM ${s}.runs r ORDER BY r.started_at DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}
