/**
 * Error-budget and burn-rate arithmetic (pure). Every SLI is a share of good events, so:
 *
 *   sli            = good / total
 *   allowedBad     = (1 - objective) × total            the error budget, in events
 *   budgetConsumed = bad / allowedBad                   may exceed 1 (overspent)
 *   burnRate(w)    = (bad_w / total_w) / (1 - objective)
 *
 * A burn rate of 1 spends exactly the budget over the SLO window; over the whole window the
 * burn rate equals the budget consumed. Derived values are rounded to 9 decimals so that,
 * e.g., 19 good of 20 against 0.95 is exactly on the objective instead of a float hair below.
 */
import { formatBudgetSpent, formatShare, type BurnRates, type SloStatusName } from '../../src-shared/domain/slo';

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

export interface EventCounts {
  total: number;
  good: number;
}

export interface ErrorBudget {
  bad: number;
  sliValue: number | null;
  allowedBad: number;
  budgetConsumed: number | null;
  budgetRemaining: number | null;
}

export function errorBudget({ total, good }: EventCounts, objective: number): ErrorBudget {
  const bad = total - good;
  if (total === 0) return { bad: 0, sliValue: null, allowedBad: 0, budgetConsumed: null, budgetRemaining: null };
  const allowedBad = round9((1 - objective) * total);
  const consumed = round9(bad / ((1 - objective) * total));
  return { bad, sliValue: round9(good / total), allowedBad, budgetConsumed: consumed, budgetRemaining: round9(1 - consumed) };
}

/** How fast the budget burns over a window: 1 = exactly the budget over the SLO window. */
export function burnRate({ total, good }: EventCounts, objective: number): number | null {
  if (total === 0) return null;
  return round9((total - good) / total / (1 - objective));
}

export interface StatusInput {
  total: number;
  objective: number;
  sliValue: number | null;
  budgetConsumed: number | null;
  shortBurn: number | null;
  fastBurnRate: number;
  atRiskBudgetConsumed: number;
}

export function sloStatus(i: StatusInput): { status: SloStatusName; reason: string; fastBurn: boolean } {
  const fastBurn = i.shortBurn !== null && i.shortBurn > i.fastBurnRate;
  if (i.total === 0 || i.sliValue === null || i.budgetConsumed === null) return { status: 'no_data', reason: 'no event in the window: nothing to judge yet', fastBurn: false };
  if (i.sliValue < i.objective) return { status: 'violated', reason: `${formatShare(i.sliValue)} good is below the objective of ${formatShare(i.objective)}: the error budget is spent (${formatBudgetSpent(i.budgetConsumed)})`, fastBurn };
  if (fastBurn) return { status: 'at_risk', reason: `burning the budget ${i.shortBurn!.toFixed(1)}× faster than sustainable over the short window (fast burn above ${i.fastBurnRate})`, fastBurn };
  if (i.budgetConsumed >= i.atRiskBudgetConsumed) return { status: 'at_risk', reason: `${formatShare(i.budgetConsumed)} of the error budget is spent (at risk from ${formatShare(i.atRiskBudgetConsumed)})`, fastBurn };
  return { status: 'ok', reason: `${formatShare(i.sliValue)} good, objective ${formatShare(i.objective)}; ${formatShare(Math.max(0, i.budgetConsumed))} of the budget spent`, fastBurn };
}

export function burnRates(window: EventCounts, short: EventCounts, objective: number, shortWindow: string, fastBurnRate: number): Omit<BurnRates, 'fastBurn'> {
  return { short: burnRate(short, objective), long: burnRate(window, objective), shortWindow, shortTotal: short.total, shortBad: short.total - short.good, fastBurnRate };
}
