/**
 * Tracking tables in the target database (schema `confiture` by default).
 * Created and upgraded by the engine itself through numbered steps; never edited by hand.
 */
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
