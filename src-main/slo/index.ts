/**
 * SLOs over the run history: are migrations staying within budget?
 *
 *   const report = await sloReport(pool, project);            // every objective of confiture.yaml `slo:`
 *   const check = await evaluateRun(pool, project, runId);     // the bad events of one run
 *   runMigrations(..., { listeners: [sloAfterRun({ pool, project, onViolation })] });
 *
 * Reads the tracking tables (runs, migration_history, statement_runs, hook_executions); writes
 * nothing. The arithmetic is in ./budget (pure), the SQL in ./events.
 */
import type pg from 'pg';
import type { LifecycleContext, LifecycleListener } from '../../src-shared/domain/lifecycle';
import type { RunSloCheck, SloObjectiveStatus, SloReport, SloStatusName } from '../../src-shared/domain/slo';
import { ConfitureError } from '../errors';
import { childLogger } from '../logging';
import { burnRates, errorBudget, sloStatus } from './budget';
import { SloConfigSchema, parseSpan, type SloConfig, type SloObjective } from './config';
import { runCounts, windowCounts } from './events';

export { SloConfigSchema, ObjectiveSchema, DEFAULT_OBJECTIVES, WindowSchema, parseSpan } from './config';
export type { SloConfig, SloObjective } from './config';
export { errorBudget, burnRate, burnRates, sloStatus } from './budget';
export type { ErrorBudget, EventCounts, StatusInput } from './budget';

type Queryable = Pick<pg.Pool, 'query'>;

/** What the SLO service needs of a project (a `Project` fits). */
export interface SloProject {
  trackingSchema: string;
  config: { slo?: SloConfig };
}

function configOf(project: SloProject): SloConfig {
  return project.config.slo ?? SloConfigSchema.parse({});
}

export interface SloReportOptions {
  /** evaluate every objective over this window instead of its own (`30d`, `7d`, `24h`) */
  window?: string;
}

function windowMsOf(text: string, field: string): number {
  const ms = parseSpan(text);
  if (ms === null || ms < 3_600_000 || ms > 400 * 86_400_000) throw new ConfitureError('invalid_input', `${field}: "${text}" is not a window; use e.g. 30d, 7d or 24h (1h to 400d)`, { field });
  return ms;
}

export async function objectiveStatus(db: Queryable, schema: string, cfg: SloConfig, o: SloObjective, windowOverride?: string): Promise<SloObjectiveStatus> {
  const window = windowOverride ?? o.window;
  const windowMs = windowMsOf(window, windowOverride ? 'window' : `slo.objectives.${o.id}.window`);
  // the short window never exceeds the window itself
  const shortMs = Math.min(windowMsOf(cfg.shortWindow, 'slo.shortWindow'), windowMs);
  const shortWindow = shortMs === windowMs ? window : cfg.shortWindow;
  const thresholdMs = o.threshold ?? null;
  const c = await windowCounts(db, { schema, sli: o.sli, kinds: o.kinds, thresholdMs, windowMs, shortWindowMs: shortMs, limit: cfg.violationLimit });
  const budget = errorBudget({ total: c.total, good: c.good }, o.objective);
  const rates = burnRates({ total: c.total, good: c.good }, { total: c.shortTotal, good: c.shortGood }, o.objective, shortWindow, cfg.fastBurnRate);
  const verdict = sloStatus({ total: c.total, objective: o.objective, sliValue: budget.sliValue, budgetConsumed: budget.budgetConsumed, shortBurn: rates.short, fastBurnRate: cfg.fastBurnRate, atRiskBudgetConsumed: cfg.atRiskBudgetConsumed });
  return {
    id: o.id,
    description: o.description,
    sli: o.sli,
    objective: o.objective,
    window,
    windowMs,
    thresholdMs,
    kinds: [...o.kinds],
    total: c.total,
    good: c.good,
    ...budget,
    burnRate: { ...rates, fastBurn: verdict.fastBurn },
    status: verdict.status,
    reason: verdict.reason,
    violations: c.bad,
    violationsTruncated: budget.bad > c.bad.length,
  };
}

/** Every objective of the project, evaluated over its window (or `opts.window`). */
export async function sloReport(db: Queryable, project: SloProject, opts: SloReportOptions = {}): Promise<SloReport> {
  const cfg = configOf(project);
  if (opts.window !== undefined) windowMsOf(opts.window, 'window');
  const objectives: SloObjectiveStatus[] = [];
  for (const o of cfg.objectives) objectives.push(await objectiveStatus(db, project.trackingSchema, cfg, o, opts.window));
  const summary: Record<SloStatusName, number> = { ok: 0, at_risk: 0, violated: 0, no_data: 0 };
  for (const o of objectives) summary[o.status]++;
  return { generatedAt: new Date().toISOString(), trackingSchema: project.trackingSchema, windowOverride: opts.window ?? null, objectives, summary };
}

/** The bad events of one recorded run, per objective (a run's events count whatever their age). */
export async function evaluateRun(db: Queryable, project: SloProject, runId: string): Promise<RunSloCheck> {
  const cfg = configOf(project);
  const check: RunSloCheck = { runId, objectives: [], violations: [] };
  for (const o of cfg.objectives) {
    const r = await runCounts(db, { schema: project.trackingSchema, sli: o.sli, kinds: o.kinds, thresholdMs: o.threshold ?? null, runId });
    check.objectives.push({ id: o.id, sli: o.sli, total: r.total, bad: r.bad.length });
    for (const e of r.bad.slice(0, Math.max(cfg.violationLimit, 1))) check.violations.push({ ...e, objectiveId: o.id, sli: o.sli });
  }
  return check;
}

export interface SloAfterRunOptions {
  /** the target database (tracking tables) */
  pool: Queryable;
  project: SloProject;
  /** called after a run that had bad events, e.g. to fire the `alert_slo_violation` hooks */
  onViolation?: (check: RunSloCheck, ctx: LifecycleContext) => void | Promise<void>;
  /** called after every evaluated run (violations or not) */
  onCheck?: (check: RunSloCheck, ctx: LifecycleContext) => void;
}

/**
 * A lifecycle listener: on `after_run` of a recorded run (not a dry-run), checks the run's
 * events against every objective. Never fails the run: errors are logged.
 */
export function sloAfterRun(opts: SloAfterRunOptions): LifecycleListener {
  const log = childLogger({ service: 'slo' });
  return async (ctx) => {
    if (ctx.event !== 'after_run' || ctx.runKind === 'dry_run') return;
    try {
      const check = await evaluateRun(opts.pool, opts.project, ctx.runId);
      opts.onCheck?.(check, ctx);
      if (check.violations.length > 0) await opts.onViolation?.(check, ctx);
    } catch (e) {
      log.warn({ runId: ctx.runId, err: (e as Error).message }, 'SLO check after the run failed');
    }
  };
}

/** The `alert` payload of an `alert_slo_violation` event for a run's check. */
export function violationAlert(check: RunSloCheck): Record<string, unknown> {
  const byObjective = check.objectives.filter((o) => o.bad > 0).map((o) => ({ objective: o.id, sli: o.sli, bad: o.bad, total: o.total }));
  return { kind: 'slo_violation', runId: check.runId, objectives: byObjective, violations: check.violations.slice(0, 20) };
}
