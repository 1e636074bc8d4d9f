/**
 * A target whose job exhausts the job engine's retries ends `failed` (with the last error), counts
 * against the wave's error budget and is retried by `resume` — it never stays "running" (issue 15).
 * Real PostgreSQL: target databases listed by a query on the control database, pg-boss jobs.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { RUN_LOCK_NAMESPACE, runLockKey } from '../../../src-main/engine/runlock';
import { openFleet, pauseRollout, planRollout, reconcileRollout, resumeRollout, rolloutStatus, startRollout, startWorker } from '../../../src-main/fleet';
import { openValidProject } from '../../../src-main/project';
import { createTestDatabase, urlFor, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { createDatabases, dropDatabases, settleRollout } from './helpers';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const N = 4;
let control: TestDatabase;
const targets: string[] = [];
const projects: TempProject[] = [];
const suffix = crypto.randomBytes(4).toString('hex');
let ctx: AppContext;

function project(name: string, schema: string, retries: number): ReturnType<typeof openValidProject> {
  const p = makeProject(
    { '0001_items.up.sql': `CREATE TABLE ${schema}_items (id int);\n` },
    `name: ${name}
tracking: { schema: ${schema} }
environments:
  prod:
    query:
      db: ${control.url}
      sql: SELECT name, dsn, labels FROM tenants ORDER BY name
fleet:
  control: ${control.url}
  jobTimeout: 30s
  jobRetries: ${retries}
  rollout:
    concurrency: 3
    errorBudget: 1
    waves: [{ name: canary, size: 1 }, { size: rest }]
`,
  );
  projects.push(p);
  return openValidProject(p.dir);
}

beforeAll(async () => {
  control = await createTestDatabase('cf_fleet_ex');
  for (let i = 0; i < N; i++) targets.push(`cf_fleet_x_${suffix}_${i}`);
  await createDatabases(targets);
  await control.pool.query('CREATE TABLE tenants (name text PRIMARY KEY, dsn text NOT NULL, labels jsonb NOT NULL)');
  for (const [i, t] of targets.entries()) await control.pool.query('INSERT INTO tenants VALUES ($1, $2, $3)', [`tenant-${i}`, urlFor(t), '{}']);
  ctx = createContext({ mode: 'cli' });
});

afterAll(async () => {
  await ctx?.close();
  for (const p of projects) p.remove();
  await dropDatabases(targets);
  await control?.drop();
});

describe('a target whose job exhausts its retries', () => {
  it('ends failed with the last error, stops the wave on the error budget, and resume completes it', async () => {
    const p = project('fleet-ex-a', 'fleet_ex_a', 1);
    // another session holds tenant-2's run lock: every attempt of its job throws lock_held
    const holder = new pg.Client({ connectionString: urlFor(targets[2]!) });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, $2)', [RUN_LOCK_NAMESPACE, runLockKey('fleet_ex_a')]);
    const fleet = await openFleet(p, ctx, { supervise: true });
    const worker = await startWorker({ ctl: fleet.ctl, project: p, ctx, concurrency: 2, pollingIntervalSeconds: 0.5, id: 'ex-worker' });
    try {
      const id = await startRollout(fleet.ctl, await planRollout(p, { env: 'prod', openEmbedded: fleet.openEmbedded }));
      // the stop itself leaves nothing queued: a target not yet claimed goes back to pending at once
      const atStop = await settleRollout(fleet, id, { drain: false });
      expect(atStop.targets.some((t) => t.state === 'queued')).toBe(false);
      const stopped = await settleRollout(fleet, id);
      expect(stopped.rollout.state).toBe('stopped');
      const t2 = stopped.targets.find((t) => t.name === 'tenant-2')!;
      expect(t2.state).toBe('failed');
      expect(t2.attempts).toBe(2);
      expect(t2.error?.code).toBe('lock_held');
      expect(t2.error?.message).toMatch(/gave up after 2 attempt\(s\): Another migration run holds the lock/);
      expect(stopped.rollout.failures).toBe(1);
      expect(stopped.rollout.stop_reason).toMatch(/error budget 1.*tenant-2/);
      expect(stopped.waves[1]!.state).toBe('failed');
      expect(stopped.targets.some((t) => t.state === 'running' || t.state === 'queued')).toBe(false);

      // the other session ends; resume retries the failed target and completes
      await holder.query('SELECT pg_advisory_unlock_all()');
      await resumeRollout(fleet.ctl, id);
      const done = await settleRollout(fleet, id);
      expect(done.rollout.state).toBe('completed');
      expect(done.targets.every((t) => t.state === 'applied')).toBe(true);
      expect(done.targets.find((t) => t.name === 'tenant-2')!.error).toBeNull();
    } finally {
      await holder.end().catch(() => undefined);
      await worker.stop();
      await fleet.close();
    }
  });

  it('a job the engine failed for good while no handler ran (a worker that died on its last attempt) is reconciled to failed', async () => {
    const p = project('fleet-ex-b', 'fleet_ex_b', 0);
    const fleet = await openFleet(p, ctx);
    try {
      const id = await startRollout(fleet.ctl, await planRollout(p, { env: 'prod', openEmbedded: fleet.openEmbedded }));
      // a "worker" takes the canary's job, claims the target, and dies: the engine fails the job (no retry left)
      const [job] = await fleet.ctl.boss.fetch<{ rolloutId: string; target: string }>(fleet.ctl.targetQueue);
      expect(job?.data.target).toBe('tenant-0');
      await fleet.ctl.pool.query(`UPDATE confiture_fleet.targets SET state = 'running', attempts = 1, started_at = clock_timestamp() WHERE rollout_id = $1 AND name = 'tenant-0'`, [id]);
      await fleet.ctl.boss.fail(fleet.ctl.targetQueue, job!.id, { value: { message: 'job failed by timeout in active state' } });
      const before = await rolloutStatus(fleet.ctl.pool, id);
      expect(before.targets[0]!.state).toBe('running');

      expect(await reconcileRollout(fleet.ctl, id)).toBe(1);
      const s = await rolloutStatus(fleet.ctl.pool, id);
      expect(s.targets[0]!.state).toBe('failed');
      expect(s.targets[0]!.error).toEqual({ code: 'job_failed', message: 'the job engine gave up after 1 attempt(s): job failed by timeout in active state' });
      expect(s.rollout.state).toBe('stopped');
      expect(s.rollout.failures).toBe(1);
      expect(s.waves[0]!.state).toBe('failed');
      // idempotent
      expect(await reconcileRollout(fleet.ctl, id)).toBe(0);

      // resumable: a worker now applies it and the rollout completes
      await resumeRollout(fleet.ctl, id);
      const worker = await startWorker({ ctl: fleet.ctl, project: p, ctx, concurrency: 2, pollingIntervalSeconds: 0.5, id: 'ex-worker-b' });
      try {
        const done = await settleRollout(fleet, id);
        expect(done.rollout.state).toBe('completed');
        expect(done.counts.applied).toBe(N);
      } finally {
        await worker.stop();
      }
    } finally {
      await fleet.close();
    }
  });

  it('a pause sends queued targets back to pending at once; the stale job a worker fetches after the resume is left alone (each target runs once)', async () => {
    const p = project('fleet-ex-c', 'fleet_ex_c', 1);
    const fleet = await openFleet(p, ctx);
    try {
      // no worker yet: the canary's job waits in the engine
      const id = await startRollout(fleet.ctl, await planRollout(p, { env: 'prod', openEmbedded: fleet.openEmbedded }));
      const queued = await rolloutStatus(fleet.ctl.pool, id);
      expect(queued.targets[0]).toMatchObject({ name: 'tenant-0', state: 'queued' });
      const staleJob = queued.targets[0]!.job_id;
      expect(staleJob).not.toBeNull();

      await pauseRollout(fleet.ctl, id);
      const paused = await rolloutStatus(fleet.ctl.pool, id);
      expect(paused.targets[0]).toMatchObject({ state: 'pending', job_id: null });

      await resumeRollout(fleet.ctl, id);
      const resumed = await rolloutStatus(fleet.ctl.pool, id);
      expect(resumed.targets[0]!.state).toBe('queued');
      expect(resumed.targets[0]!.job_id).not.toBe(staleJob);

      // both jobs are in the engine now; the worker takes both, only the current one applies
      const worker = await startWorker({ ctl: fleet.ctl, project: p, ctx, concurrency: 2, pollingIntervalSeconds: 0.5, id: 'ex-worker-c' });
      try {
        const done = await settleRollout(fleet, id);
        expect(done.rollout.state).toBe('completed');
        expect(done.counts.applied).toBe(N);
        expect(done.targets.every((t) => t.attempts === 1)).toBe(true);
        // the stale job was fetched (it is older) and ended without touching the target
        await expect.poll(async () => (await fleet.ctl.boss.getJobById(fleet.ctl.targetQueue, staleJob!, { includeArchive: true }))?.state, { timeout: 20_000 }).toBe('completed');
        const attempts = await fleet.ctl.pool.query('SELECT count(*)::int AS n FROM confiture_fleet.target_attempts WHERE rollout_id = $1 AND name = $2', [id, 'tenant-0']);
        expect(attempts.rows[0].n).toBe(1);
      } finally {
        await worker.stop();
      }
    } finally {
      await fleet.close();
    }
  });
});
