/**
 * The statistics behind a verdict. Pure functions, seeded so every result is reproducible.
 *
 * Per query: the ratio of medians current/baseline with a percentile bootstrap interval
 * (each side resampled independently), a two-sided Mann–Whitney U test on the raw timings
 * (normal approximation with tie and continuity corrections), and Benjamini–Hochberg across all
 * queries of one comparison. The verdict needs both statistical significance (BH q ≤ alpha) and
 * practical significance (ratio beyond the threshold, e.g. ±10 %); "unchanged" needs the whole
 * interval inside the threshold band (an equivalence test), anything else is inconclusive.
 */
import type { Verdict } from '../../src-shared/domain/perf';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string mixed with a seed: a per-query seed that does not depend on query order. */
export function seedFor(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function sortedCopy(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Median of an already sorted array. */
export function medianSorted(s: ArrayLike<number>): number {
  const n = s.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  return n % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function median(xs: readonly number[]): number {
  return medianSorted(sortedCopy(xs));
}

/** Linear-interpolated quantile (type 7) of a sorted array. */
export function quantileSorted(s: ArrayLike<number>, p: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (n === 1) return s[0]!;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

function resampleMedian(src: ArrayLike<number>, buf: Float64Array, rng: () => number): number {
  const n = src.length;
  for (let i = 0; i < n; i++) buf[i] = src[Math.floor(rng() * n)]!;
  buf.sort();
  return medianSorted(buf);
}

/**
 * Percentile bootstrap interval of median(current) / median(baseline): both samples are
 * resampled independently `resamples` times.
 */
export function bootstrapRatioCI(
  baseline: readonly number[],
  current: readonly number[],
  opts: { level: number; resamples: number; rng: () => number },
): [number, number] {
  if (baseline.length === 0 || current.length === 0) return [NaN, NaN];
  const b = Float64Array.from(baseline);
  const c = Float64Array.from(current);
  const bb = new Float64Array(b.length);
  const cb = new Float64Array(c.length);
  const ratios = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) {
    const mb = resampleMedian(b, bb, opts.rng);
    const mc = resampleMedian(c, cb, opts.rng);
    ratios[i] = mb > 0 ? mc / mb : mc > 0 ? Infinity : 1;
  }
  ratios.sort();
  const a = (1 - opts.level) / 2;
  return [quantileSorted(ratios, a), quantileSorted(ratios, 1 - a)];
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum), normal approximation with tie and
 * continuity corrections. Returns p = 1 when there is no variation at all.
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): { u: number; z: number; p: number } {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, z: 0, p: 1 };
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const N = all.length;
  let r1 = 0;
  let tieSum = 0;
  for (let i = 0; i < N; ) {
    let j = i;
    while (j + 1 < N && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2; // average of 1-based ranks i+1..j+1
    const t = j - i + 1;
    if (t > 1) tieSum += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) r1 += rank;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (N + 1 - tieSum / (N * (N - 1)));
  if (variance <= 0) return { u: u1, z: 0, p: 1 };
  const diff = u1 - mu;
  const z = (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance);
  const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { u: u1, z, p };
}

/** Benjamini–Hochberg adjusted p-values (q-values), in the input order. */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const q = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = order[k]!;
    running = Math.min(running, (p * m) / (k + 1));
    q[i] = Math.min(1, running);
  }
  return q;
}

export interface VerdictInput {
  ratio: number;
  ci: [number, number];
  q: number;
  alpha: number;
  /** practical-significance threshold, e.g. 0.1 for 10 % */
  threshold: number;
  /** runs per side in the smaller sample */
  runs: number;
}

export interface VerdictResult {
  verdict: Verdict;
  runsNeeded: number | null;
  reason: string;
}

const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;

/**
 * regression: BH q ≤ alpha and ratio ≥ 1 + threshold. improvement: q ≤ alpha and
 * ratio ≤ 1 / (1 + threshold). unchanged: the interval lies inside [1/(1+t), 1+t] (a tiny but
 * significant shift is unchanged). Otherwise inconclusive, with the runs per side that would
 * shrink the interval enough to decide (interval width ∝ 1/√n).
 */
export function decideVerdict(v: VerdictInput): VerdictResult {
  const up = 1 + v.threshold;
  const down = 1 / up;
  const thr = `${(v.threshold * 100).toFixed(0)} %`;
  if (v.q <= v.alpha && v.ratio >= up) {
    return { verdict: 'regression', runsNeeded: null, reason: `${pct(v.ratio)} (q = ${fmtP(v.q)} ≤ ${v.alpha}), beyond the ${thr} threshold` };
  }
  if (v.q <= v.alpha && v.ratio <= down) {
    return { verdict: 'improvement', runsNeeded: null, reason: `${pct(v.ratio)} (q = ${fmtP(v.q)} ≤ ${v.alpha}), beyond the ${thr} threshold` };
  }
  const [lo, hi] = v.ci;
  if (lo >= down && hi <= up) {
    const sig = v.q <= v.alpha ? ' (statistically detectable but below the threshold)' : '';
    return { verdict: 'unchanged', runsNeeded: null, reason: `interval ${lo.toFixed(3)}–${hi.toFixed(3)} lies within ±${thr}${sig}` };
  }
  // inconclusive: how many runs would decide?
  const L = Math.log(up);
  const c = Math.log(v.ratio);
  const h = (Math.log(hi) - Math.log(lo)) / 2;
  const margin = Math.abs(c) < L ? L - Math.abs(c) : Math.abs(c);
  let runsNeeded: number | null = null;
  if (Number.isFinite(h) && h > 0 && margin > 0) {
    const n = Math.ceil(v.runs * (h / margin) ** 2 * 1.2);
    runsNeeded = n > v.runs * 100 ? null : Math.max(v.runs + 1, n);
  }
  const why =
    Math.abs(c) < L
      ? `interval ${lo.toFixed(3)}–${hi.toFixed(3)} reaches beyond ±${thr}`
      : `${pct(v.ratio)} but not significant after correction (q = ${fmtP(v.q)} > ${v.alpha})`;
  const more = runsNeeded === null ? '; the change sits at the threshold: no realistic number of runs would decide' : `; about ${runsNeeded} runs per side would decide`;
  return { verdict: 'inconclusive', runsNeeded, reason: why + more };
}

export function fmtP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** Fewer compared queries than this: no common shift is estimated (nor corrected for). */
export const MIN_QUERIES_FOR_DRIFT = 8;

/**
 * The common shift of a workload: the median over queries of log(current/baseline), with a
 * percentile bootstrap interval over queries (queries resampled with replacement). The median
 * ignores a minority of queries that really changed; the interval reflects how much the queries
 * disagree (each log-ratio already carries its own measurement noise).
 */
export function commonShift(
  logRatios: readonly number[],
  opts: { level: number; resamples: number; rng: () => number },
): { log: number; ci: [number, number] } {
  const n = logRatios.length;
  if (n === 0) return { log: 0, ci: [0, 0] };
  const src = Float64Array.from(logRatios);
  const buf = new Float64Array(n);
  const meds = new Float64Array(opts.resamples);
  for (let i = 0; i < opts.resamples; i++) meds[i] = resampleMedian(src, buf, opts.rng);
  meds.sort();
  const a = (1 - opts.level) / 2;
  return { log: median(logRatios), ci: [quantileSorted(meds, a), quantileSorted(meds, 1 - a)] };
}

/**
 * The interval of ratio / common, on the log scale: the per-query and the common intervals'
 * half-widths combined in quadrature (the two errors are nearly independent: one query weighs
 * 1/n in the median), each side separately since percentile intervals are asymmetric.
 */
export function adjustInterval(ratio: number, ci: [number, number], common: number, commonCi: [number, number]): [number, number] {
  if (!(ratio > 0 && Number.isFinite(ratio) && ci[0] > 0 && Number.isFinite(ci[1]))) return [ci[0] / common, ci[1] / common];
  const c = Math.log(ratio) - Math.log(common);
  const dLo = Math.log(ratio) - Math.log(ci[0]);
  const dHi = Math.log(ci[1]) - Math.log(ratio);
  const eLo = Math.log(common) - Math.log(commonCi[0]);
  const eHi = Math.log(commonCi[1]) - Math.log(common);
  return [Math.exp(c - Math.hypot(dLo, eHi)), Math.exp(c + Math.hypot(dHi, eLo))];
}

/** Inverse of the standard normal CDF (bisection on normalCdf; |error| < 1e-6 for p in (1e-12, 1 − 1e-12)). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * How much more than the workload did each query move? Residuals e_i = log r_i − common, each with
 * its own standard error se_i (from its bootstrap interval). Queries never move exactly together
 * (a loaded machine slows CPU-bound and round-trip-bound queries differently), so the null is "moved
 * like a typical query": the between-query spread τ² = max(0, (1.4826·MAD(e))² − median(se²))
 * is estimated robustly and z_i = e_i / √(se_i² + τ² + se_common²). Returns two-sided p-values and τ.
 */
export function heterogeneityTest(residuals: readonly number[], ses: readonly number[], seCommon: number): { p: number[]; tau: number } {
  const finite = residuals.map((e, i) => ({ e, se: ses[i]! })).filter((x) => Number.isFinite(x.e) && Number.isFinite(x.se));
  if (finite.length === 0) return { p: residuals.map(() => 1), tau: 0 };
  const mad = 1.4826 * median(finite.map((x) => Math.abs(x.e)));
  const tau2 = Math.max(0, mad * mad - median(finite.map((x) => x.se * x.se)));
  const p = residuals.map((e, i) => {
    const se = ses[i]!;
    if (!Number.isFinite(e) || !Number.isFinite(se)) return 1;
    const sd = Math.sqrt(se * se + tau2 + seCommon * seCommon);
    if (!(sd > 0)) return e === 0 ? 1 : 0;
    return Math.min(1, 2 * (1 - normalCdf(Math.abs(e) / sd)));
  });
  return { p, tau: Math.sqrt(tau2) };
}

// ---------------------------------------------------------------------------------------------
// paired (interleaved A/B) statistics

/**
 * Wilcoxon signed-rank test on paired differences d (two-sided; zeros dropped, average ranks for
 * ties, normal approximation with tie and continuity corrections). Valid without any distribution
 * assumption when the order of A and B within each pair was randomised: under "no change" every
 * difference is then as likely positive as negative.
 */
export function signedRank(d: readonly number[]): { w: number; z: number; p: number; n: number } {
  const nz = d.filter((x) => x !== 0 && Number.isFinite(x));
  const n = nz.length;
  if (n === 0) return { w: 0, z: 0, p: 1, n: 0 };
  const abs = nz.map((v) => ({ a: Math.abs(v), pos: v > 0 })).sort((x, y) => x.a - y.a);
  let wPlus = 0;
  let tieSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && abs[j + 1]!.a === abs[i]!.a) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    if (t > 1) tieSum += t * t * t - t;
    for (let k = i; k <= j; k++) if (abs[k]!.pos) wPlus += rank;
    i = j + 1;
  }
  const mu = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSum / 48;
  if (variance <= 0) return { w: wPlus, z: 0, p: 1, n };
  const diff = wPlus - mu;
  const z = (Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5)) / Math.sqrt(variance);
  return { w: wPlus, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))), n };
}

/**
 * Hodges–Lehmann estimate of the centre of paired differences (median of the n(n+1)/2 Walsh
 * averages) with its distribution-free confidence interval (the matching order statistics of the
 * Walsh averages, from the signed-rank distribution's normal approximation). Robust to the
 * occasional run a loaded machine stalls, and more efficient than the median of the differences.
 */
export function hodgesLehmann(d: readonly number[], level: number): { estimate: number; ci: [number, number] } {
  const xs = d.filter((x) => Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { estimate: NaN, ci: [NaN, NaN] };
  const walsh = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh[k++] = (xs[i]! + xs[j]!) / 2;
  walsh.sort();
  const M = walsh.length;
  const z = normalQuantile(1 - (1 - level) / 2);
  const c = Math.floor((n * (n + 1)) / 4 - z * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24));
  const lo = Math.max(0, Math.min(M - 1, c));
  const hi = Math.max(0, Math.min(M - 1, M - 1 - c));
  return { estimate: medianSorted(walsh), ci: [walsh[lo]!, walsh[hi]!] };
}
