/**
 * The listeners every run gets, whichever face started it (CLI `migrate`, GUI runner):
 *
 * - the project's hooks (every phase and event);
 * - the **review** before an apply: `before_lint → after_lint → before_risk → after_risk →
 *   before_approval → after_approval`, emitted to all listeners (so hooks can gate on them) when
 *   the project requires approvals or a hook listens to those phases. The risk report comes from
 *   one catalog snapshot shared with the rule library (src-main/review);
 * - the approval gate (`risk.requireApprovalAbove`, default `low`) on each `before_migration`, with
 *   the approvals verified against the anchor in the target database first (fail closed);
 * - the risk service's history (rehearsal measurements, predictions vs actual durations);
 * - the SLO check after each run, violations raised as `alert_slo_violation`;
 * - perf baselines around the run when `perf.autoAroundMigrations` is on, with regressions
 *   raised as `alert_performance_regression`.
 *
 * The engine knows none of this: it emits its own phases and awaits `before_*` listeners.
 */
import type pg from 'pg';
import type { GateDecision, LifecycleContext, LifecycleEventName, LifecycleListener } from '../../src-shared/domain/lifecycle';
import type { HookExecution } from '../../src-shared/domain/hooks';
import type { RiskReport } from '../../src-shared/domain/risk';
import { approvalContextFor, approvalGate } from '../approval';
import { runnerForProject, type HookRunner } from '../hooks';
import { childLogger } from '../logging';
import { perfAroundMigrations, perfConfigOf } from '../perf';
import type { Project } from '../project';
import { reviewProject } from '../review';
import { riskHistoryListener } from '../risk';
import { sloAfterRun, violationAlert } from '../slo';
import type { RunSloCheck } from '../../src-shared/domain/slo';

export interface StandardListenerOptions {
  /** opens a dedicated connection to the run's target (perf captures) */
  connect?: () => Promise<pg.Client>;
  connectionLabel: string;
  appVersion: string;
  onHookExecution?: (e: HookExecution) => void;
  /** called with the review's risk report once it is computed */
  onRiskReport?: (report: RiskReport) => void;
  /** the SLO check of each finished run (violations also fire `alert_slo_violation` hooks) */
  onSloCheck?: (check: RunSloCheck) => void;
  /** more listeners (CLI progress printing ...) */
  extra?: LifecycleListener[];
  /** where approvals are anchored when not in the target itself (a fleet's control database) */
  approvalAnchor?: pg.Pool;
}

export interface StandardListeners {
  listeners: LifecycleListener[];
  hooks: HookRunner;
  /** the review's risk report of the last run, when one was computed */
  riskReport(): RiskReport | null;
}

const REVIEW_EVENTS: LifecycleEventName[] = ['before_lint', 'after_lint', 'before_risk', 'after_risk', 'before_approval', 'after_approval'];

export function standardListeners(project: Project, pool: pg.Pool, opts: StandardListenerOptions): StandardListeners {
  const log = childLogger({ service: 'lifecycle' });
  const hooks = runnerForProject(project, pool, { ...(opts.onHookExecution ? { onExecution: opts.onHookExecution } : {}) });
  const requireApproval = project.config.risk.requireApprovalAbove !== null;
  const hooksOnReview = REVIEW_EVENTS.some((e) => hooks.hooksFor(e).length > 0);
  let report: RiskReport | null = null;
  let reportFor: string | null = null;

  const listeners: LifecycleListener[] = [hooks.listener, riskHistoryListener({ db: pool, schema: project.trackingSchema })];
  const all = (): LifecycleListener[] => [...listeners, ...(opts.extra ?? [])];

  /** emits a synthetic phase to every listener; a `before_*` answer of proceed:false stops the review */
  async function emit(event: LifecycleEventName, base: LifecycleContext, extra: Partial<LifecycleContext>): Promise<GateDecision | null> {
    const ctx: LifecycleContext = { ...base, ...extra, event, at: new Date().toISOString() };
    for (const l of all()) {
      const d = await l(ctx);
      if (event.startsWith('before_') && d && d.proceed === false) return d;
    }
    return null;
  }

  async function computeReport(ctx: LifecycleContext): Promise<RiskReport> {
    if (report && reportFor === ctx.runId) return report;
    const versions = (ctx.plan ?? []).map((m) => m.version);
    report = await reviewProject(project, pool, versions.length ? { versions } : {});
    reportFor = ctx.runId;
    opts.onRiskReport?.(report);
    return report;
  }

  const review: LifecycleListener = async (ctx) => {
    if (ctx.event !== 'before_run' || (ctx.runKind !== 'up' && ctx.runKind !== 'step' && ctx.runKind !== 'dry_run')) return;
    if (!requireApproval && !hooksOnReview) return;
    if ((ctx.plan ?? []).length === 0) return;
    const started = Date.now();
    let gate = await emit('before_lint', ctx, {});
    if (gate) return gate;
    const r = await computeReport(ctx);
    await emit('after_lint', ctx, { durationMs: Date.now() - started, outcome: 'success' });
    gate = await emit('before_risk', ctx, {});
    if (gate) return gate;
    await emit('after_risk', ctx, { risk: r, durationMs: Date.now() - started, outcome: 'success' });
    if (ctx.runKind === 'dry_run') return;
    gate = await emit('before_approval', ctx, { risk: r });
    if (gate) return gate;
    await emit('after_approval', ctx, { risk: r, outcome: 'success' });
    return;
  };
  listeners.push(review);

  if (requireApproval) {
    listeners.push(
      approvalGate({
        project,
        assess: async (version) => {
          const r = report ?? (await reviewProject(project, pool, { versions: [version] }));
          const m = r.migrations.find((x) => x.version === version);
          if (!m) throw new Error(`the risk report has no entry for ${version}`);
          return m;
        },
        // before every gated apply: the audit chain, the approval files and the anchor in the target database
        verify: () => approvalContextFor(project, opts.approvalAnchor ?? pool),
      }),
    );
  }

  const perfConfig = perfConfigOf(project);
  if (perfConfig.autoAroundMigrations && opts.connect) {
    listeners.push(
      perfAroundMigrations({
        projectDir: project.dir,
        config: perfConfig,
        connect: opts.connect,
        connectionLabel: opts.connectionLabel,
        confitureVersion: opts.appVersion,
        onComparison: async (result, ctx) => {
          if (result.regressions.length === 0) return;
          log.warn({ runId: result.runId, regressions: result.regressions.length }, 'performance regression after migration');
          await hooks.fire('alert_performance_regression', {
            ...ctx,
            event: 'alert_performance_regression',
            at: new Date().toISOString(),
            alert: { regressions: result.regressions.map((x) => ({ query: x.id, ratio: x.ratio, migration: x.migration, message: x.message })) },
          });
        },
      }),
    );
  }

  // after each run: its bad events against the SLOs; violations fire the `alert_slo_violation` hooks
  listeners.push(
    sloAfterRun({
      pool,
      project,
      ...(opts.onSloCheck ? { onCheck: opts.onSloCheck } : {}),
      onViolation: async (check, ctx) => {
        await hooks.fire('alert_slo_violation', { ...ctx, event: 'alert_slo_violation', at: new Date().toISOString(), alert: violationAlert(check) });
      },
    }),
  );

  return { listeners: all(), hooks, riskReport: () => report };
}
