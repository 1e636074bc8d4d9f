/**
 * Compares two baselines query by query (pure: no database). See stats.ts for the method and
 * docs/guides/performance-baselines.md for why.
 */
import type { Baseline, BaselineQuery, Comparison, PlanDiff, QueryComparison, Verdict } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';
import { diffPlans, normalisePlan } from './plan';
import { benjaminiHochberg, bootstrapRatioCI, decideVerdict, mannWhitney, median, mulberry32, seedFor } from './stats';

export interface CompareOptions {
  alpha: number;
  threshold: number;
  resamples: number;
  seed: number;
}

export function planDiffOf(a: BaselineQuery, b: BaselineQuery): PlanDiff | null {
  if (!a.explain || !b.explain) return null;
  try {
    return diffPlans(normalisePlan(a.explain).root, normalisePlan(b.explain).root);
  } catch {
    return null;
  }
}

function environmentWarnings(a: Baseline, b: Baseline): string[] {
  const w: string[] = [];
  if (a.server.versionNum !== b.server.versionNum) w.push(`server version differs: ${a.server.version} → ${b.server.version}`);
  if (a.environment.database !== b.environment.database || a.environment.connection !== b.environment.connection) {
    w.push(`different targets: ${a.environment.connection} → ${b.environment.connection}`);
  }
  if (a.environment.clientHost !== b.environment.clientHost) w.push(`captured from different machines: ${a.environment.clientHost} → ${b.environment.clientHost}`);
  for (const k of new Set([...Object.keys(a.server.settings), ...Object.keys(b.server.settings)])) {
    if (k === 'server_version') continue;
    if (a.server.settings[k] !== b.server.settings[k]) w.push(`setting ${k} differs: ${a.server.settings[k] ?? '(unset)'} → ${b.server.settings[k] ?? '(unset)'}`);
  }
  if (a.workload.sha256 !== b.workload.sha256) w.push('the workload file changed between the two captures: queries with the same id may differ');
  return w;
}

export function compareBaselines(base: Baseline, current: Baseline, opts: CompareOptions): Comparison {
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new ConfitureError('invalid_input', 'alpha must be between 0 and 1', { field: 'alpha' });
  const byId = new Map(current.queries.map((q) => [q.id, q]));
  const unmatched: { id: string; reason: string }[] = [];
  const pairs: { a: BaselineQuery; b: BaselineQuery }[] = [];
  for (const a of base.queries) {
    const b = byId.get(a.id);
    if (!b) unmatched.push({ id: a.id, reason: 'only in the baseline' });
    else if (a.error || b.error) unmatched.push({ id: a.id, reason: a.error ? `baseline: ${a.error}` : `current: ${b.error}` });
    else if (a.samplesMs.length < 3 || b.samplesMs.length < 3) unmatched.push({ id: a.id, reason: 'fewer than 3 samples on one side' });
    else if (a.sql !== b.sql) unmatched.push({ id: a.id, reason: 'the SQL of the query changed between the two captures' });
    else pairs.push({ a, b });
    byId.delete(a.id);
  }
  for (const id of byId.keys()) unmatched.push({ id, reason: 'only in the current capture' });

  const level = 1 - opts.alpha;
  const raw = pairs.map(({ a, b }) => {
    const rng = mulberry32(seedFor(a.id, opts.seed));
    const ma = median(a.samplesMs);
    const mb = median(b.samplesMs);
    const ratio = ma > 0 ? mb / ma : 1;
    const ci = bootstrapRatioCI(a.samplesMs, b.samplesMs, { level, resamples: opts.resamples, rng });
    const mw = mannWhitney(a.samplesMs, b.samplesMs);
    return { a, b, ma, mb, ratio, ci, p: mw.p };
  });
  const qs = benjaminiHochberg(raw.map((r) => r.p));
  const summary: Record<Verdict, number> = { regression: 0, improvement: 0, unchanged: 0, inconclusive: 0 };
  const queries: QueryComparison[] = raw.map((r, i) => {
    const v = decideVerdict({
      ratio: r.ratio,
      ci: r.ci,
      q: qs[i]!,
      alpha: opts.alpha,
      threshold: opts.threshold,
      runs: Math.min(r.a.samplesMs.length, r.b.samplesMs.length),
    });
    summary[v.verdict]++;
    const diff = planDiffOf(r.a, r.b);
    const qc: QueryComparison = {
      id: r.a.id,
      query: r.a.query,
      paramSet: r.a.paramSet,
      baselineMedianMs: round(r.ma),
      currentMedianMs: round(r.mb),
      ratio: round(r.ratio, 4),
      ci: [round(r.ci[0], 4), round(r.ci[1], 4)],
      ciLevel: level,
      verdict: v.verdict,
      pValue: r.p,
      qValue: qs[i]!,
      runsNeeded: v.runsNeeded,
      planChanged: diff?.changed ?? false,
      planSummary: diff?.summary ?? null,
      reason: v.reason,
    };
    if (v.verdict === 'regression' || v.verdict === 'improvement') qc.message = describe(qc);
    return qc;
  });
  const warnings = environmentWarnings(base, current);
  if (raw.length >= 5) {
    // a shift of every query at once is the machine, not the schema: say so
    const overall = median(raw.map((r) => r.ratio));
    if (overall >= 1 + opts.threshold / 2 || overall <= 1 / (1 + opts.threshold / 2)) {
      warnings.push(`all queries moved together (median ratio ${overall.toFixed(2)}): the machine or the server load probably differed between the two captures`);
    }
  }
  return {
    baseline: { id: base.id, name: base.name, createdAt: base.createdAt },
    current: { id: current.id, name: current.name, createdAt: current.createdAt },
    method: {
      statistic: 'ratio of medians, current / baseline',
      interval: `percentile bootstrap (${opts.resamples} resamples, each side resampled independently), ${(level * 100).toFixed(0)} %`,
      test: 'two-sided Mann–Whitney U on the raw timings (normal approximation, tie and continuity corrected)',
      correction: `Benjamini–Hochberg across the ${queries.length} compared queries (false-discovery rate ${opts.alpha})`,
      alpha: opts.alpha,
      threshold: opts.threshold,
      seed: opts.seed,
      resamples: opts.resamples,
    },
    queries,
    unmatched,
    summary,
    warnings,
  };
}

export function describe(q: QueryComparison, migration?: string | null): string {
  const factor = q.ratio >= 1 ? `${fmtFactor(q.ratio)} slower` : `${fmtFactor(1 / q.ratio)} faster`;
  const head = migration ? `after ${migration}, ` : '';
  return `${head}query ${q.id} is ${factor}${q.planSummary ? `: ${q.planSummary}` : ''}`;
}

function fmtFactor(r: number): string {
  return r >= 1.95 ? `${r.toFixed(1)}×` : `${((r - 1) * 100).toFixed(0)} %`;
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
