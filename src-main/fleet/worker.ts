/**
 * `confiture worker`: pulls per-target jobs of a project's rollouts from pg-boss and applies the
 * rollout's migrations to that target with the ordinary engine (one transaction per migration,
 * the target's run lock, its tracking schema as the truth). A worker killed mid-target leaves the
 * target consistent (the transaction rolls back); the job expires after `fleet.jobTimeout` and
 * pg-boss hands it to another worker, which applies only what is still missing.
 */
import os from 'node:os';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { LockMonitorSnapshot } from '../../src-shared/domain/runner';
import type { AppContext } from '../context';
import { connectClient } from '../db';
import { runMigrations, type EngineTarget } from '../engine';
import { ConfitureError, toErrorValue } from '../errors';
import { standardListeners } from '../lifecycle';
import { childLogger } from '../logging';
import type { Project } from '../project';
import { riskReportForProject } from '../risk';
import { evaluateRun } from '../slo';
import { CONTROL_SCHEMA as S, readRollout, type RolloutRow, type TargetRow } from './control';
import { failTargetLocked, inRolloutTx, jobErrorMessage, pump, reconcileRollout, type Control } from './rollout';
import { connectionFromSource } from './targets';

const log = childLogger({ service: 'fleet-worker' });

export interface WorkerOptions {
  ctl: Control;
  project: Project;
  /** resolves `embedded:<db>` targets */
  ctx: AppContext;
  /** targets this process migrates at once */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  id?: string;
  /** called after each target job (tests, progress) */
  onTarget?: (e: { rolloutId: string; target: string; state: string; attempt: number }) => void;
}

export interface RunningWorker {
  id: string;
  stop(): Promise<void>;
}

interface TargetJob {
  rolloutId: string;
  target: string;
}

/** Checks that the worker's migration files are the rollout's (same versions, same checksums). */
function checkProject(project: Project, r: RolloutRow): string | null {
  if (project.name !== r.project) return `this worker serves project ${project.name}, the rollout is of ${r.project}`;
  for (const v of r.versions) {
    const m = project.migrations.find((x) => x.version === v.version);
    if (!m) return `migration ${v.version}_${v.name} of the rollout is missing from this worker's ${project.migrationsDir}`;
    if (m.checksum !== v.checksum) return `migration ${v.version}_${v.name} differs from the rollout's (checksum ${m.checksum.slice(0, 12)} vs ${v.checksum.slice(0, 12)}): update the worker's checkout`;
  }
  return null;
}

async function engineTargetFor(ctx: AppContext, t: TargetRow): Promise<EngineTarget & { pool(): pg.Pool }> {
  const c = connectionFromSource(t.source, `target ${t.name}`);
  const { resolved } = await ctx.connections.resolve(c.connection);
  return {
    label: c.label,
    connect: () => connectClient({ ...resolved, config: { ...resolved.config } }),
    pool: () => {
      const pool = new pg.Pool({ ...resolved.config, max: 2, idleTimeoutMillis: 10_000 });
      pool.on('error', (err) => log.warn({ err: err.message, target: t.name }, 'idle client error'));
      return pool;
    },
  };
}

async function predictBlocking(project: Project, target: EngineTarget, to: string | null): Promise<number | null> {
  let client: pg.Client | null = null;
  try {
    client = await target.connect();
    const report = await riskReportForProject(project, client, to ? { to } : {});
    return report.migrations.reduce((n, m) => n + m.blockingWindowMs.estimate, 0);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'blocking prediction for the canary failed');
    return null;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

async function processTarget(o: WorkerOptions, workerId: string, jobId: string, job: TargetJob): Promise<void> {
  const { ctl, project } = o;
  const claim = await inRolloutTx(ctl.pool, job.rolloutId, async (c) => {
    const r = await readRollout(c, job.rolloutId, true);
    const t = (await c.query<TargetRow>(`SELECT * FROM ${S}.targets WHERE rollout_id = $1 AND name = $2 FOR UPDATE`, [job.rolloutId, job.target])).rows[0];
    if (!r || !t) return null;
    if (t.state === 'applied' || t.state === 'failed' || t.state === 'skipped' || t.state === 'pending') return null;
    // a job of an earlier round (the rollout stopped or paused, the target went back to pending and
    // a resume queued it again under a new job): only the target's current job may claim it
    if (t.job_id !== null && t.job_id !== jobId) return null;
    if (r.state !== 'running') {
      // paused or stopped: the target goes back to the pool and is queued again on resume
      await c.query(`UPDATE ${S}.targets SET state = $3, job_id = NULL WHERE rollout_id = $1 AND name = $2`, [job.rolloutId, job.target, r.state === 'aborted' ? 'skipped' : 'pending']);
      return null;
    }
    const a = await c.query<{ attempts: number }>(`UPDATE ${S}.targets SET state = 'running', attempts = attempts + 1, worker = $3, started_at = clock_timestamp() WHERE rollout_id = $1 AND name = $2 RETURNING attempts`, [job.rolloutId, job.target, workerId]);
    await c.query(`INSERT INTO ${S}.target_attempts (rollout_id, name, attempt, worker) VALUES ($1, $2, $3, $4)`, [job.rolloutId, job.target, a.rows[0]!.attempts, workerId]);
    return { r, t, attempt: a.rows[0]!.attempts };
  });
  if (!claim) return;
  const { r, t, attempt } = claim;
  const started = Date.now();
  let state: 'applied' | 'failed' = 'failed';
  let error: { code: string; message: string } | null = null;
  let applied: string[] = [];
  let predicted: number | null = null;
  let measured = 0;
  let sloViolations: number | null = null;
  let runId: string | null = null;
  const mismatch = checkProject(project, r);
  let targetPool: pg.Pool | null = null;
  if (mismatch) error = { code: 'project_error', message: mismatch };
  else {
    try {
      const target = await engineTargetFor(o.ctx, t);
      if (t.wave === 0) predicted = await predictBlocking(project, target, r.target_version);
      // the same lifecycle as `migrate up` on this target: hooks (gates included), lint/risk review,
      // the approval policy (anchored in the control database: one sign-off for the fleet), SLO and
      // perf listeners. A refusal fails the target with the gate's reason.
      targetPool = target.pool();
      const standard = standardListeners(project, targetPool, {
        connect: target.connect,
        connectionLabel: target.label,
        appVersion: o.ctx.version,
        approvalAnchor: ctl.pool,
        // the SLO listener's own check of this run feeds the wave's SLO gate (evaluated once)
        onSloCheck: (check) => {
          sloViolations = check.violations.length;
        },
      });
      const report = await runMigrations(project, target, {
        listeners: standard.listeners,
        kind: 'up',
        ...(r.target_version ? { to: r.target_version } : {}),
        appVersion: o.ctx.version,
        startedBy: `confiture fleet ${r.env} (${workerId})`,
        monitor: { intervalMs: 200 },
        publish: (stream, _topic, event) => {
          if (stream !== 'locks/monitor') return;
          for (const b of (event as LockMonitorSnapshot).blocked) measured = Math.max(measured, b.waitingMs ?? 0);
        },
      });
      runId = report.runId;
      applied = report.migrations.filter((m) => m.outcome === 'applied').map((m) => m.version);
      if (report.ok) state = 'applied';
      else error = report.error ? { code: report.error.code, message: report.error.message } : { code: 'migration_failed', message: report.outcome };
      if (report.migrations.length === 0) sloViolations = 0;
      else if (sloViolations === null) {
        // the listener's check failed (it never fails a run, only logs): the gate must not read that
        // as "no violation", so evaluate here, where a failure fails the target
        const client = await target.connect();
        try {
          sloViolations = (await evaluateRun(client, project, report.runId)).violations.length;
        } finally {
          await client.end().catch(() => undefined);
        }
      }
    } catch (e) {
      // another worker holds this target's run lock (a job that expired while still running): let the engine retry later
      if (e instanceof ConfitureError && e.code === 'lock_held') {
        await inRolloutTx(ctl.pool, job.rolloutId, (c) => c.query(`UPDATE ${S}.target_attempts SET outcome = 'lock_held', finished_at = clock_timestamp() WHERE rollout_id = $1 AND name = $2 AND attempt = $3`, [job.rolloutId, job.target, attempt]));
        throw e;
      }
      const v = toErrorValue(e);
      error = { code: v.code, message: v.message };
    } finally {
      await targetPool?.end().catch(() => undefined);
    }
  }
  await inRolloutTx(ctl.pool, job.rolloutId, async (c) => {
    await c.query(
      `UPDATE ${S}.targets SET state = $3, finished_at = clock_timestamp(), duration_ms = $4, applied = $5, predicted_blocking_ms = $6, measured_blocking_ms = $7, slo_violations = $8, error = $9, run_id = $10
       WHERE rollout_id = $1 AND name = $2`,
      [job.rolloutId, job.target, state, Date.now() - started, JSON.stringify(applied), predicted, measured, sloViolations, error ? JSON.stringify(error) : null, runId],
    );
    await c.query(`UPDATE ${S}.target_attempts SET outcome = $4, finished_at = clock_timestamp() WHERE rollout_id = $1 AND name = $2 AND attempt = $3`, [job.rolloutId, job.target, attempt, state]);
    if (state === 'failed') await failTargetLocked(c, job.rolloutId, job.target, error ?? { code: 'migration_failed', message: 'failed' }, { durationMs: Date.now() - started });
  });
  o.onTarget?.({ rolloutId: job.rolloutId, target: job.target, state, attempt });
  await pump(ctl, job.rolloutId);
}

/** The last attempt of a target's job threw: the target ends failed with that error (and counts against the budget). */
async function giveUp(o: WorkerOptions, jobId: string, job: TargetJob, e: unknown, attempts: number): Promise<void> {
  const message = e instanceof Error ? e.message : jobErrorMessage(e);
  await inRolloutTx(o.ctl.pool, job.rolloutId, async (c) => {
    const open = await c.query(`SELECT 1 FROM ${S}.targets WHERE rollout_id = $1 AND name = $2 AND job_id = $3 AND state IN ('queued', 'running') FOR UPDATE`, [job.rolloutId, job.target, jobId]);
    if (open.rowCount === 0) return;
    await c.query(`UPDATE ${S}.target_attempts SET outcome = COALESCE(outcome, 'failed'), finished_at = COALESCE(finished_at, clock_timestamp()) WHERE rollout_id = $1 AND name = $2`, [job.rolloutId, job.target]);
    await failTargetLocked(c, job.rolloutId, job.target, { code: e instanceof ConfitureError ? e.code : 'job_failed', message: `the job engine gave up after ${attempts} attempt(s): ${message}` });
  });
  o.onTarget?.({ rolloutId: job.rolloutId, target: job.target, state: 'failed', attempt: attempts });
  await pump(o.ctl, job.rolloutId);
}

/** Starts pulling jobs; resolves once the worker is registered with the job engine. */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const id = o.id ?? `${os.hostname()}:${process.pid}`;
  const boss: PgBoss = o.ctl.boss;
  const polling = o.pollingIntervalSeconds ?? 1;
  const n = o.concurrency ?? 2;
  for (let i = 0; i < n; i++) {
    await boss.work<TargetJob>(o.ctl.targetQueue, { batchSize: 1, pollingIntervalSeconds: polling, includeMetadata: true }, async (jobs) => {
      for (const job of jobs) {
        try {
          await processTarget(o, id, job.id, job.data);
        } catch (e) {
          // the engine will not retry this job again: the target must not stay "running"
          if (job.retryCount >= job.retryLimit) await giveUp(o, job.id, job.data, e, job.retryCount + 1).catch((err: Error) => log.warn({ err: err.message }, 'marking an exhausted target failed'));
          throw e;
        }
        await reconcileRollout(o.ctl, job.data.rolloutId).catch((err: Error) => log.warn({ err: err.message }, 'reconciling the rollout'));
      }
    });
  }
  await boss.work<{ rolloutId: string }>(o.ctl.advanceQueue, { batchSize: 1, pollingIntervalSeconds: polling }, async (jobs) => {
    for (const job of jobs) await pump(o.ctl, job.data.rolloutId);
  });
  return {
    id,
    async stop() {
      await boss.offWork(o.ctl.targetQueue).catch(() => undefined);
      await boss.offWork(o.ctl.advanceQueue).catch(() => undefined);
    },
  };
}
