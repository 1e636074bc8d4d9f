/**
 * Compares two baselines query by query (pure: no database). See stats.ts for the method and
 * docs/guides/performance-baselines.md for why.
 */
import type { Baseline, BaselineQuery, Comparison, EnvironmentShift, PlanDiff, QueryComparison, Verdict } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';
import { workEvidence } from './evidence';
import { diffPlans, normalisePlan } from './plan';
import { adjustInterval, benjaminiHochberg, bootstrapRatioCI, commonShift, decideVerdict, heterogeneityTest, MIN_QUERIES_FOR_DRIFT, mannWhitney, median, mulberry32, normalQuantile, seedFor } from './stats';

export interface CompareOptions {
  alpha: number;
  threshold: number;
  resamples: number;
  seed: number;
  /** judge each query relative to the workload's common shift (default true) */
  driftCorrection?: boolean;
}

const pctOf = (r: number) => `${Math.abs((r - 1) * 100).toFixed(1)} %`;

/**
 * The common shift of the workload (median over queries of the log ratio of medians, bootstrap
 * over queries) and its verdict: shifted when the interval excludes 1 and the ratio is beyond the
 * practical threshold, as for a query.
 */
export function estimateEnvironment(ratios: readonly number[], opts: CompareOptions): EnvironmentShift {
  const correct = opts.driftCorrection ?? true;
  const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map(Math.log);
  const n = logs.length;
  const up = 1 + opts.threshold;
  const thr = `±${(opts.threshold * 100).toFixed(0)} %`;
  if (n < MIN_QUERIES_FOR_DRIFT) {
    const r = n ? Math.exp(median(logs)) : 1;
    const moved = n >= 3 && (r >= 1 + opts.threshold / 2 || r <= 1 / (1 + opts.threshold / 2));
    return {
      ratio: round(r, 4),
      ci: null,
      verdict: 'unknown',
      direction: null,
      applied: false,
      queries: n,
      minQueries: MIN_QUERIES_FOR_DRIFT,
      note:
        `only ${n} compared quer${n === 1 ? 'y' : 'ies'}: at least ${MIN_QUERIES_FOR_DRIFT} are needed to estimate the common shift, so no drift correction was applied and each query is judged on its raw timings` +
        (moved ? `; the median ratio is ${r.toFixed(2)}: if every query moved together, suspect the machine or its load before the schema` : ''),
    };
  }
  const level = 1 - opts.alpha;
  const s = commonShift(logs, { level, resamples: opts.resamples, rng: mulberry32(seedFor('\u0000environment', opts.seed)) });
  const ratio = Math.exp(s.log);
  const ci: [number, number] = [Math.exp(s.ci[0]), Math.exp(s.ci[1])];
  const significant = ci[0] > 1 || ci[1] < 1;
  const beyond = ratio >= up || ratio <= 1 / up;
  const shifted = significant && beyond;
  const direction = shifted ? (ratio > 1 ? 'slower' : 'faster') : null;
  const iv = `interval ${ci[0].toFixed(3)}–${ci[1].toFixed(3)}`;
  const how = correct ? 'each query is judged relative to this common shift' : 'drift correction is off (perf.driftCorrection: false): each query is judged on its raw timings';
  let note: string;
  if (shifted) {
    note =
      `all queries ${pctOf(ratio)} ${direction} together: the environment or a global change (settings, hardware, load, data volume), not one query ` +
      `(median ratio over ${n} queries ${ratio.toFixed(3)}, ${iv}); ${how}` +
      (direction === 'slower' ? '; a common slowdown beyond the threshold fails the comparison' : '');
  } else {
    const why = !beyond ? `within ${thr}` : `not significant (${iv})`;
    note = `no common shift beyond the threshold: median ratio over ${n} queries ${ratio.toFixed(3)} (${why}); ${how}`;
  }
  return { ratio: round(ratio, 4), ci: [round(ci[0], 4), round(ci[1], 4)], verdict: shifted ? 'shifted' : 'stable', direction, applied: correct, queries: n, minQueries: MIN_QUERIES_FOR_DRIFT, note };
}

/** A comparison fails (CLI exit 1) on any query regression, or on a significant common slowdown beyond the threshold. */
export function comparisonFails(c: Pick<Comparison, 'summary' | 'environment'>): boolean {
  return c.summary.regression > 0 || (c.environment.verdict === 'shifted' && c.environment.direction === 'slower');
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
  const measured = pairs.map(({ a, b }) => {
    const ma = median(a.samplesMs);
    const mb = median(b.samplesMs);
    return { a, b, ma, mb, ratio: ma > 0 ? mb / ma : 1 };
  });
  const environment = estimateEnvironment(
    measured.map((m) => m.ratio),
    opts,
  );
  // the common factor the current timings are divided by before judging a query (1: raw judgement)
  const common = environment.applied ? environment.ratio : 1;
  const commonCi: [number, number] = environment.applied && environment.ci ? environment.ci : [1, 1];
  const raw = measured.map((m) => {
    const rng = mulberry32(seedFor(m.a.id, opts.seed));
    const ci = bootstrapRatioCI(m.a.samplesMs, m.b.samplesMs, { level, resamples: opts.resamples, rng });
    const adjusted = common === 1 ? m.b.samplesMs : m.b.samplesMs.map((x) => x / common);
    const mw = mannWhitney(m.a.samplesMs, adjusted);
    const adjustedRatio = m.ratio / common;
    const adjustedCi = common === 1 && commonCi[0] === 1 && commonCi[1] === 1 ? ci : adjustInterval(m.ratio, ci, common, commonCi);
    return { ...m, ci, adjustedRatio, adjustedCi, p: mw.p };
  });
  let tau: number | null = null;
  if (environment.applied) {
    // intersection–union: a query is flagged only when its timings differ from the shifted
    // baseline (Mann–Whitney above) AND its move is an outlier among the workload's queries
    const z = normalQuantile(1 - opts.alpha / 2);
    const seOf = (ci: [number, number]) => (Math.log(ci[1]) - Math.log(ci[0])) / (2 * z);
    const het = heterogeneityTest(
      raw.map((r) => Math.log(r.adjustedRatio)),
      raw.map((r) => seOf(r.ci)),
      seOf(commonCi),
    );
    tau = het.tau;
    raw.forEach((r, i) => (r.p = Math.max(r.p, het.p[i]!)));
  }
  const qs = benjaminiHochberg(raw.map((r) => r.p));
  const summary: Record<Verdict, number> = { regression: 0, improvement: 0, unchanged: 0, inconclusive: 0 };
  const queries: QueryComparison[] = raw.map((r, i) => {
    const v = decideVerdict({
      ratio: r.adjustedRatio,
      ci: r.adjustedCi,
      q: qs[i]!,
      alpha: opts.alpha,
      threshold: opts.threshold,
      runs: Math.min(r.a.samplesMs.length, r.b.samplesMs.length),
    });
    const evidence = workEvidence({ explain: r.a.explain, rows: r.a.rows }, { explain: r.b.explain, rows: r.b.rows });
    let verdict = v.verdict;
    let reason = environment.applied ? `relative to the workload's common shift (×${environment.ratio.toFixed(3)}): ${v.reason}` : v.reason;
    let runsNeeded = v.runsNeeded;
    if (!environment.applied && (verdict === 'regression' || verdict === 'improvement') && !evidence.certain) {
      // two captures minutes apart drift together by tens of percent on a loaded machine; without
      // a workload-wide estimate of that drift, a timing-only move is not evidence of a change
      verdict = 'inconclusive';
      runsNeeded = null;
      reason =
        `timings moved ${v.reason}, but ${evidence.summary}; ` +
        `with no estimate of the capture-to-capture drift (${(opts.driftCorrection ?? true) ? `fewer than ${MIN_QUERIES_FOR_DRIFT} compared queries` : 'perf.driftCorrection: false'}) ` +
        'a timing-only move between two captures cannot be told from the machine: use `confiture perf ab` (interleaved) to decide';
    }
    const against = (verdict === 'regression' && evidence.direction === 'less') || (verdict === 'improvement' && evidence.direction === 'more');
    if (!environment.applied && against) {
      // the plan now touches ≥ 2× fewer (more) buffers while the timings say slower (faster): without a
      // drift estimate the timings are the weaker witness (a loaded machine during one capture)
      verdict = 'inconclusive';
      runsNeeded = null;
      reason =
        `timings moved ${v.reason}, but the work moved the other way (${evidence.summary}); ` +
        'with no estimate of the capture-to-capture drift the timings cannot overrule that: use `confiture perf ab` (interleaved) to decide';
    }
    const planOnly = evidence.planChanged && evidence.direction === null && !evidence.rowsChanged;
    const expected = verdict === 'regression' ? 'costlier' : verdict === 'improvement' ? 'cheaper' : null;
    if (!environment.applied && expected && planOnly && evidence.planDirection !== null && evidence.planDirection !== expected) {
      // the plan changed, but the planner estimated the new one no costlier (no cheaper) and the
      // buffers did not move: a plan change alone does not say which way the latency went (another
      // index with the same cost and work), so it cannot corroborate a timing move the drift may explain
      verdict = 'inconclusive';
      runsNeeded = null;
      reason =
        `timings moved ${v.reason}, but the only other witness is a plan change the planner estimated ${evidence.planDirection === 'same' ? 'at the same cost' : evidence.planDirection} with the buffers unmoved (${evidence.summary}); ` +
        'with no estimate of the capture-to-capture drift that cannot decide: use `confiture perf ab` (interleaved) to decide';
    }
    summary[verdict]++;
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
      adjustedRatio: round(r.adjustedRatio, 4),
      adjustedCi: [round(r.adjustedCi[0], 4), round(r.adjustedCi[1], 4)],
      verdict,
      pValue: r.p,
      qValue: qs[i]!,
      runsNeeded,
      planChanged: diff?.changed ?? false,
      planSummary: diff?.summary ?? null,
      evidence,
      reason,
    };
    if (verdict === 'regression' || verdict === 'improvement') qc.message = describe(qc);
    return qc;
  });
  const warnings = environmentWarnings(base, current);
  return {
    baseline: { id: base.id, name: base.name, createdAt: base.createdAt },
    current: { id: current.id, name: current.name, createdAt: current.createdAt },
    method: {
      statistic: 'ratio of medians, current / baseline',
      interval: `percentile bootstrap (${opts.resamples} resamples, each side resampled independently), ${(level * 100).toFixed(0)} %`,
      test: 'two-sided Mann–Whitney U on the raw timings (normal approximation, tie and continuity corrected)',
      correction: `Benjamini–Hochberg across the ${queries.length} compared queries (false-discovery rate ${opts.alpha})`,
      drift: environment.applied
        ? `drift-corrected: each query judged on its ratio divided by the workload's common shift (median over ${environment.queries} queries of the ratio, bootstrap over queries); p = max(Mann–Whitney on current timings divided by the shift, z-test of the query's relative move against the spread of the workload's queries, τ = ${((tau ?? 0) * 100).toFixed(1)} % on the log scale)`
        : (opts.driftCorrection ?? true)
          ? `none: fewer than ${MIN_QUERIES_FOR_DRIFT} compared queries, raw per-query judgement; a timing-only regression or improvement needs deterministic evidence pointing the same way (≥ 2× shared buffers, rows, or a plan change the planner estimated costlier/cheaper), else it is inconclusive`
          : 'none (perf.driftCorrection: false): raw per-query judgement; a timing-only regression or improvement needs deterministic evidence pointing the same way (≥ 2× shared buffers, rows, or a plan change the planner estimated costlier/cheaper), else it is inconclusive',
      alpha: opts.alpha,
      threshold: opts.threshold,
      seed: opts.seed,
      resamples: opts.resamples,
    },
    environment,
    queries,
    unmatched,
    summary,
    warnings,
  };
}

export function describe(q: QueryComparison, migration?: string | null): string {
  const factor = q.ratio >= 1 ? `${fmtFactor(q.ratio)} slower` : `${fmtFactor(1 / q.ratio)} faster`;
  const head = migration ? `after ${migration}, ` : '';
  const adj = q.adjustedRatio;
  const relative = adj !== undefined && Math.abs(Math.log(adj) - Math.log(q.ratio)) > 0.01 ? ` (${adj >= 1 ? '+' : '−'}${pctOf(adj)} relative to the whole workload)` : '';
  return `${head}query ${q.id} is ${factor}${q.planSummary ? `: ${q.planSummary}` : ''}${relative}`;
}

function fmtFactor(r: number): string {
  return r >= 1.95 ? `${r.toFixed(1)}×` : `${((r - 1) * 100).toFixed(0)} %`;
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
