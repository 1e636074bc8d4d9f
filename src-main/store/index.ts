/**
 * Tracking tables in the target database (schema `confiture` by default).
 * Created and upgraded by the engine itself through numbered steps; never edited by hand.
 */
import { escapeLiteral } from 'pg';
import type pg from 'pg';
import { z } from 'zod';
import { quoteIdent } from '../db';
import { deriveProjectId } from './project-id';
import type { BlockedOthers } from '../../src-shared/domain/runner';

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: string;
  appliedBy: string;
  durationMs: number | null;
  runId: string | null;
  approvalId: string | null;
  /** the sessions this migration's locks made wait, as the lock monitor of the run that applied it saw them */
  blockedOthers?: BlockedOthers;
}

type Queryable = Pick<pg.ClientBase, 'query'> | pg.Pool;

// deriveProjectId lives in ./project-id (no pg import: `confiture lint` opens projects without the database layer)
export { deriveProjectId } from './project-id';

function projectIdSql(column: string): string {
  return `coalesce(nullif(left(trim(both '-' from regexp_replace(lower(${column}), '[^a-z0-9]+', '-', 'g')), 63), ''), 'default')`;
}

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
  // 3 (reliability, issues 11 and 14): projects sharing one database and schema are kept apart by
  // a project id on every tracking row (existing rows: the id derived from the name of the project
  // that ran them, 'default' when no run is known); a run records its worker backend so the next
  // run can wait for a statement a killed client left running; a statement whose effect was found
  // after a crash records how (recovered).
  (s) => `
    ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS project_id text;
    ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS worker_pid int;
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS recovered text;
    ALTER TABLE ${s}.applied_migrations ADD COLUMN IF NOT EXISTS project text;
    ALTER TABLE ${s}.migration_history ADD COLUMN IF NOT EXISTS project text;
    ALTER TABLE ${s}.statement_runs ADD COLUMN IF NOT EXISTS project text;
    UPDATE ${s}.runs SET project_id = ${projectIdSql('project')} WHERE project_id IS NULL;
    UPDATE ${s}.applied_migrations a SET project = coalesce((SELECT r.project_id FROM ${s}.runs r WHERE r.id = a.run_id), 'default') WHERE project IS NULL;
    UPDATE ${s}.migration_history h SET project = coalesce((SELECT r.project_id FROM ${s}.runs r WHERE r.id = h.run_id), 'default') WHERE project IS NULL;
    UPDATE ${s}.statement_runs x SET project = coalesce((SELECT r.project_id FROM ${s}.runs r WHERE r.id = x.run_id), 'default') WHERE project IS NULL;
    ALTER TABLE ${s}.applied_migrations ALTER COLUMN project SET DEFAULT 'default', ALTER COLUMN project SET NOT NULL;
    ALTER TABLE ${s}.migration_history ALTER COLUMN project SET DEFAULT 'default', ALTER COLUMN project SET NOT NULL;
    ALTER TABLE ${s}.statement_runs ALTER COLUMN project SET DEFAULT 'default', ALTER COLUMN project SET NOT NULL;
    ALTER TABLE ${s}.applied_migrations DROP CONSTRAINT IF EXISTS applied_migrations_pkey;
    ALTER TABLE ${s}.applied_migrations ADD CONSTRAINT applied_migrations_pkey PRIMARY KEY (project, version);
    CREATE INDEX IF NOT EXISTS statement_runs_project_version ON ${s}.statement_runs (project, version, started_at);
    CREATE INDEX IF NOT EXISTS migration_history_project_version ON ${s}.migration_history (project, version, at);
    CREATE INDEX IF NOT EXISTS runs_project ON ${s}.runs (project_id, started_at);`,
  // 4 (approvals): the approval audit chain anchored outside the project — one row per decision,
  // written with it; a repair after tampering revokes the rows from the break on (kept as evidence)
  (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.approval_anchor (
      id bigserial PRIMARY KEY,
      project text NOT NULL,
      seq int NOT NULL CHECK (seq > 0),
      entry_hash text NOT NULL CHECK (entry_hash ~ '^[0-9a-f]{64}$'),
      version text NOT NULL,
      decision text NOT NULL,
      decided_by text NOT NULL,
      decided_at timestamptz NOT NULL,
      anchored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      revoked_at timestamptz,
      revoked_by text
    );
    CREATE UNIQUE INDEX IF NOT EXISTS approval_anchor_live ON ${s}.approval_anchor (project, seq) WHERE revoked_at IS NULL;`,
  // 5 (measured blocking): per migration of the run, the sessions it made wait as the lock monitor
  // saw them ({ "<version>": { sessions, longestWaitMs, sampledEveryMs, who } }), written when the run ends
  (s) => `ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS blocked_others jsonb;`,
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

/**
 * What a tracking schema holds, in one round trip: whether `table` exists yet, and whether its
 * runs record measured blocking (tracking step 5, `runs.blocked_others`). Readers of an older
 * schema (a status against a database we do not upgrade) treat its migrations as blocking no one.
 */
export async function trackingTables(db: Queryable, schema: string, table: string): Promise<{ exists: boolean; blockedOthers: boolean }> {
  const r = await db.query<{ ok: boolean; blocked: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS ok,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname = 'blocked_others' AND NOT attisdropped) AS blocked`,
    [`${quoteIdent(schema)}.${quoteIdent(table)}`, `${quoteIdent(schema)}.runs`],
  );
  return { exists: r.rows[0]?.ok === true, blockedOthers: r.rows[0]?.blocked === true };
}

/** A measured-blocking document as stored in `runs.blocked_others -> version`. */
const BlockedOthersDoc = z.object({ sessions: z.number().int().nonnegative(), longestWaitMs: z.number().nonnegative(), sampledEveryMs: z.number().nonnegative(), who: z.array(z.string()) });

/** The document of one migration, if it has the shape the engine writes (anything else: none). */
export function parseBlockedOthers(doc: unknown): BlockedOthers | null {
  const b = doc == null ? null : BlockedOthersDoc.safeParse(doc);
  return b?.success ? b.data : null;
}

/** The applied migrations of one project (`projectId`; other projects on the same schema are not seen). */
export async function readApplied(db: Queryable, schema: string, projectId: string): Promise<AppliedMigration[]> {
  const probe = await trackingTables(db, schema, 'applied_migrations');
  if (!probe.exists) return [];
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
    blocked: unknown;
  }>(
    probe.blockedOthers
      ? `SELECT a.version, a.name, a.checksum, a.applied_at, a.applied_by, a.duration_ms, a.run_id, a.approval_id, r.blocked_others -> a.version AS blocked
         FROM ${s}.applied_migrations a LEFT JOIN ${s}.runs r ON r.id = a.run_id WHERE a.project = $1`
      : `SELECT a.version, a.name, a.checksum, a.applied_at, a.applied_by, a.duration_ms, a.run_id, a.approval_id, NULL::jsonb AS blocked
         FROM ${s}.applied_migrations a WHERE a.project = $1`,
    [projectId],
  );
  return r.rows.map((row) => {
    const blocked = parseBlockedOthers(row.blocked);
    return {
      version: row.version,
      name: row.name,
      checksum: row.checksum,
      appliedAt: row.applied_at.toISOString(),
      appliedBy: row.applied_by,
      durationMs: row.duration_ms,
      runId: row.run_id,
      approvalId: row.approval_id,
      ...(blocked ? { blockedOthers: blocked } : {}),
    };
  });
}

// ---- writes made by the engine (always inside the caller's transaction when there is one) ----

export interface RunRow {
  id: string;
  kind: string;
  startedBy: string;
  host: string;
  appVersion: string;
  project: string;
  /** the project id (confiture.yaml `project.id`); derived from `project` when absent */
  projectId?: string;
  targetVersion: string | null;
  options: Record<string, unknown>;
  lockPid: number | null;
  /** the backend pid of the connection that runs the statements */
  workerPid?: number | null;
}

export async function insertRun(db: Queryable, schema: string, run: RunRow): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(
    `INSERT INTO ${s}.runs (id, kind, started_by, host, app_version, project, target_version, options, lock_pid, project_id, worker_pid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [run.id, run.kind, run.startedBy, run.host, run.appVersion, run.project, run.targetVersion, JSON.stringify(run.options), run.lockPid, run.projectId ?? deriveProjectId(run.project), run.workerPid ?? null],
  );
}

export async function finishRun(db: Queryable, schema: string, runId: string, outcome: string, error: unknown, blockedOthers: Record<string, BlockedOthers> | null = null): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`UPDATE ${s}.runs SET finished_at = clock_timestamp(), outcome = $2, error = $3, blocked_others = $4 WHERE id = $1`, [
    runId,
    outcome,
    error === null || error === undefined ? null : JSON.stringify(error),
    blockedOthers && Object.keys(blockedOthers).length ? JSON.stringify(blockedOthers) : null,
  ]);
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
  /** how the effect of a statement interrupted by a crash was established (success rows only) */
  recovered?: string | null;
}

export interface MigrationRecord {
  project: string;
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
      ? `INSERT INTO ${s}.applied_migrations (project, version, name, checksum, applied_by, duration_ms, run_id, approval_id)
         SELECT project, version, name, checksum, by, duration_ms, run_id, approval_id FROM m
         ON CONFLICT (project, version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, applied_at = clock_timestamp(), applied_by = EXCLUDED.applied_by, duration_ms = EXCLUDED.duration_ms, run_id = EXCLUDED.run_id, approval_id = EXCLUDED.approval_id`
      : `DELETE FROM ${s}.applied_migrations a USING m WHERE a.project = m.project AND a.version = m.version`;
  return `WITH m AS (
       SELECT * FROM jsonb_to_record(${doc}::jsonb) AS x(project text, run_id uuid, version text, name text, checksum text, direction text, by text, duration_ms double precision, approval_id text, statements jsonb)
     ), st AS (
       INSERT INTO ${s}.statement_runs (project, run_id, version, statement_index, direction, started_at, finished_at, duration_ms, rows, outcome, error, checksum, line, kind, attempts, recovered)
       SELECT m.project, m.run_id, m.version, x.i, m.direction, x.started_at, x.finished_at, x.duration_ms, x.rows, x.outcome, x.error, m.checksum, x.line, x.kind, x.attempts, x.recovered
       FROM m, jsonb_to_recordset(m.statements) AS x(i int, started_at timestamptz, finished_at timestamptz, duration_ms double precision, rows bigint, outcome text, error text, line int, kind text, attempts int, recovered text)
       ON CONFLICT (run_id, version, direction, statement_index) DO UPDATE SET finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, rows = EXCLUDED.rows, outcome = EXCLUDED.outcome, error = EXCLUDED.error, attempts = EXCLUDED.attempts, recovered = EXCLUDED.recovered
     ), hist AS (
       INSERT INTO ${s}.migration_history (project, run_id, version, name, direction, checksum, by, duration_ms) SELECT project, run_id, version, name, direction, checksum, by, duration_ms FROM m
     )
     ${applied}`;
}

function trackingDoc(m: MigrationRecord): string {
  return JSON.stringify({
    project: m.project,
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
      recovered: x.recovered ?? null,
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
export async function recordMigrationAndCommit(db: Pick<pg.ClientBase, 'query'>, schema: string, m: MigrationRecord, prepared?: PreparedTracking): Promise<void> {
  const doc = escapeLiteral(trackingDoc(m));
  const write = prepared ? `EXECUTE ${prepared.names[m.direction]}(${doc})` : trackingSql(quoteIdent(schema), m.direction, doc);
  await db.query(`${write};\nCOMMIT`);
}

/** Session-level prepared tracking writes (`PREPARE`), one per direction, on one connection. */
export interface PreparedTracking {
  names: Record<'up' | 'down', string>;
}

/**
 * Prepares the tracking write of `recordMigrationAndCommit` on this session (one round trip, once
 * per connection): each migration then sends `EXECUTE name('<doc>'); COMMIT` instead of the whole
 * statement, and the server skips parsing and planning it each time (≈ 0.3 ms of server CPU per
 * migration, measured in bench/apply). Same statement, same single transaction with the
 * migration. A session that runs `DEALLOCATE ALL` / `DISCARD ALL` loses it: the caller must not
 * use it after such a statement ran on the connection.
 */
export async function prepareTracking(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<PreparedTracking> {
  const s = quoteIdent(schema);
  const names = { up: 'confiture_track_up', down: 'confiture_track_down' } as const;
  await db.query(
    `PREPARE ${names.up}(jsonb) AS ${trackingSql(s, 'up', '$1')}; PREPARE ${names.down}(jsonb) AS ${trackingSql(s, 'down', '$1')}`,
  );
  return { names };
}

export interface StatementProgress {
  project: string;
  runId: string;
  version: string;
  direction: 'up' | 'down';
  checksum: string;
  row: StatementRunRow;
}

const STATEMENT_UPSERT = (s: string) => `INSERT INTO ${s}.statement_runs (project, run_id, version, statement_index, direction, started_at, finished_at, duration_ms, rows, outcome, error, checksum, line, kind, attempts, recovered)`;
const STATEMENT_CONFLICT =
  'ON CONFLICT (run_id, version, direction, statement_index) DO UPDATE SET finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, rows = EXCLUDED.rows, outcome = EXCLUDED.outcome, error = EXCLUDED.error, attempts = EXCLUDED.attempts, recovered = EXCLUDED.recovered';

function progressValues(p: StatementProgress): unknown[] {
  return [p.project, p.runId, p.version, p.row.index, p.direction, p.row.startedAt, p.row.finishedAt, p.row.durationMs, p.row.rows, p.row.outcome, p.row.error, p.checksum, p.row.line, p.row.kind, p.row.attempts, p.row.recovered ?? null];
}

/** Progress of a statement run outside a transaction: committed at once, so a crash is visible. */
export async function recordStatementProgress(db: Queryable, schema: string, p: StatementProgress): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`${STATEMENT_UPSERT(s)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ${STATEMENT_CONFLICT}`, progressValues(p));
}

/**
 * Records a statement's success AND commits the caller's open transaction — the one the statement
 * ran in — in one round trip: the statement and its marker commit together or not at all, so a
 * crash can never leave a statement applied but unrecorded. Values travel as driver-quoted
 * literals (`escapeLiteral`). If the write fails, COMMIT is not reached: the caller rolls back.
 */
export async function recordStatementAndCommit(db: Pick<pg.ClientBase, 'query'>, schema: string, p: StatementProgress): Promise<void> {
  const lit = (v: unknown) => (v === null || v === undefined ? 'NULL' : escapeLiteral(String(v)));
  const types = ['text', 'uuid', 'text', 'int', 'text', 'timestamptz', 'timestamptz', 'double precision', 'bigint', 'text', 'text', 'text', 'int', 'text', 'int', 'text'];
  const values = progressValues(p).map((v, i) => `${lit(v)}::${types[i]!}`);
  await db.query(`${STATEMENT_UPSERT(quoteIdent(schema))} VALUES (${values.join(', ')}) ${STATEMENT_CONFLICT};\nCOMMIT`);
}

export interface ResumePoint {
  /** statement indices that succeeded since the migration last completed */
  done: number[];
  runId: string | null;
  lastOutcome: string | null;
  /** the most recent attempt at each statement not in `done` (the one a crash interrupted is 'running') */
  attempts: Map<number, { runId: string; outcome: string; error: string | null }>;
}

/**
 * Statements of a not-applied migration that already succeeded outside a transaction in an
 * earlier run (same file checksum), i.e. where to resume.
 */
export async function readResumePoint(db: Queryable, schema: string, projectId: string, version: string, direction: 'up' | 'down', checksum: string): Promise<ResumePoint> {
  const s = quoteIdent(schema);
  // every attempt since the last time this version completed
  const r = await db.query<{ run_id: string; statement_index: number; outcome: string; error: string | null }>(
    `SELECT run_id, statement_index, outcome, error FROM ${s}.statement_runs sr
     WHERE project = $1 AND version = $2 AND direction = $3 AND checksum = $4
       AND started_at > coalesce((SELECT max(at) FROM ${s}.migration_history h WHERE h.project = $1 AND h.version = $2), '-infinity')
     ORDER BY started_at`,
    [projectId, version, direction, checksum],
  );
  const done = new Set<number>();
  const attempts = new Map<number, { runId: string; outcome: string; error: string | null }>();
  let lastOutcome: string | null = null;
  let runId: string | null = null;
  for (const row of r.rows) {
    if (row.outcome === 'success') done.add(row.statement_index);
    attempts.set(row.statement_index, { runId: row.run_id, outcome: row.outcome, error: row.error });
    lastOutcome = row.outcome;
    runId = row.run_id;
  }
  for (const i of done) attempts.delete(i);
  return { done: [...done].sort((a, b) => a - b), runId, lastOutcome, attempts };
}

export interface PartialMigration {
  version: string;
  direction: 'up' | 'down';
  checksum: string;
  /** statements recorded as applied since the migration last completed */
  done: number[];
  /** the last statement attempted and not recorded as applied: in flight when a run was killed ('running'), or failed */
  statement: { index: number; line: number | null; kind: string | null; outcome: string; error: string | null } | null;
}

/**
 * Migrations of a project that an interrupted or failed run left part-way (statements run outside
 * a transaction and recorded one by one): what `status` calls `partial`.
 */
export async function readPartial(db: Queryable, schema: string, projectId: string): Promise<PartialMigration[]> {
  if (!(await trackingSchemaExists(db, schema))) return [];
  const s = quoteIdent(schema);
  const r = await db.query<{ version: string; direction: 'up' | 'down'; checksum: string; statement_index: number; outcome: string; error: string | null; line: number | null; kind: string | null }>(
    `SELECT sr.version, sr.direction, sr.checksum, sr.statement_index, sr.outcome, sr.error, sr.line, sr.kind
     FROM ${s}.statement_runs sr
     WHERE sr.project = $1
       AND sr.started_at > coalesce((SELECT max(at) FROM ${s}.migration_history h WHERE h.project = $1 AND h.version = sr.version), '-infinity')
     ORDER BY sr.version, sr.direction, sr.started_at`,
    [projectId],
  );
  const out = new Map<string, PartialMigration & { attempts: Map<number, PartialMigration['statement']> }>();
  for (const row of r.rows) {
    const key = `${row.version}\u0000${row.direction}`;
    let p = out.get(key);
    if (!p) out.set(key, (p = { version: row.version, direction: row.direction, checksum: row.checksum, done: [], statement: null, attempts: new Map() }));
    p.checksum = row.checksum;
    if (row.outcome === 'success') {
      if (!p.done.includes(row.statement_index)) p.done.push(row.statement_index);
      p.attempts.delete(row.statement_index);
    } else p.attempts.set(row.statement_index, { index: row.statement_index, line: row.line, kind: row.kind, outcome: row.outcome, error: row.error });
  }
  return [...out.values()].map(({ attempts, ...p }) => ({ ...p, done: p.done.sort((a, b) => a - b), statement: [...attempts.values()].pop() ?? null }));
}

/**
 * Runs of this tracking schema that never recorded their end (the process was killed), with the
 * worker backend that ran their statements if it is still alive on the server: a statement sent
 * before the kill goes on until it finishes.
 */
export async function readInterruptedRuns(db: Queryable, schema: string, exceptRunId: string): Promise<{ id: string; workerPid: number | null; alive: boolean }[]> {
  const s = quoteIdent(schema);
  const r = await db.query<{ id: string; worker_pid: number | null; alive: boolean }>(
    `SELECT r.id, r.worker_pid,
            EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.worker_pid AND a.backend_start <= r.started_at) AS alive
     FROM ${s}.runs r WHERE r.outcome = 'running' AND r.finished_at IS NULL AND r.id <> $1`,
    [exceptRunId],
  );
  return r.rows.map((x) => ({ id: x.id, workerPid: x.worker_pid, alive: x.alive }));
}

/** Closes the record of runs that a crash left 'running' (called under the run lock, once their backends are gone). */
export async function markRunsInterrupted(db: Queryable, schema: string, ids: string[], by: string): Promise<void> {
  if (ids.length === 0) return;
  const s = quoteIdent(schema);
  await db.query(
    `UPDATE ${s}.runs SET outcome = 'interrupted', finished_at = clock_timestamp(),
            error = jsonb_build_object('code', 'interrupted', 'message', 'the run stopped without recording its end (process killed or connection lost); closed by run ' || $2::text)
     WHERE id = ANY($1::uuid[]) AND outcome = 'running'`,
    [ids, by],
  );
}

/**
 * Other projects of this tracking schema that applied some of the given files (same version and
 * checksum): how a project whose id changed (a renamed folder, an edited name) is recognised.
 */
export async function projectsWithSameMigrations(db: Queryable, schema: string, projectId: string, files: { version: string; checksum: string }[]): Promise<{ project: string; count: number }[]> {
  if (files.length === 0 || !(await trackingSchemaExists(db, schema))) return [];
  const s = quoteIdent(schema);
  const r = await db.query<{ project: string; count: number }>(
    `SELECT a.project, count(*)::int AS count
     FROM ${s}.applied_migrations a JOIN jsonb_to_recordset($2::jsonb) AS f(version text, checksum text) ON f.version = a.version AND f.checksum = a.checksum
     WHERE a.project <> $1 GROUP BY 1 ORDER BY 2 DESC, 1`,
    [projectId, JSON.stringify(files)],
  );
  return r.rows;
}

/** Records that the user accepted a changed checksum of an applied migration. */
export async function acceptDrift(db: Queryable, schema: string, d: { project: string; version: string; previous: string; current: string; by: string; runId: string }): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(
    `UPDATE ${s}.applied_migrations
     SET checksum = $3,
         drift_accepted = coalesce(drift_accepted, '[]'::jsonb) || jsonb_build_array(jsonb_build_object('previous', $2::text, 'current', $3::text, 'by', $4::text, 'runId', $5::text, 'at', clock_timestamp()))
     WHERE version = $1 AND project = $6`,
    [d.version, d.previous, d.current, d.by, d.runId, d.project],
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

/** The runs of one project, newest first. */
export async function readRuns(db: Queryable, schema: string, limit: number, projectId: string): Promise<RunHistoryRow[]> {
  if (!(await trackingSchemaExists(db, schema))) return [];
  const s = quoteIdent(schema);
  const r = await db.query<RunHistoryRow>(
    `SELECT r.id, r.kind, r.started_at, r.finished_at, r.outcome, r.started_by, r.host, r.target_version, r.error,
            (SELECT jsonb_agg(jsonb_build_object('version', h.version, 'name', h.name, 'direction', h.direction, 'duration_ms', h.duration_ms) ORDER BY h.id)
               FROM ${s}.migration_history h WHERE h.run_id = r.id) AS migrations
     FROM ${s}.runs r WHERE r.project_id = $2 ORDER BY r.started_at DESC LIMIT $1`,
    [limit, projectId],
  );
  return r.rows;
}
