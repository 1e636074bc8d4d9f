/**
 * Deterministic evidence of a change in the work a query does, which timing noise cannot touch:
 * the plan shape (node types, indexes), the shared buffers the whole plan touched (hit + read,
 * from EXPLAIN (ANALYZE, BUFFERS)) and the rows returned.
 *
 * The buffer count of an unchanged plan on unchanged data is stable (the hit/read split moves with
 * the cache, their sum does not), so a ≥ 2× move of it (and at least BUFFER_MIN_DELTA blocks) is a
 * change of the work, not of the machine. A plan shape change is a change by definition. Neither
 * says by how much the latency moved: that is the timings' job.
 */
import type { PlanDiff, WorkEvidence } from '../../src-shared/domain/perf';
import { diffPlans, normalisePlan } from './plan';

/** buffers moved by at least this factor (either way) … */
export const BUFFER_FACTOR = 2;
/** … and by at least this many 8 kB blocks (3 → 7 blocks on a point lookup is not a change of work) */
export const BUFFER_MIN_DELTA = 10;

export interface EvidenceSide {
  explain: unknown;
  rows: number | null;
}

function sharedBlocks(explain: unknown): number | null {
  try {
    const root = normalisePlan(explain).root;
    if (root.sharedHit === null && root.sharedRead === null) return null;
    return (root.sharedHit ?? 0) + (root.sharedRead ?? 0);
  } catch {
    return null;
  }
}

function plannerCost(explain: unknown): number | null {
  try {
    const c = normalisePlan(explain).root.totalCost;
    return Number.isFinite(c) && c > 0 ? c : null;
  } catch {
    return null;
  }
}

function safeDiff(a: unknown, b: unknown): PlanDiff | null {
  if (!a || !b) return null;
  try {
    return diffPlans(normalisePlan(a).root, normalisePlan(b).root);
  } catch {
    return null;
  }
}

/** The work evidence between a before (baseline) and an after (current) side of one query case. */
export function workEvidence(before: EvidenceSide, after: EvidenceSide): WorkEvidence {
  const diff = safeDiff(before.explain, after.explain);
  const ba = before.explain ? sharedBlocks(before.explain) : null;
  const bb = after.explain ? sharedBlocks(after.explain) : null;
  const buffersRatio = ba !== null && bb !== null ? (ba === 0 ? (bb === 0 ? 1 : Infinity) : bb / ba) : null;
  const buffersMoved =
    ba !== null && bb !== null && Math.abs(bb - ba) >= BUFFER_MIN_DELTA && buffersRatio !== null && (buffersRatio >= BUFFER_FACTOR || buffersRatio <= 1 / BUFFER_FACTOR);
  const rowsChanged = before.rows !== null && after.rows !== null && before.rows !== after.rows;
  const planChanged = diff?.changed ?? false;
  const available = diff !== null && ba !== null && bb !== null;
  const certain = planChanged || buffersMoved || rowsChanged;
  const direction: WorkEvidence['direction'] = buffersMoved ? (bb! > ba! ? 'more' : 'less') : null;
  const ca = before.explain ? plannerCost(before.explain) : null;
  const cb = after.explain ? plannerCost(after.explain) : null;
  // the planner's own estimate of the two plans (same cost model, same statistics): which way it
  // expected a plan change to go; equal costs (the same plan on another index) point nowhere
  const planDirection: WorkEvidence['planDirection'] =
    !planChanged || ca === null || cb === null ? null : cb > ca * 1.01 ? 'costlier' : cb < ca / 1.01 ? 'cheaper' : 'same';
  const parts: string[] = [];
  if (planChanged)
    parts.push(
      `plan changed: ${diff!.summary ?? 'shape changed'}` +
        (planDirection && planDirection !== 'same' ? ` (estimated ${planDirection}: cost ${ca!.toFixed(1)} → ${cb!.toFixed(1)})` : planDirection === 'same' ? ` (same estimated cost ${cb!.toFixed(1)})` : ''),
    );
  if (buffersMoved) parts.push(`shared buffers ${ba} → ${bb} (×${Number.isFinite(buffersRatio!) ? buffersRatio!.toFixed(2) : '∞'})`);
  if (rowsChanged) parts.push(`rows ${before.rows} → ${after.rows}`);
  let summary: string;
  if (certain) summary = parts.join('; ');
  else if (!available) summary = 'no plan or buffer counts on one side: no deterministic evidence either way';
  else summary = `same plan, shared buffers ${ba} → ${bb}, rows ${before.rows ?? '?'} → ${after.rows ?? '?'}: the work did not change`;
  return {
    available,
    planChanged,
    planSummary: diff?.summary ?? null,
    buffers: [ba, bb],
    buffersRatio: buffersRatio === null ? null : Number.isFinite(buffersRatio) ? Math.round(buffersRatio * 10000) / 10000 : null,
    rows: [before.rows, after.rows],
    rowsChanged,
    certain,
    direction,
    planCost: [ca, cb],
    planDirection,
    summary,
  };
}
