import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bootstrapRatioCI, decideVerdict, mannWhitney, median, mulberry32 } from '../../../src-main/perf';
import { compareBaselines } from '../../../src-main/perf';
import { baselineOf, lognormal } from './synthetic';

const OPTS = { alpha: 0.05, threshold: 0.1, resamples: 1000, seed: 7 };

describe('bootstrap interval of the ratio of medians', () => {
  it('covers the true ratio about 95 % of the time on synthetic data with a known ratio of 1.3', () => {
    const rng = mulberry32(123);
    const trials = 300;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const a = lognormal(rng, 30, 2, 0.2);
      const b = lognormal(rng, 30, 2.6, 0.2);
      const [lo, hi] = bootstrapRatioCI(a, b, { level: 0.95, resamples: 800, rng: mulberry32(t) });
      if (lo <= 1.3 && 1.3 <= hi) covered++;
    }
    const coverage = covered / trials;
    expect(coverage).toBeGreaterThan(0.89);
    expect(coverage).toBeLessThan(0.995);
  });

  it('is reproducible: the same seed gives the same interval', () => {
    const rng = mulberry32(5);
    const a = lognormal(rng, 25, 1, 0.3);
    const b = lognormal(rng, 25, 1.1, 0.3);
    const x = bootstrapRatioCI(a, b, { level: 0.95, resamples: 500, rng: mulberry32(99) });
    const y = bootstrapRatioCI(a, b, { level: 0.95, resamples: 500, rng: mulberry32(99) });
    expect(x).toEqual(y);
  });
});

describe('Mann–Whitney and Benjamini–Hochberg', () => {
  it('gives uniform-ish p-values under the null and tiny ones for a clear shift', () => {
    const rng = mulberry32(1);
    const nullPs = Array.from({ length: 400 }, () => mannWhitney(lognormal(rng, 30, 1, 0.2), lognormal(rng, 30, 1, 0.2)).p);
    const below = nullPs.filter((p) => p < 0.05).length / nullPs.length;
    expect(below).toBeLessThan(0.09);
    expect(below).toBeGreaterThan(0.01);
    expect(mannWhitney(lognormal(rng, 30, 1, 0.05), lognormal(rng, 30, 1.5, 0.05)).p).toBeLessThan(1e-6);
  });

  it('returns p = 1 when there is no variation at all', () => {
    expect(mannWhitney([1, 1, 1], [1, 1, 1]).p).toBe(1);
  });

  it('adjusts p-values monotonically and never below the raw ones', () => {
    const ps = [0.001, 0.04, 0.03, 0.5, 0.0001];
    const q = benjaminiHochberg(ps);
    q.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(ps[i]!));
    expect(q[4]).toBeCloseTo(0.0005, 6);
    expect(q[0]).toBeCloseTo(0.0025, 6);
    expect(q[3]).toBe(0.5);
  });

  it('keeps false alarms rare across many null queries (the correction at work)', () => {
    const rng = mulberry32(2024);
    let flagged = 0;
    let total = 0;
    let rawFlags = 0;
    for (let rep = 0; rep < 10; rep++) {
      const qs = Array.from({ length: 60 }, (_, i) => ({ id: `q${i}`, median: 0.5 + (i % 7) }));
      const a = baselineOf('a', qs.map((q) => ({ id: q.id, samples: lognormal(rng, 30, q.median, 0.25) })));
      const b = baselineOf('b', qs.map((q) => ({ id: q.id, samples: lognormal(rng, 30, q.median, 0.25) })));
      const cmp = compareBaselines(a, b, { ...OPTS, resamples: 200, threshold: 0.0001 });
      flagged += cmp.summary.regression + cmp.summary.improvement;
      rawFlags += cmp.queries.filter((q) => q.pValue < 0.05).length;
      total += cmp.queries.length;
    }
    // uncorrected, about 5 % of null queries would be flagged; with BH almost none are
    expect(rawFlags / total).toBeGreaterThan(0.02);
    expect(flagged / total).toBeLessThan(0.01);
  });
});

describe('verdicts', () => {
  const base = { alpha: 0.05, threshold: 0.1, runs: 30 };
  it('flags a significant slowdown beyond the threshold as a regression', () => {
    expect(decideVerdict({ ...base, ratio: 1.5, ci: [1.4, 1.6], q: 0.001 }).verdict).toBe('regression');
  });
  it('calls a significant speed-up beyond the threshold an improvement', () => {
    expect(decideVerdict({ ...base, ratio: 0.6, ci: [0.55, 0.66], q: 0.001 }).verdict).toBe('improvement');
  });
  it('calls a tiny but significant shift unchanged', () => {
    const v = decideVerdict({ ...base, ratio: 1.03, ci: [1.01, 1.05], q: 0.0001 });
    expect(v.verdict).toBe('unchanged');
    expect(v.reason).toMatch(/below the threshold/);
  });
  it('calls a noisy large shift inconclusive and says how many runs would decide', () => {
    const v = decideVerdict({ ...base, ratio: 1.25, ci: [0.95, 1.6], q: 0.2 });
    expect(v.verdict).toBe('inconclusive');
    expect(v.runsNeeded).toBeGreaterThan(30);
    expect(v.reason).toMatch(/runs per side/);
  });
  it('calls an interval straddling the threshold inconclusive', () => {
    expect(decideVerdict({ ...base, ratio: 1.06, ci: [1.02, 1.14], q: 0.01 }).verdict).toBe('inconclusive');
  });
  it('detects a 20 % slowdown with 30 runs at realistic noise', () => {
    const rng = mulberry32(77);
    const a = baselineOf('a', [{ id: 'slow', samples: lognormal(rng, 30, 2, 0.08) }, ...Array.from({ length: 49 }, (_, i) => ({ id: `n${i}`, samples: lognormal(rng, 30, 1, 0.08) }))]);
    const b = baselineOf('b', [{ id: 'slow', samples: lognormal(rng, 30, 2.4, 0.08) }, ...Array.from({ length: 49 }, (_, i) => ({ id: `n${i}`, samples: lognormal(rng, 30, 1, 0.08) }))]);
    const cmp = compareBaselines(a, b, OPTS);
    expect(cmp.queries.find((q) => q.id === 'slow')!.verdict).toBe('regression');
    expect(cmp.summary.regression).toBe(1);
    expect(median(b.queries[0]!.samplesMs)).toBeGreaterThan(2.2);
  });
});
