/**
 * SLOs over the run history: which share of runs, migrations, statements and hook executions
 * stayed "good", against an objective, with the error budget and burn rates that follow.
 * Computed by src-main/slo from the tracking tables; shown by `confiture slo report` and the
 * SLO screen.
 */

/** What an objective measures. Every SLI is the share of good events (0..1). */
export const SLI_NAMES = ['run_success_rate', 'migration_duration_ms', 'statement_duration_ms', 'lock_retry_rate', 'hook_failure_rate', 'blocked_wait_ms'] as const;
export type SliName = (typeof SLI_NAMES)[number];

/** SLIs that judge a duration against the objective's `threshold`. */
export const DURATION_SLIS: readonly SliName[] = ['migration_duration_ms', 'statement_duration_ms', 'blocked_wait_ms'];

/** Kinds of recorded runs an objective may cover (`runs.kind`; dry-runs are never recorded). */
export const SLO_RUN_KINDS = ['up', 'down', 'step'] as const;
export type SloRunKind = (typeof SLO_RUN_KINDS)[number];

/**
 * - `no_data`: no event in the window: nothing is known, which is not the same as fine
 * - `violated`: the share of good events is below the objective (the budget is spent)
 * - `at_risk`: within the objective, but most of the budget is spent or it burns fast
 * - `ok`: within the objective
 */
export type SloStatusName = 'ok' | 'at_risk' | 'violated' | 'no_data';

/** One bad event: a failed run, a slow migration or statement, a retried statement, a failed hook. */
export interface SloEvent {
  runId: string;
  /** when the event ended (ISO) */
  at: string;
  /** the run's kind */
  runKind: string;
  version: string | null;
  direction: string | null;
  statementIndex: number | null;
  /** line of the statement in its file */
  line: number | null;
  statementKind: string | null;
  durationMs: number | null;
  attempts: number | null;
  /** what went wrong, in words: an error message, a hook id and outcome, ... */
  detail: string | null;
}

export interface BurnRates {
  /** burn rate over the short window (null: no event in it) */
  short: number | null;
  /** burn rate over the whole window = budget consumed (null: no data) */
  long: number | null;
  shortWindow: string;
  shortTotal: number;
  shortBad: number;
  /** the short-window burn rate is above the configured fast-burn rate */
  fastBurn: boolean;
  fastBurnRate: number;
}

export interface SloObjectiveStatus {
  id: string;
  description: string;
  sli: SliName;
  /** target share of good events, e.g. 0.99 */
  objective: number;
  /** e.g. `30d` */
  window: string;
  windowMs: number;
  /** duration SLIs: an event is good when it took less than this (ms) */
  thresholdMs: number | null;
  kinds: SloRunKind[];
  total: number;
  good: number;
  bad: number;
  /** good / total (null: no data) */
  sliValue: number | null;
  /** bad events the objective allows over the window: (1 - objective) × total */
  allowedBad: number;
  /** share of the error budget spent: bad / allowedBad (may exceed 1; null: no data) */
  budgetConsumed: number | null;
  /** 1 - budgetConsumed (negative when overspent; null: no data) */
  budgetRemaining: number | null;
  burnRate: BurnRates;
  status: SloStatusName;
  /** why the status, in words */
  reason: string;
  /** the newest bad events of the window, at most the configured limit */
  violations: SloEvent[];
  violationsTruncated: boolean;
}

export interface SloReport {
  generatedAt: string;
  trackingSchema: string;
  /** the window asked for instead of each objective's own (e.g. `--window 7d`) */
  windowOverride: string | null;
  objectives: SloObjectiveStatus[];
  summary: Record<SloStatusName, number>;
}

/** The SLO check of one finished run: its bad events per objective. */
export interface RunSloCheck {
  runId: string;
  objectives: { id: string; sli: SliName; total: number; bad: number }[];
  violations: (SloEvent & { objectiveId: string; sli: SliName })[];
}

/** A share as a DBA reads it: `0 %`, `0.25 %`, `95 %`, `99.5 %`. */
export function formatShare(x: number | null): string {
  if (x === null) return '—';
  const p = Math.round(x * 100 * 1e6) / 1e6;
  if (p === 0) return '0 %';
  return `${Math.abs(p) < 1 ? p.toFixed(2) : Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)} %`;
}

/** Error budget spent: a percentage, or a multiple once it is ten times over. */
export function formatBudgetSpent(consumed: number | null): string {
  if (consumed === null) return '—';
  return consumed >= 10 ? `${Math.round(consumed)}× the budget` : formatShare(consumed);
}

/** A duration threshold or measurement: `250 ms`, `10 s`, `1.25 s`. */
export function formatMs(n: number | null): string {
  if (n === null) return '—';
  if (n < 1000) return `${Math.round(n)} ms`;
  const s = n / 1000;
  return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(2)} s`;
}

/** What the objective counts as good, in words: "migrations under 60 s". */
export function objectiveLabel(o: Pick<SloObjectiveStatus, 'sli' | 'thresholdMs'>): string {
  switch (o.sli) {
    case 'run_success_rate':
      return 'runs that succeed';
    case 'migration_duration_ms':
      return `migrations under ${formatMs(o.thresholdMs)}`;
    case 'statement_duration_ms':
      return `statements under ${formatMs(o.thresholdMs)}`;
    case 'lock_retry_rate':
      return 'statements without a lock retry';
    case 'hook_failure_rate':
      return 'hook executions that succeed';
    case 'blocked_wait_ms':
      return `migrations that made no session wait ${formatMs(o.thresholdMs)} or more`;
  }
}
