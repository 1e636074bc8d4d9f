/**
 * Fleet rollouts on real PostgreSQL: 50 target databases listed by a query on the control
 * database, pg-boss as the job engine, several workers (in-process and `confiture worker`
 * processes, one of them killed with SIGKILL mid-wave).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { openFleet, planRollout, pauseRollout, resumeRollout, rolloutStatus, startRollout, startWorker, type Fleet, type RunningWorker } from '../../../src-main/fleet';
import { openValidProject } from '../../../src-main/project';
import { createTestDatabase, urlFor, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { repo } from '../cli/run-cli';
import { createDatabases, dropDatabases, onDatabase, settleRollout } from './helpers';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

// the size: 50 target databases on the test server
const N = 50;
let control: TestDatabase;
const targets: string[] = [];
const projects: TempProject[] = [];
const suffix = crypto.randomBytes(4).toString('hex');

const onTarget = <T>(i: number, fn: (c: pg.Client) => Promise<T>): Promise<T> => onDatabase(targets[i]!, fn);

function project(name: string, schema: string, migrations: Record<string, string>, extra = ''): ReturnType<typeof openValidProject> {
  // not about approvals (tests/integration/fleet/approval-gate.test.ts is): the policy is off
  const cfg = `name: ${name}
tracking: { schema: ${schema} }
risk: { requireApprovalAbove: null }
environments:
  prod:
    query:
      db: ${control.url}
      sql: SELECT name, dsn, labels FROM tenants ORDER BY name
fleet:
  control: ${control.url}
  jobTimeout: 4s
  jobRetries: 6
${extra}`;
  const p = makeProject(migrations, cfg);
  projects.push(p);
  return openValidProject(p.dir);
}

async function appliedCount(i: number, schema: string): Promise<{ applied: number; history: number[] }> {
  return onTarget(i, async (c) => {
    const exists = (await c.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${schema}.applied_migrations`])).rows[0]!.ok;
    if (!exists) return { applied: 0, history: [] };
    const a = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.applied_migrations`);
    const h = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.migration_history WHERE direction = 'up' GROUP BY version ORDER BY version`);
    return { applied: a.rows[0]!.n, history: h.rows.map((r) => r.n) };
  });
}

let ctx: AppContext;

beforeAll(async () => {
  control = await createTestDatabase('cf_fleet_ctl');
  for (let i = 0; i < N; i++) targets.push(`cf_fleet_t_${suffix}_${String(i).padStart(2, '0')}`);
  await createDatabases(targets);
  await control.pool.query('CREATE TABLE tenants (name text PRIMARY KEY, dsn text NOT NULL, labels jsonb NOT NULL)');
  for (const [i, t] of targets.entries()) {
    await control.pool.query('INSERT INTO tenants VALUES ($1, $2, $3)', [`tenant-${String(i).padStart(2, '0')}`, urlFor(t), JSON.stringify({ tier: i % 3 === 0 ? 'gold' : 'silver' })]);
  }
  ctx = createContext({ mode: 'cli' });
});

afterAll(async () => {
  await ctx?.close();
  for (const p of projects) p.remove();
  await dropDatabases(targets);
  await control?.drop();
});

async function workers(p: ReturnType<typeof openValidProject>, n: number): Promise<{ fleets: Fleet[]; ws: RunningWorker[]; stop(): Promise<void> }> {
  const fleets: Fleet[] = [];
  const ws: RunningWorker[] = [];
  for (let i = 0; i < n; i++) {
    const f = await openFleet(p, ctx, { supervise: true });
    fleets.push(f);
    ws.push(await startWorker({ ctl: f.ctl, project: p, ctx, concurrency: 1, pollingIntervalSeconds: 0.5, id: `test-worker-${i}` }));
  }
  return {
    fleets,
    ws,
    async stop() {
      for (const w of ws) await w.stop();
      for (const f of fleets) await f.close();
    },
  };
}

describe('fleet rollout', () => {
  it('a target failing in wave 2 stops the rollout, later waves untouched; resume completes', async () => {
    const p = project('fleet-a', 'fleet_a', {
      '0001_orders.up.sql': 'CREATE TABLE orders (id int PRIMARY KEY);\n',
      '0002_note.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    }, `  rollout:
    concurrency: 3
    waves: [{ name: canary, size: 1 }, { size: 25% }, { size: rest }]
`);
    // tenant-03 (wave 2: tenants 01..13) already has an orders table: its first migration fails
    await onTarget(3, (c) => c.query('CREATE TABLE orders (id int)'));
    const starter = await openFleet(p, ctx);
    const plan = await planRollout(p, { env: 'prod', openEmbedded: starter.openEmbedded });
    expect(plan.waves.map((w) => w.targets.length)).toEqual([1, 13, 36]);
    const id = await startRollout(starter.ctl, plan);
    const w = await workers(p, 3);
    try {
      const stopped = await settleRollout(starter, id, { reconcile: false });
      expect(stopped.rollout.state).toBe('stopped');
      expect(stopped.rollout.stop_reason).toMatch(/tenant-03/);
      const t3 = stopped.targets.find((t) => t.name === 'tenant-03')!;
      expect(t3.state).toBe('failed');
      expect(t3.error?.message).toMatch(/orders/);
      // wave 3 untouched: no job ran there, no tracking schema created
      const wave3 = stopped.targets.filter((t) => t.wave === 2);
      expect(wave3.every((t) => t.state === 'pending' && t.attempts === 0)).toBe(true);
      for (let i = 14; i < N; i++) expect((await appliedCount(i, 'fleet_a')).applied).toBe(0);
      // the canary measured blocking vs its prediction (gate passed)
      expect(stopped.waves[0]!.state).toBe('passed');
      expect(stopped.waves[0]!.gate!.checks.some((c) => c.gate === 'canary_blocking' && c.ok)).toBe(true);
      expect(stopped.targets[0]!.predicted_blocking_ms).not.toBeNull();

      const before = new Map(stopped.targets.filter((t) => t.state === 'applied').map((t) => [t.name, t.attempts]));
      // the fix, then resume: picks up where it stopped
      await onTarget(3, (c) => c.query('DROP TABLE orders'));
      await resumeRollout(starter.ctl, id);
      const done = await settleRollout(starter, id, { reconcile: false });
      expect(done.rollout.state).toBe('completed');
      expect(done.targets.every((t) => t.state === 'applied')).toBe(true);
      // targets applied before the stop were not queued again
      for (const [name, attempts] of before) expect(done.targets.find((t) => t.name === name)!.attempts).toBe(attempts);
      for (let i = 0; i < N; i++) expect(await appliedCount(i, 'fleet_a')).toEqual({ applied: 2, history: [1, 1] });
    } finally {
      await w.stop();
      await starter.close();
    }
  });

  it('pause stops new targets; resume finishes the rollout', async () => {
    const p = project('fleet-b', 'fleet_b', { '0001_items.up.sql': 'CREATE TABLE b_items (id int);\nSELECT pg_sleep(0.3);\n' }, `  rollout:
    concurrency: 2
    waves: [{ name: canary, size: 1 }, { size: rest }]
`);
    const starter = await openFleet(p, ctx);
    const plan = await planRollout(p, { env: 'prod', select: 'tier=gold', openEmbedded: starter.openEmbedded });
    expect(plan.waves.flatMap((x) => x.targets).length).toBe(Math.ceil(N / 3)); // tier=gold: every third tenant
    const id = await startRollout(starter.ctl, plan);
    const w = await workers(p, 2);
    try {
      // pause once wave 2 started
      for (;;) {
        const s = await rolloutStatus(starter.ctl.pool, id);
        if ((s.counts.applied ?? 0) >= 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await pauseRollout(starter.ctl, id);
      // in-flight targets finish, then nothing moves
      for (;;) {
        const s = await rolloutStatus(starter.ctl.pool, id);
        if (!s.targets.some((t) => t.state === 'running' || t.state === 'queued')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const paused = await rolloutStatus(starter.ctl.pool, id);
      await new Promise((r) => setTimeout(r, 2_000));
      const later = await rolloutStatus(starter.ctl.pool, id);
      expect(later.rollout.state).toBe('paused');
      expect(later.counts.applied).toBe(paused.counts.applied);
      expect(later.counts.applied).toBeLessThan(8);
      expect(later.counts.pending).toBeGreaterThan(0);
      await resumeRollout(starter.ctl, id);
      const done = await settleRollout(starter, id, { reconcile: false });
      expect(done.rollout.state).toBe('completed');
      expect(done.counts.applied).toBe(Math.ceil(N / 3));
      // silver tenants were not in the selection
      expect((await appliedCount(1, 'fleet_b')).applied).toBe(0);
    } finally {
      await w.stop();
      await starter.close();
    }
  });

  it('the gate after the canary fails on an SLO violation', async () => {
    const p = project('fleet-c', 'fleet_c', { '0001_slow.up.sql': 'SELECT pg_sleep(0.05);\nCREATE TABLE c_items (id int);\n' }, `  rollout:
    waves: [{ name: canary, size: 1 }, { size: rest }]
slo:
  objectives:
    - { id: fast-migrations, sli: migration_duration_ms, objective: 0.99, threshold: 1ms }
`);
    const starter = await openFleet(p, ctx);
    const id = await startRollout(starter.ctl, await planRollout(p, { env: 'prod', openEmbedded: starter.openEmbedded }));
    const w = await workers(p, 1);
    try {
      const s = await settleRollout(starter, id, { reconcile: false });
      expect(s.rollout.state).toBe('stopped');
      expect(s.rollout.stop_reason).toMatch(/gate after wave 1 \(canary\) failed: 1 SLO violation/);
      expect(s.waves[0]!.state).toBe('failed');
      expect(s.waves[0]!.gate!.checks.find((c) => c.gate === 'slo')!.ok).toBe(false);
      expect(s.counts.applied).toBe(1);
      expect(s.targets.filter((t) => t.wave === 1).every((t) => t.state === 'pending')).toBe(true);
      // an operator may let it pass; the override is recorded
      await resumeRollout(starter.ctl, id, { overrideGate: true });
      const done = await settleRollout(starter, id, { reconcile: false });
      expect(done.waves[0]!.gate!.overridden).toBe(true);
      // wave 2 has violations too (same slow migration): its own gate stops the rollout after it
      expect(done.rollout.state).toBe('stopped');
      expect(done.counts.applied).toBe(N);
    } finally {
      await w.stop();
      await starter.close();
    }
  });

  it('a worker killed with SIGKILL mid-wave: every target ends applied exactly once', async () => {
    const p = project('fleet-d', 'fleet_d', {
      '0001_a.up.sql': 'CREATE TABLE d_items (id int);\nSELECT pg_sleep(0.4);\n',
      '0002_b.up.sql': 'ALTER TABLE d_items ADD COLUMN v int;\nSELECT pg_sleep(0.4);\n',
    }, `  rollout:
    concurrency: 3
    waves: [{ name: canary, size: 1 }, { size: rest }]
`);
    const starter = await openFleet(p, ctx);
    const procs: ChildProcess[] = [];
    const spawnWorker = () => {
      const env: NodeJS.ProcessEnv = { ...process.env, CONFITURE_LOG_LEVEL: 'silent' };
      delete env.VITEST;
      const child = spawn(process.execPath, [path.join(repo, 'bin', 'confiture.mjs'), 'worker', '-p', p.dir, '--concurrency', '1'], { env, stdio: 'ignore' });
      procs.push(child);
      return child;
    };
    try {
      for (let i = 0; i < 3; i++) spawnWorker();
      const id = await startRollout(starter.ctl, await planRollout(p, { env: 'prod', openEmbedded: starter.openEmbedded }));
      // wait until wave 2 is running on some worker, then kill that worker mid-target
      let victim: string | null = null;
      for (let i = 0; i < 600 && !victim; i++) {
        const r = await starter.ctl.pool.query<{ worker: string }>(`SELECT worker FROM confiture_fleet.targets WHERE rollout_id = $1 AND wave = 1 AND state = 'running' LIMIT 1`, [id]);
        victim = r.rows[0]?.worker ?? null;
        if (!victim) await new Promise((res) => setTimeout(res, 100));
      }
      expect(victim).not.toBeNull();
      const pid = Number(victim!.split(':').pop());
      const child = procs.find((c) => c.pid === pid);
      expect(child).toBeDefined();
      child!.kill('SIGKILL');
      const done = await settleRollout(starter, id, { reconcile: false });
      expect(done.rollout.state).toBe('completed');
      expect(done.targets.every((t) => t.state === 'applied')).toBe(true);
      // the killed worker's target was retried by the job engine on another worker
      const retried = await starter.ctl.pool.query<{ name: string }>(`SELECT DISTINCT name FROM confiture_fleet.target_attempts WHERE rollout_id = $1 AND worker = $2 AND outcome IS NULL`, [id, victim]);
      expect(retried.rows.length).toBeGreaterThan(0);
      for (const r of retried.rows) expect(done.targets.find((t) => t.name === r.name)!.attempts).toBeGreaterThan(1);
      for (let i = 0; i < N; i++) expect(await appliedCount(i, 'fleet_d')).toEqual({ applied: 2, history: [1, 1] });
    } finally {
      for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await Promise.all(procs.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      await starter.close();
    }
  });
});
