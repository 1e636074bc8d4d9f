/**
 * The fleet as the GUI (and the web bridge) sees it: one control database connection per open
 * project, kept for the life of the engine process, and the same service calls as
 * `confiture rollout …` (plan, start, status, pause, resume, abort). Worker slots can run inside
 * the app (`fleet/start` with `workers`), like `confiture rollout start --workers N`.
 */
import path from 'node:path';
import type { FleetAction, FleetEnvironment, FleetOverview, FleetRolloutStatus, FleetRolloutSummary, FleetTargetState } from '../../src-shared/domain/fleet';
import type { AppContext } from '../context';
import { toErrorValue } from '../errors';
import { childLogger } from '../logging';
import { openValidProject, type Project } from '../project';
import { CONTROL_SCHEMA as S } from './control';
import { openFleet, type Fleet } from './index';
import { abortRollout, pauseRollout, planRollout, reconcileRollout, resumeRollout, rolloutStatus, startRollout, waveSizes, type RolloutStatus } from './rollout';
import { resolveEnvironment, rolloutConfigFor } from './targets';
import { startWorker, type RunningWorker } from './worker';

const log = childLogger({ service: 'fleet-gui' });

interface Entry {
  key: string;
  fleet: Promise<Fleet>;
  worker: { w: RunningWorker; slots: number } | null;
}

const sessions = new WeakMap<AppContext, Map<string, Entry>>();

function entriesOf(ctx: AppContext): Map<string, Entry> {
  let m = sessions.get(ctx);
  if (!m) {
    const map = new Map<string, Entry>();
    sessions.set(ctx, map);
    m = map;
    // the control connections and in-app workers end with the engine process's context
    const close = ctx.close.bind(ctx);
    ctx.close = async () => {
      await closeFleetSessions(ctx);
      await close();
    };
  }
  return m;
}

export async function closeFleetSessions(ctx: AppContext): Promise<void> {
  const m = sessions.get(ctx);
  if (!m) return;
  const all = [...m.values()];
  m.clear();
  for (const e of all) {
    await e.worker?.w.stop().catch(() => undefined);
    await e.fleet.then((f) => f.close()).catch(() => undefined);
  }
}

/** The project's control database (opened once per project folder and control setting). */
async function fleetFor(ctx: AppContext, project: Project): Promise<Entry & { f: Fleet }> {
  const m = entriesOf(ctx);
  const key = `${path.resolve(project.dir)}\u0000${project.config.fleet.control}\u0000${project.name}`;
  let e = m.get(key);
  if (!e) {
    const entry: Entry = { key, fleet: openFleet(project, ctx, { supervise: true }), worker: null };
    m.set(key, entry);
    entry.fleet.catch(() => m.delete(key));
    e = entry;
  }
  return Object.assign(e, { f: await e.fleet });
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

type Counts = Partial<Record<FleetTargetState, number>>;

async function listRollouts(f: Fleet, project: string): Promise<FleetRolloutSummary[]> {
  const r = await f.ctl.pool.query<{ id: string; env: string; state: FleetRolloutSummary['state']; target_version: string | null; created_at: Date; created_by: string; finished_at: Date | null; counts: Counts | null }>(
    `SELECT r.id, r.env, r.state, r.target_version, r.created_at, r.created_by, r.finished_at,
            (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM ${S}.targets t WHERE t.rollout_id = r.id GROUP BY state) c) AS counts
     FROM ${S}.rollouts r WHERE r.project = $1 ORDER BY r.created_at DESC LIMIT 50`,
    [project],
  );
  return r.rows.map((x) => {
    const counts = x.counts ?? {};
    return { id: x.id, env: x.env, state: x.state, targetVersion: x.target_version, createdAt: iso(x.created_at)!, createdBy: x.created_by, finishedAt: iso(x.finished_at), counts, targets: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0) };
  });
}

export async function fleetOverview(ctx: AppContext, dir: string): Promise<FleetOverview> {
  const project = openValidProject(dir);
  const envNames = Object.keys(project.config.environments);
  const base = { project: project.name, control: project.config.fleet.control, controlError: null, environments: [] as FleetEnvironment[], rollouts: [] as FleetRolloutSummary[], appWorkers: 0 };
  // nothing configured: do not start a control database for nothing
  if (envNames.length === 0) return base;
  let fleet: Entry & { f: Fleet };
  try {
    fleet = await fleetFor(ctx, project);
  } catch (e) {
    return { ...base, controlError: toErrorValue(e) };
  }
  const f = fleet.f;
  const environments: FleetEnvironment[] = [];
  for (const name of envNames) {
    const cfg = rolloutConfigFor(project.config, name);
    try {
      const ts = await resolveEnvironment(project.config, name, { openEmbedded: f.openEmbedded });
      const sizes = waveSizes(ts.length, cfg.waves);
      environments.push({
        name,
        targets: ts.map((t) => ({ name: t.name, labels: t.labels, host: t.host, connection: t.label })),
        error: null,
        waves: sizes.map((size, i) => ({ name: cfg.waves[i]!.name ?? (i === 0 && size === 1 ? 'canary' : `wave ${i + 1}`), size, concurrency: cfg.waves[i]!.concurrency ?? cfg.concurrency })),
        errorBudget: cfg.errorBudget,
      });
    } catch (e) {
      environments.push({ name, targets: null, error: toErrorValue(e), waves: [], errorBudget: cfg.errorBudget });
    }
  }
  return { ...base, control: f.controlLabel, environments, rollouts: await listRollouts(f, project.name), appWorkers: fleet.worker?.slots ?? 0 };
}

export function statusView(s: RolloutStatus): FleetRolloutStatus {
  const r = s.rollout;
  const g = r.config.gates;
  const canaryRow = s.targets.find((t) => t.wave === 0) ?? null;
  const canaryWave = s.waves.find((w) => w.wave === 0);
  const isCanary = canaryRow !== null && canaryWave !== undefined && canaryWave.size === 1;
  return {
    rollout: {
      id: r.id,
      env: r.env,
      state: r.state,
      targetVersion: r.target_version,
      createdAt: iso(r.created_at)!,
      createdBy: r.created_by,
      finishedAt: iso(r.finished_at),
      targets: s.targets.length,
      counts: s.counts,
      currentWave: r.current_wave,
      failures: r.failures,
      errorBudget: r.config.errorBudget,
      stopReason: r.stop_reason,
      versions: r.versions.map((v) => v.version),
      gates: { canaryBlockingFactor: g.canaryBlockingFactor, canaryBlockingSlack: g.canaryBlockingSlack, sloViolations: g.sloViolations },
    },
    waves: s.waves.map((w) => ({
      wave: w.wave,
      name: w.name,
      size: w.size,
      concurrency: w.concurrency,
      state: w.state,
      startedAt: iso(w.started_at),
      finishedAt: iso(w.finished_at),
      notBefore: iso(w.not_before),
      gate: w.gate ? { ok: w.gate.ok, overridden: w.gate.overridden === true, checks: w.gate.checks.map((c) => ({ gate: c.gate, ok: c.ok, detail: c.detail })) } : null,
      counts: w.counts,
    })),
    targets: s.targets.map((t) => ({
      name: t.name,
      wave: t.wave,
      state: t.state,
      attempts: t.attempts,
      host: t.host,
      labels: t.labels,
      worker: t.worker,
      startedAt: iso(t.started_at),
      finishedAt: iso(t.finished_at),
      durationMs: t.duration_ms,
      applied: t.applied,
      predictedBlockingMs: t.predicted_blocking_ms,
      measuredBlockingMs: t.measured_blocking_ms,
      sloViolations: t.slo_violations,
      error: t.error,
    })),
    canary:
      isCanary && canaryRow
        ? {
            target: canaryRow.name,
            state: canaryRow.state,
            predictedMs: canaryRow.predicted_blocking_ms,
            measuredMs: canaryRow.state === 'applied' || canaryRow.state === 'failed' ? canaryRow.measured_blocking_ms : null,
            limitMs: canaryRow.predicted_blocking_ms !== null ? canaryRow.predicted_blocking_ms * g.canaryBlockingFactor + g.canaryBlockingSlack : null,
          }
        : null,
  };
}

export async function fleetStatus(ctx: AppContext, dir: string, id: string): Promise<FleetRolloutStatus> {
  const project = openValidProject(dir);
  const { f } = await fleetFor(ctx, project);
  await reconcileRollout(f.ctl, id).catch((e: Error) => log.warn({ err: e.message }, 'reconciling the rollout'));
  return statusView(await rolloutStatus(f.ctl.pool, id));
}

export async function fleetStart(ctx: AppContext, dir: string, opts: { env: string; targets?: string; workers?: number }): Promise<{ rolloutId: string }> {
  const project = openValidProject(dir);
  const e = await fleetFor(ctx, project);
  const plan = await planRollout(project, { env: opts.env, ...(opts.targets ? { select: opts.targets } : {}), openEmbedded: e.f.openEmbedded });
  const want = opts.workers ?? 0;
  if (want > 0 && (!e.worker || e.worker.slots < want)) await setAppWorkers(ctx, project, e, want);
  return { rolloutId: await startRollout(e.f.ctl, plan) };
}

async function setAppWorkers(ctx: AppContext, project: Project, e: Entry & { f: Fleet }, slots: number): Promise<void> {
  if (e.worker && e.worker.slots === slots) return;
  // stop() lets the slots' in-flight targets finish; the job engine hands the rest to other workers
  await e.worker?.w.stop();
  e.worker = null;
  if (slots > 0) e.worker = { w: await startWorker({ ctl: e.f.ctl, project, ctx, concurrency: slots, pollingIntervalSeconds: 0.5, id: `confiture-app:${process.pid}` }), slots };
  log.info({ project: project.name, slots }, 'worker slots in the app');
}

/** Stops (0) or (re)starts the app's worker slots for the project's fleet. */
export async function fleetWorkers(ctx: AppContext, dir: string, slots: number): Promise<{ appWorkers: number }> {
  const project = openValidProject(dir);
  const e = await fleetFor(ctx, project);
  await setAppWorkers(ctx, project, e, slots);
  return { appWorkers: e.worker?.slots ?? 0 };
}

export async function fleetControl(ctx: AppContext, dir: string, id: string, action: FleetAction, overrideGate = false): Promise<FleetRolloutStatus> {
  const project = openValidProject(dir);
  const { f } = await fleetFor(ctx, project);
  if (action === 'pause') await pauseRollout(f.ctl, id);
  else if (action === 'resume') await resumeRollout(f.ctl, id, { overrideGate });
  else await abortRollout(f.ctl, id);
  log.info({ rolloutId: id, action }, 'rollout action from the app');
  return statusView(await rolloutStatus(f.ctl.pool, id));
}
