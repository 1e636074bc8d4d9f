/**
 * The migration engine: apply, revert, rehearse (dry-run) and step through migrations.
 *
 *   const report = await runMigrations(project, target, { kind: 'up', listeners });
 *   const rehearsal = (await runMigrations(project, target, { kind: 'dry_run' })).rehearsal;
 *
 * `target` opens dedicated connections (`targetFor(ctx, connectionId)` in the app, or
 * `urlTarget(url)`). Errors before anything runs (lock_held, parse_error, drift, a gate saying
 * no at before_load) are thrown as ConfitureError; once the run started, the outcome is in the
 * report (`ok`, `outcome`, `error`).
 */
import type pg from 'pg';
import type { RunHistoryEntry, RunPlan, RunReport } from '../../src-shared/domain/runner';
import type { ErrorValue } from '../../src-shared/errors';
import type { AppContext } from '../context';
import { resolveConnectionString, connectClient } from '../db';
import { ConfitureError } from '../errors';
import type { Project } from '../project';
import { readApplied, readRuns } from '../store';
import { buildPlan, type PlanOptions } from './plan';
import { Run, type EngineTarget, type RunOptions } from './run';

export { Run } from './run';
export type { EngineTarget, RunOptions, EngineStream } from './run';
export { buildPlan, parseMigrationFile, findDrift } from './plan';
export type { PlanOptions } from './plan';
export { acquireRunLock, readLockHolder, runLockKey, RUN_LOCK_NAMESPACE } from './runlock';
export type { LockHolder } from './runlock';
export { lockSnapshot } from './monitor';
export { EngineConfigSchema } from './config';
export type { EngineConfig } from './config';

/** Applies, reverts or rehearses; resolves with the report when the run ends. */
export async function runMigrations(project: Project, target: EngineTarget, opts: RunOptions): Promise<RunReport> {
  const run = new Run(project, target, opts);
  await run.prepare();
  return run.start();
}

/** What `runMigrations` would do, without taking the lock (read-only). */
export async function planRun(project: Project, db: pg.Pool | pg.ClientBase, opts: PlanOptions): Promise<RunPlan> {
  const applied = await readApplied(db, project.trackingSchema, project.id);
  return buildPlan(project, applied, opts);
}

/** The engine's connections for an open app connection. */
export function targetFor(ctx: AppContext, connectionId: string): EngineTarget {
  const info = ctx.connections.info(connectionId);
  return { label: info.label, connect: () => ctx.connections.client(connectionId) };
}

/** The engine's connections for a connection string (tests, benches, tools). */
export function urlTarget(url: string): EngineTarget {
  const resolved = resolveConnectionString(url, { mode: 'disable' });
  return { label: resolved.label, connect: () => connectClient({ ...resolved, config: { ...resolved.config } }) };
}

/** The runs of one project (other projects sharing the tracking schema are not listed). */
export async function runHistory(db: pg.Pool | pg.ClientBase, project: Pick<Project, 'trackingSchema' | 'id'>, limit = 50): Promise<RunHistoryEntry[]> {
  const rows = await readRuns(db, project.trackingSchema, limit, project.id);
  return rows.map((r) => ({
    runId: r.id,
    kind: r.kind,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    outcome: r.outcome,
    startedBy: r.started_by,
    host: r.host,
    targetVersion: r.target_version,
    migrations: (r.migrations ?? []).map((m) => ({ version: m.version, name: m.name, direction: m.direction, durationMs: m.duration_ms })),
    error: (r.error as ErrorValue | null) ?? null,
  }));
}

// ---------- runs in memory (step-through from the UI) ----------

const registries = new WeakMap<AppContext, Map<string, Run>>();
const KEEP_FINISHED = 20;

function registry(ctx: AppContext): Map<string, Run> {
  let r = registries.get(ctx);
  if (!r) registries.set(ctx, (r = new Map()));
  return r;
}

/**
 * Starts a run in the background (stepping or not) and registers it; events go to
 * `ctx.streams` on 'runner/events' and 'locks/monitor' (topic: the run id).
 * Throws before registering when the run cannot start (lock held, parse error, drift).
 */
export async function startRun(ctx: AppContext, project: Project, connectionId: string, opts: Omit<RunOptions, 'publish'>): Promise<Run> {
  const run = new Run(project, targetFor(ctx, connectionId), { appVersion: ctx.version, ...opts, publish: (stream, topic, event) => ctx.streams.publish(stream, topic, event) });
  await run.prepare();
  const runs = registry(ctx);
  runs.set(run.id, run);
  void run.start().finally(() => {
    const finished = [...runs.values()].filter((r) => r.report !== null);
    for (const r of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) runs.delete(r.id);
  });
  return run;
}

export function getRun(ctx: AppContext, runId: string): Run {
  const run = registry(ctx).get(runId);
  if (!run) throw new ConfitureError('not_found', `No run ${runId} in this session (runs are kept in memory until the app closes)`, { field: 'runId' });
  return run;
}

export function listRuns(ctx: AppContext): Run[] {
  return [...registry(ctx).values()];
}
