/**
 * The control database: rollouts, their waves and per-target state and timings, in the schema
 * `confiture_fleet` (managed here, by numbered idempotent steps), next to the job engine's own
 * schema `confiture_fleet_jobs` (pg-boss). Each target's tracking schema stays the truth of what
 * is applied there; this is the rollout's bookkeeping.
 */
import type pg from 'pg';
import type { RolloutConfig } from './config';

export const CONTROL_SCHEMA = 'confiture_fleet';
export const JOBS_SCHEMA = 'confiture_fleet_jobs';

type Q = Pick<pg.ClientBase, 'query'> | pg.Pool;

const STEPS: string[] = [
  `CREATE TABLE IF NOT EXISTS ${CONTROL_SCHEMA}.rollouts (
     id uuid PRIMARY KEY,
     project text NOT NULL,
     env text NOT NULL,
     selector text,
     target_version text,
     versions jsonb NOT NULL,
     state text NOT NULL,
     config jsonb NOT NULL,
     current_wave int NOT NULL DEFAULT 0,
     failures int NOT NULL DEFAULT 0,
     stop_reason text,
     created_by text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     finished_at timestamptz
   );
   CREATE TABLE IF NOT EXISTS ${CONTROL_SCHEMA}.waves (
     rollout_id uuid NOT NULL REFERENCES ${CONTROL_SCHEMA}.rollouts (id) ON DELETE CASCADE,
     wave int NOT NULL,
     name text NOT NULL,
     size int NOT NULL,
     concurrency int NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     started_at timestamptz,
     finished_at timestamptz,
     not_before timestamptz,
     gate jsonb,
     PRIMARY KEY (rollout_id, wave)
   );
   CREATE TABLE IF NOT EXISTS ${CONTROL_SCHEMA}.targets (
     rollout_id uuid NOT NULL REFERENCES ${CONTROL_SCHEMA}.rollouts (id) ON DELETE CASCADE,
     name text NOT NULL,
     wave int NOT NULL,
     position int NOT NULL,
     labels jsonb NOT NULL DEFAULT '{}',
     host text NOT NULL,
     label text NOT NULL,
     source text NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     attempts int NOT NULL DEFAULT 0,
     job_id text,
     worker text,
     run_id uuid,
     started_at timestamptz,
     finished_at timestamptz,
     duration_ms double precision,
     applied jsonb NOT NULL DEFAULT '[]',
     predicted_blocking_ms double precision,
     measured_blocking_ms double precision,
     slo_violations int,
     error jsonb,
     PRIMARY KEY (rollout_id, name)
   );
   CREATE INDEX IF NOT EXISTS targets_wave ON ${CONTROL_SCHEMA}.targets (rollout_id, wave, state);
   CREATE TABLE IF NOT EXISTS ${CONTROL_SCHEMA}.target_attempts (
     id bigserial PRIMARY KEY,
     rollout_id uuid NOT NULL,
     name text NOT NULL,
     attempt int NOT NULL,
     worker text NOT NULL,
     started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     finished_at timestamptz,
     outcome text
   );`,
];

/** Creates or upgrades the control schema (serialised by an advisory lock). */
export async function ensureControlSchema(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('confiture-fleet-control'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${CONTROL_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${CONTROL_SCHEMA}.schema_version (version int NOT NULL, upgraded_at timestamptz NOT NULL DEFAULT now())`);
    const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${CONTROL_SCHEMA}.schema_version`);
    for (let i = r.rows[0]?.v ?? 0; i < STEPS.length; i++) {
      await client.query(STEPS[i]!);
      await client.query(`INSERT INTO ${CONTROL_SCHEMA}.schema_version (version) VALUES ($1)`, [i + 1]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export type RolloutState = 'running' | 'paused' | 'stopped' | 'aborted' | 'completed';
export type WaveState = 'pending' | 'running' | 'soaking' | 'passed' | 'failed';
export type TargetState = 'pending' | 'queued' | 'running' | 'applied' | 'failed' | 'skipped';

export interface RolloutRow {
  id: string;
  project: string;
  env: string;
  selector: string | null;
  target_version: string | null;
  versions: { version: string; name: string; checksum: string }[];
  state: RolloutState;
  config: RolloutConfig & { jobTimeoutMs: number; jobRetries: number };
  current_wave: number;
  failures: number;
  stop_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export interface WaveRow {
  rollout_id: string;
  wave: number;
  name: string;
  size: number;
  concurrency: number;
  state: WaveState;
  started_at: Date | null;
  finished_at: Date | null;
  not_before: Date | null;
  gate: GateResult | null;
}

export interface GateCheck {
  gate: 'canary_blocking' | 'slo' | 'command' | 'soak' | 'failures';
  ok: boolean;
  detail: string;
}
export interface GateResult {
  ok: boolean;
  checks: GateCheck[];
  at: string;
  overridden?: boolean;
}

export interface TargetRow {
  rollout_id: string;
  name: string;
  wave: number;
  position: number;
  labels: Record<string, string>;
  host: string;
  label: string;
  source: string;
  state: TargetState;
  attempts: number;
  job_id: string | null;
  worker: string | null;
  run_id: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  applied: string[];
  predicted_blocking_ms: number | null;
  measured_blocking_ms: number | null;
  slo_violations: number | null;
  error: { code: string; message: string } | null;
}

export async function readRollout(db: Q, id: string, forUpdate = false): Promise<RolloutRow | null> {
  const r = await db.query<RolloutRow>(`SELECT * FROM ${CONTROL_SCHEMA}.rollouts WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ?? null;
}

export async function readWaves(db: Q, id: string): Promise<WaveRow[]> {
  return (await db.query<WaveRow>(`SELECT * FROM ${CONTROL_SCHEMA}.waves WHERE rollout_id = $1 ORDER BY wave`, [id])).rows;
}

export async function readTargets(db: Q, id: string): Promise<TargetRow[]> {
  return (await db.query<TargetRow>(`SELECT * FROM ${CONTROL_SCHEMA}.targets WHERE rollout_id = $1 ORDER BY wave, position`, [id])).rows;
}
