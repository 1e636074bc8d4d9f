/**
 * Fleet rollouts: the pending migrations of a project applied to every target of an
 * environment in waves, on pg-boss (a PostgreSQL-backed job engine) in the control database.
 *
 * The scheduler is pg-boss: each target is one job; any number of `confiture worker` processes
 * pull them. This module only decides *what* to enqueue, under one advisory lock per rollout
 * (`pump`): at most `concurrency` targets of the current wave (and `perHost` per host) are queued
 * at once; when a wave has no target left, its gates are evaluated and the next wave starts.
 * A failed target counts against the error budget; reaching it stops the rollout, and `resume`
 * retries the failed targets and goes on exactly where it stopped (applied targets are never
 * queued again; each target's tracking schema makes a retried job apply only what is missing).
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { ConfitureError } from '../errors';
import { childLogger } from '../logging';
import { compareVersions, type Project } from '../project';
import type { RolloutConfig } from './config';
import { CONTROL_SCHEMA as S, ensureControlSchema, JOBS_SCHEMA, readRollout, readTargets, readWaves, type GateCheck, type GateResult, type RolloutRow, type TargetRow, type WaveRow } from './control';
import { resolveEnvironment, rolloutConfigFor, type FleetTarget } from './targets';

const log = childLogger({ service: 'fleet' });

export interface Control {
  pool: pg.Pool;
  boss: PgBoss;
  /** the pg-boss queue of this project's target jobs */
  targetQueue: string;
  advanceQueue: string;
  jobTimeoutSeconds: number;
  jobRetries: number;
  close(): Promise<void>;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'project';
}

export function queueNames(projectName: string): { target: string; advance: string } {
  const s = slug(projectName);
  return { target: `confiture_fleet_target_${s}`, advance: `confiture_fleet_advance_${s}` };
}

export interface OpenControlOptions {
  /** node-postgres config of the control database */
  config: pg.PoolConfig;
  projectName: string;
  jobTimeoutMs: number;
  jobRetries: number;
  /** workers supervise: they move the jobs of dead workers back to the queue */
  supervise?: boolean;
  poolSize?: number;
}

/** Connects to the control database, creates its schemas, starts pg-boss. */
export async function openControl(opts: OpenControlOptions): Promise<Control> {
  const pool = new pg.Pool({ ...opts.config, max: opts.poolSize ?? 6, application_name: 'confiture fleet' });
  pool.on('error', (e) => log.warn({ err: e.message }, 'control database connection error'));
  const jobTimeoutSeconds = Math.max(1, Math.round(opts.jobTimeoutMs / 1000));
  let boss: PgBoss | null = null;
  try {
    const c = await pool.connect();
    try {
      await ensureControlSchema(c);
      // pg-boss creates its schema once; two processes starting together must not race
      await c.query("SELECT pg_advisory_lock(hashtext('confiture-fleet-jobs-install'))");
      try {
        boss = new PgBoss({
          db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
          schema: JOBS_SCHEMA,
          supervise: opts.supervise === true,
          schedule: false,
          // dead workers' jobs come back after jobTimeout: look often enough
          maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(jobTimeoutSeconds / 2))),
          monitorStateIntervalSeconds: 60,
        });
        boss.on('error', (e: Error) => log.warn({ err: e.message }, 'job engine error'));
        await boss.start();
        const q = queueNames(opts.projectName);
        await boss.createQueue(q.target, { name: q.target, retryLimit: opts.jobRetries, retryDelay: 1, expireInSeconds: jobTimeoutSeconds });
        await boss.createQueue(q.advance, { name: q.advance, retryLimit: 5, retryDelay: 1, expireInSeconds: 300 });
      } finally {
        await c.query("SELECT pg_advisory_unlock(hashtext('confiture-fleet-jobs-install'))");
      }
    } finally {
      c.release();
    }
  } catch (e) {
    await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw e;
  }
  const q = queueNames(opts.projectName);
  const b = boss;
  return {
    pool,
    boss: b,
    targetQueue: q.target,
    advanceQueue: q.advance,
    jobTimeoutSeconds,
    jobRetries: opts.jobRetries,
    async close() {
      await b.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

// ---------- plan ----------

export interface PlannedWave {
  wave: number;
  name: string;
  concurrency: number;
  targets: FleetTarget[];
}

export interface RolloutPlan {
  project: string;
  env: string;
  selector: string | null;
  targetVersion: string | null;
  versions: { version: string; name: string; checksum: string }[];
  config: RolloutConfig;
  waves: PlannedWave[];
}

/** Splits n targets into waves: `1`, `5%`, `rest`; the last wave takes what is left; empty waves are dropped. */
export function waveSizes(n: number, waves: RolloutConfig['waves']): number[] {
  const out: number[] = [];
  let left = n;
  waves.forEach((w, i) => {
    if (left <= 0) return;
    let size: number;
    if (i === waves.length - 1 || w.size === 'rest') size = left;
    else if (typeof w.size === 'number') size = w.size;
    else size = Math.max(1, Math.ceil((n * Number(w.size.replace('%', '').trim())) / 100));
    size = Math.min(size, left);
    out.push(size);
    left -= size;
  });
  return out;
}

export interface PlanOptions {
  env: string;
  select?: string;
  to?: string;
  openEmbedded: (database: string) => Promise<string>;
}

export async function planRollout(project: Project, opts: PlanOptions): Promise<RolloutPlan> {
  const targets = await resolveEnvironment(project.config, opts.env, { openEmbedded: opts.openEmbedded, ...(opts.select ? { select: opts.select } : {}) });
  if (targets.length === 0) throw new ConfitureError('invalid_input', `Environment ${opts.env} has no target${opts.select ? ` matching ${opts.select}` : ''}`, { field: 'targets' });
  const config = rolloutConfigFor(project.config, opts.env);
  if (opts.to && !project.migrations.some((m) => compareVersions(m.version, opts.to!) === 0)) throw new ConfitureError('not_found', `No migration with version ${opts.to}`, { field: 'to' });
  const versions = project.migrations.filter((m) => !opts.to || compareVersions(m.version, opts.to) <= 0).map((m) => ({ version: m.version, name: m.name, checksum: m.checksum }));
  const sizes = waveSizes(targets.length, config.waves);
  const waves: PlannedWave[] = [];
  let at = 0;
  sizes.forEach((size, i) => {
    const w = config.waves[i]!;
    waves.push({ wave: i, name: w.name ?? (i === 0 && size === 1 ? 'canary' : `wave ${i + 1}`), concurrency: w.concurrency ?? config.concurrency, targets: targets.slice(at, at + size) });
    at += size;
  });
  return { project: project.name, env: opts.env, selector: opts.select ?? null, targetVersion: opts.to ?? versions.at(-1)?.version ?? null, versions, config, waves };
}

// ---------- state changes, all under the rollout's advisory lock ----------

async function inTx<T>(pool: pg.Pool, rolloutId: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`confiture-fleet:${rolloutId}`]);
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

const txDb = (c: pg.PoolClient) => ({ executeSql: (text: string, values: unknown[]) => c.query(text, values) });

export async function startRollout(ctl: Control, plan: RolloutPlan, createdBy = `${os.userInfo().username}@${os.hostname()}`): Promise<string> {
  const id = crypto.randomUUID();
  const config = { ...plan.config, jobTimeoutMs: ctl.jobTimeoutSeconds * 1000, jobRetries: ctl.jobRetries };
  await inTx(ctl.pool, id, async (c) => {
    await c.query(`INSERT INTO ${S}.rollouts (id, project, env, selector, target_version, versions, state, config, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8)`, [
      id,
      plan.project,
      plan.env,
      plan.selector,
      plan.targetVersion,
      JSON.stringify(plan.versions),
      JSON.stringify(config),
      createdBy,
    ]);
    for (const w of plan.waves) {
      await c.query(`INSERT INTO ${S}.waves (rollout_id, wave, name, size, concurrency) VALUES ($1, $2, $3, $4, $5)`, [id, w.wave, w.name, w.targets.length, w.concurrency]);
      await c.query(
        `INSERT INTO ${S}.targets (rollout_id, name, wave, position, labels, host, label, source)
         SELECT $1, t.name, $2, t.position, t.labels, t.host, t.label, t.source
         FROM jsonb_to_recordset($3::jsonb) AS t(name text, position int, labels jsonb, host text, label text, source text)`,
        [id, w.wave, JSON.stringify(w.targets.map((t, i) => ({ name: t.name, position: i, labels: t.labels, host: t.host, label: t.label, source: t.source })))],
      );
    }
    await pumpLocked(ctl, c, id);
  });
  return id;
}

/** Enqueues what the rollout's current state allows; evaluates gates of a finished wave. */
export async function pump(ctl: Control, rolloutId: string): Promise<void> {
  await inTx(ctl.pool, rolloutId, (c) => pumpLocked(ctl, c, rolloutId));
}

async function pumpLocked(ctl: Control, c: pg.PoolClient, id: string): Promise<void> {
  for (let guard = 0; guard < 1000; guard++) {
    const r = await readRollout(c, id, true);
    if (!r || r.state !== 'running') return;
    const w = (await c.query<WaveRow>(`SELECT * FROM ${S}.waves WHERE rollout_id = $1 AND wave = $2 FOR UPDATE`, [id, r.current_wave])).rows[0];
    if (!w) {
      await c.query(`UPDATE ${S}.rollouts SET state = 'completed', finished_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1`, [id]);
      return;
    }
    if (w.state === 'pending') {
      await c.query(`UPDATE ${S}.waves SET state = 'running', started_at = clock_timestamp() WHERE rollout_id = $1 AND wave = $2`, [id, w.wave]);
      w.state = 'running';
    }
    if (w.state === 'soaking') {
      const due = await c.query<{ due: boolean }>('SELECT $1::timestamptz <= clock_timestamp() AS due', [w.not_before]);
      if (!due.rows[0]!.due) return;
    }
    if (w.state === 'running') {
      const ts = (await c.query<Pick<TargetRow, 'name' | 'host' | 'state'>>(`SELECT name, host, state FROM ${S}.targets WHERE rollout_id = $1 AND wave = $2 ORDER BY position`, [id, w.wave])).rows;
      const inflight = ts.filter((t) => t.state === 'queued' || t.state === 'running');
      const pending = ts.filter((t) => t.state === 'pending');
      if (pending.length > 0 || inflight.length > 0) {
        const perHost = new Map<string, number>();
        for (const t of inflight) perHost.set(t.host, (perHost.get(t.host) ?? 0) + 1);
        let slots = w.concurrency - inflight.length;
        for (const t of pending) {
          if (slots <= 0) break;
          if ((perHost.get(t.host) ?? 0) >= r.config.perHost) continue;
          const jobId = await ctl.boss.send(ctl.targetQueue, { rolloutId: id, target: t.name }, { db: txDb(c), retryLimit: r.config.jobRetries, retryDelay: 1, expireInSeconds: Math.max(1, Math.round(r.config.jobTimeoutMs / 1000)) });
          await c.query(`UPDATE ${S}.targets SET state = 'queued', job_id = $3 WHERE rollout_id = $1 AND name = $2`, [id, t.name, jobId]);
          perHost.set(t.host, (perHost.get(t.host) ?? 0) + 1);
          slots--;
        }
        return;
      }
      if (r.config.gates.soak > 0) {
        const seconds = Math.max(1, Math.ceil(r.config.gates.soak / 1000));
        await c.query(`UPDATE ${S}.waves SET state = 'soaking', not_before = clock_timestamp() + make_interval(secs => $3) WHERE rollout_id = $1 AND wave = $2`, [id, w.wave, r.config.gates.soak / 1000]);
        await ctl.boss.send(ctl.advanceQueue, { rolloutId: id }, { db: txDb(c), startAfter: seconds });
        return;
      }
    }
    // the wave is done: gates
    const gate = await evaluateGates(c, r, w);
    if (!gate.ok) {
      const failed = gate.checks.filter((x) => !x.ok).map((x) => x.detail).join('; ');
      await c.query(`UPDATE ${S}.waves SET state = 'failed', finished_at = clock_timestamp(), gate = $3 WHERE rollout_id = $1 AND wave = $2`, [id, w.wave, JSON.stringify(gate)]);
      await c.query(`UPDATE ${S}.rollouts SET state = 'stopped', stop_reason = $2, updated_at = clock_timestamp() WHERE id = $1`, [id, `the gate after wave ${w.wave + 1} (${w.name}) failed: ${failed}`]);
      await unqueueLocked(c, id);
      return;
    }
    await c.query(`UPDATE ${S}.waves SET state = 'passed', finished_at = clock_timestamp(), gate = $3 WHERE rollout_id = $1 AND wave = $2`, [id, w.wave, JSON.stringify(gate)]);
    await c.query(`UPDATE ${S}.rollouts SET current_wave = current_wave + 1, updated_at = clock_timestamp() WHERE id = $1`, [id]);
  }
}

function runCommand(argv: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim().slice(0, 500);
      if (!err) return resolve({ code: 0, output });
      const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, output: output || err.message });
    });
  });
}

async function evaluateGates(c: pg.PoolClient, r: RolloutRow, w: WaveRow): Promise<GateResult> {
  const g = r.config.gates;
  const checks: GateCheck[] = [];
  const ts = (await c.query<TargetRow>(`SELECT * FROM ${S}.targets WHERE rollout_id = $1 AND wave = $2`, [r.id, w.wave])).rows;
  if (w.wave === 0) {
    for (const t of ts.filter((x) => x.state === 'applied')) {
      const predicted = t.predicted_blocking_ms ?? 0;
      const measured = t.measured_blocking_ms ?? 0;
      const limit = predicted * g.canaryBlockingFactor + g.canaryBlockingSlack;
      checks.push({
        gate: 'canary_blocking',
        ok: measured <= limit,
        detail: `canary ${t.name}: measured blocking ${Math.round(measured)} ms vs predicted ${Math.round(predicted)} ms (limit ${Math.round(limit)} ms = ${g.canaryBlockingFactor}× prediction + ${g.canaryBlockingSlack} ms)`,
      });
    }
  }
  const violations = ts.reduce((n, t) => n + (t.slo_violations ?? 0), 0);
  const offenders = ts.filter((t) => (t.slo_violations ?? 0) > 0).map((t) => t.name);
  checks.push({ gate: 'slo', ok: violations <= g.sloViolations, detail: `${violations} SLO violation(s) in the wave${offenders.length ? ` (${offenders.slice(0, 5).join(', ')}${offenders.length > 5 ? ', …' : ''})` : ''}, ${g.sloViolations} allowed` });
  if (g.command) {
    const res = await runCommand(g.command, { CONFITURE_ROLLOUT_ID: r.id, CONFITURE_ENV: r.env, CONFITURE_WAVE: String(w.wave + 1), CONFITURE_WAVE_NAME: w.name });
    checks.push({ gate: 'command', ok: res.code === 0, detail: `gate command ${g.command[0]} exited ${res.code}${res.output ? `: ${res.output}` : ''}` });
  }
  const override = (r.config as { overrideGateWave?: number }).overrideGateWave === w.wave;
  const ok = checks.every((x) => x.ok);
  return { ok: ok || override, checks, at: new Date().toISOString(), ...(override && !ok ? { overridden: true } : {}) };
}

// ---------- failed targets ----------

/**
 * Marks a target failed (under the rollout's lock): it counts against the error budget, and
 * reaching the budget stops the rollout and fails the wave, so `resume` retries it.
 */
export async function failTargetLocked(c: pg.PoolClient, rolloutId: string, target: string, error: { code: string; message: string }, extra: { durationMs?: number } = {}): Promise<void> {
  const t = (
    await c.query<{ wave: number }>(
      `UPDATE ${S}.targets SET state = 'failed', finished_at = clock_timestamp(), duration_ms = COALESCE($4, duration_ms, EXTRACT(EPOCH FROM clock_timestamp() - started_at) * 1000), error = $3
       WHERE rollout_id = $1 AND name = $2 RETURNING wave`,
      [rolloutId, target, JSON.stringify(error), extra.durationMs ?? null],
    )
  ).rows[0];
  if (!t) return;
  const f = await c.query<{ failures: number; state: string; budget: number }>(
    `UPDATE ${S}.rollouts SET failures = failures + 1, updated_at = clock_timestamp() WHERE id = $1 RETURNING failures, state, (config->>'errorBudget')::int AS budget`,
    [rolloutId],
  );
  const row = f.rows[0]!;
  if (row.state === 'running' && row.failures >= row.budget) {
    await c.query(`UPDATE ${S}.rollouts SET state = 'stopped', stop_reason = $2 WHERE id = $1`, [rolloutId, `${row.failures} target(s) failed (error budget ${row.budget}); last: ${target}: ${error.message.slice(0, 300)}`]);
    await c.query(`UPDATE ${S}.waves SET state = 'failed', finished_at = clock_timestamp() WHERE rollout_id = $1 AND wave = $2`, [rolloutId, t.wave]);
    await unqueueLocked(c, rolloutId);
  }
}

/**
 * The rollout stopped or paused: targets queued but not yet claimed by a worker go back to
 * `pending` at once (status must not show them as about to run), and their jobs become stale —
 * a worker that fetches one later finds another job id (or none) on the target and leaves it.
 * Targets already `running` finish their migration (the engine never abandons one mid-way).
 */
async function unqueueLocked(c: pg.PoolClient, rolloutId: string): Promise<void> {
  await c.query(`UPDATE ${S}.targets SET state = 'pending', job_id = NULL WHERE rollout_id = $1 AND state = 'queued'`, [rolloutId]);
}

/** The message of a pg-boss job's output (a thrown error, or the expiry notice). */
export function jobErrorMessage(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const m = typeof o?.message === 'string' ? o.message : typeof o?.value?.message === 'string' ? o.value.message : null;
  return m ?? 'the job failed';
}

/**
 * Targets whose job the engine gave up on (every retry used: a worker that kept dying or timing
 * out, another worker holding the target's run lock, the control database gone mid-job) end
 * `failed` with the job's last error instead of staying `queued`/`running` forever. Called by
 * `rollout status`, the GUI and after every target a worker finishes.
 */
export async function reconcileRollout(ctl: Control, rolloutId: string): Promise<number> {
  const open = (await ctl.pool.query<{ name: string; job_id: string; attempts: number }>(`SELECT name, job_id, attempts FROM ${S}.targets WHERE rollout_id = $1 AND state IN ('queued', 'running') AND job_id IS NOT NULL`, [rolloutId])).rows;
  const dead: { name: string; jobId: string; message: string; retries: number }[] = [];
  for (const t of open) {
    const job = await ctl.boss.getJobById(ctl.targetQueue, t.job_id, { includeArchive: true });
    if (job && (job.state === 'failed' || job.state === 'cancelled')) dead.push({ name: t.name, jobId: t.job_id, message: job.state === 'cancelled' ? 'the job was cancelled in the job engine' : jobErrorMessage(job.output), retries: job.retryCount });
  }
  if (dead.length === 0) return 0;
  let n = 0;
  await inTx(ctl.pool, rolloutId, async (c) => {
    for (const d of dead) {
      // still the same job, still open (a worker may have finished it meanwhile)
      const still = await c.query(`SELECT 1 FROM ${S}.targets WHERE rollout_id = $1 AND name = $2 AND job_id = $3 AND state IN ('queued', 'running') FOR UPDATE`, [rolloutId, d.name, d.jobId]);
      if (still.rowCount === 0) continue;
      await c.query(`UPDATE ${S}.target_attempts SET outcome = 'failed', finished_at = clock_timestamp() WHERE rollout_id = $1 AND name = $2 AND outcome IS NULL`, [rolloutId, d.name]);
      await failTargetLocked(c, rolloutId, d.name, { code: 'job_failed', message: `the job engine gave up after ${d.retries + 1} attempt(s): ${d.message}` });
      n++;
    }
    if (n > 0) await pumpLocked(ctl, c, rolloutId);
  });
  if (n > 0) log.warn({ rolloutId, targets: n }, 'targets whose job exhausted its retries marked failed');
  return n;
}

// ---------- operator actions ----------

async function requireRollout(c: pg.PoolClient, id: string): Promise<RolloutRow> {
  const r = await readRollout(c, id, true);
  if (!r) throw new ConfitureError('not_found', `No rollout ${id} in the control database`, { field: 'rollout' });
  return r;
}

export async function pauseRollout(ctl: Control, id: string): Promise<RolloutRow> {
  return inTx(ctl.pool, id, async (c) => {
    const r = await requireRollout(c, id);
    if (r.state !== 'running') throw new ConfitureError('invalid_input', `Rollout ${id} is ${r.state}: only a running rollout can be paused`, { field: 'rollout' });
    await c.query(`UPDATE ${S}.rollouts SET state = 'paused', updated_at = clock_timestamp() WHERE id = $1`, [id]);
    await unqueueLocked(c, id);
    return (await readRollout(c, id))!;
  });
}

export async function resumeRollout(ctl: Control, id: string, opts: { overrideGate?: boolean } = {}): Promise<RolloutRow> {
  return inTx(ctl.pool, id, async (c) => {
    const r = await requireRollout(c, id);
    if (r.state !== 'paused' && r.state !== 'stopped') throw new ConfitureError('invalid_input', `Rollout ${id} is ${r.state}: only a paused or stopped rollout can be resumed`, { field: 'rollout' });
    // failed targets of the current wave are retried; applied ones are never touched again
    await c.query(`UPDATE ${S}.targets SET state = 'pending', job_id = NULL, error = NULL WHERE rollout_id = $1 AND wave = $2 AND state = 'failed'`, [id, r.current_wave]);
    await c.query(`UPDATE ${S}.waves SET state = 'running', finished_at = NULL, gate = NULL WHERE rollout_id = $1 AND wave = $2 AND state = 'failed'`, [id, r.current_wave]);
    const config = opts.overrideGate ? { ...r.config, overrideGateWave: r.current_wave } : r.config;
    await c.query(`UPDATE ${S}.rollouts SET state = 'running', failures = 0, stop_reason = NULL, config = $2, updated_at = clock_timestamp() WHERE id = $1`, [id, JSON.stringify(config)]);
    await pumpLocked(ctl, c, id);
    return (await readRollout(c, id))!;
  });
}

export async function abortRollout(ctl: Control, id: string): Promise<RolloutRow> {
  return inTx(ctl.pool, id, async (c) => {
    const r = await requireRollout(c, id);
    if (r.state === 'completed' || r.state === 'aborted') throw new ConfitureError('invalid_input', `Rollout ${id} is already ${r.state}`, { field: 'rollout' });
    await c.query(`UPDATE ${S}.targets SET state = 'skipped' WHERE rollout_id = $1 AND state IN ('pending', 'queued')`, [id]);
    await c.query(`UPDATE ${S}.rollouts SET state = 'aborted', finished_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1`, [id]);
    return (await readRollout(c, id))!;
  });
}

/** The newest rollout of a project in an environment (for `--env prod` without an id). */
export async function latestRollout(db: pg.Pool, project: string, env: string): Promise<string | null> {
  const r = await db.query<{ id: string }>(`SELECT id FROM ${S}.rollouts WHERE project = $1 AND env = $2 ORDER BY created_at DESC LIMIT 1`, [project, env]);
  return r.rows[0]?.id ?? null;
}

export interface RolloutStatus {
  rollout: RolloutRow;
  waves: (WaveRow & { counts: Record<string, number> })[];
  targets: TargetRow[];
  counts: Record<string, number>;
}

export async function rolloutStatus(db: pg.Pool, id: string): Promise<RolloutStatus> {
  const rollout = await readRollout(db, id);
  if (!rollout) throw new ConfitureError('not_found', `No rollout ${id} in the control database`, { field: 'rollout' });
  const [waves, targets] = await Promise.all([readWaves(db, id), readTargets(db, id)]);
  const count = (ts: TargetRow[]) => ts.reduce<Record<string, number>>((m, t) => ({ ...m, [t.state]: (m[t.state] ?? 0) + 1 }), {});
  return { rollout, waves: waves.map((w) => ({ ...w, counts: count(targets.filter((t) => t.wave === w.wave)) })), targets, counts: count(targets) };
}

export { inTx as inRolloutTx };
