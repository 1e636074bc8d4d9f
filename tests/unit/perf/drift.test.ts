import { describe, expect, it } from 'vitest';
import { commonShift, compareBaselines, comparisonFails, mulberry32 } from '../../../src-main/perf';
import { baselineOf, explainOf, lognormal } from './synthetic';

const OPTS = { alpha: 0.05, threshold: 0.1, resamples: 1000, seed: 11 };

/**
 * Two captures of `n` queries (medians 0.3–12 ms, 8 % multiplicative noise, 30 runs):
 * every current timing is multiplied by `drift`, and the queries in `changed` by their factor too.
 */
function workload(seed: number, n: number, drift: number, changed: Record<string, number> = {}) {
  const rng = mulberry32(seed);
  const qs = Array.from({ length: n }, (_, i) => ({ id: `q${String(i).padStart(2, '0')}`, median: 0.3 + ((i * 37) % 120) / 10 }));
  const a = baselineOf('a', qs.map((q) => ({ id: q.id, samples: lognormal(rng, 30, q.median, 0.08) })));
  const b = baselineOf('b', qs.map((q) => ({ id: q.id, samples: lognormal(rng, 30, q.median * drift * (changed[q.id] ?? 1), 0.08) })));
  return { a, b };
}

describe('drift correction: the common shift of the workload', () => {
  it('reports a +15 % shift of every query at workload level, not as 50 query regressions, and fails the comparison', () => {
    const { a, b } = workload(1, 50, 1.15);
    const cmp = compareBaselines(a, b, OPTS);
    expect(cmp.summary.regression).toBe(0);
    expect(cmp.summary.improvement).toBe(0);
    expect(cmp.environment).toMatchObject({ verdict: 'shifted', direction: 'slower', applied: true, queries: 50 });
    expect(cmp.environment.ratio).toBeGreaterThan(1.12);
    expect(cmp.environment.ratio).toBeLessThan(1.18);
    expect(cmp.environment.ci![0]).toBeGreaterThan(1.1);
    expect(cmp.environment.note).toMatch(/all queries 1\d\.\d % slower together: the environment or a global change/);
    expect(comparisonFails(cmp)).toBe(true);
    // each query keeps its raw ratio, and is judged on the ratio relative to the workload
    const q = cmp.queries[0]!;
    expect(q.ratio).toBeGreaterThan(1.08);
    expect(Math.abs(q.adjustedRatio - 1)).toBeLessThan(0.06);
    expect(q.adjustedCi[0]).toBeLessThan(q.adjustedRatio);
    expect(q.adjustedCi[1]).toBeGreaterThan(q.adjustedRatio);
    expect(cmp.method.drift).toMatch(/drift-corrected/);
  });

  it('judges raw timings with perf.driftCorrection: false, but a timing-only move without evidence of changed work is inconclusive', () => {
    const { a, b } = workload(1, 50, 1.15);
    const cmp = compareBaselines(a, b, { ...OPTS, driftCorrection: false });
    // the raw timings of most queries moved +15 % (significant), but nothing says their work changed
    expect(cmp.summary.regression).toBe(0);
    expect(cmp.summary.inconclusive).toBeGreaterThan(25);
    const moved = cmp.queries.find((q) => q.verdict === 'inconclusive' && q.ratio > 1.1)!;
    expect(moved.reason).toMatch(/timings moved .* cannot be told from the machine: use `confiture perf ab`/);
    expect(moved.evidence).toMatchObject({ available: false, certain: false });
    expect(cmp.environment).toMatchObject({ verdict: 'shifted', direction: 'slower', applied: false });
    expect(cmp.environment.note).toMatch(/drift correction is off/);
    expect(cmp.queries.every((q) => q.adjustedRatio === q.ratio && q.adjustedCi[0] === q.ci[0] && q.adjustedCi[1] === q.ci[1])).toBe(true);
    expect(cmp.method.drift).toMatch(/driftCorrection: false/);
  });

  it('flags exactly the 3 queries that moved +30 % beyond a common −10 % drift', () => {
    const slowed = { q04: 1.3, q17: 1.3, q33: 1.3 };
    const { a, b } = workload(2, 50, 0.9, slowed);
    const cmp = compareBaselines(a, b, OPTS);
    const flagged = cmp.queries.filter((q) => q.verdict === 'regression' || q.verdict === 'improvement');
    expect(flagged.map((q) => `${q.id}:${q.verdict}`).sort()).toEqual(['q04:regression', 'q17:regression', 'q33:regression']);
    for (const q of flagged) {
      expect(q.adjustedRatio).toBeGreaterThan(1.2);
      expect(q.ratio).toBeLessThan(1.25); // raw: +17 %, the drift hides part of it
      expect(q.message).toMatch(/relative to the whole workload/);
    }
    expect(cmp.environment.ratio).toBeGreaterThan(0.86);
    expect(cmp.environment.ratio).toBeLessThan(0.93);
    expect(cmp.environment.direction).not.toBe('slower');
    // raw judgement on the same data: the drift would be dozens of "improvements"; with no evidence
    // of changed work they are inconclusive
    const raw = compareBaselines(a, b, { ...OPTS, driftCorrection: false });
    expect(raw.summary.improvement + raw.summary.regression).toBe(0);
    expect(raw.summary.inconclusive).toBeGreaterThan(10);
  });

  it('calls a stable environment stable and flags nothing on unchanged data', () => {
    const { a, b } = workload(3, 50, 1);
    const cmp = compareBaselines(a, b, OPTS);
    expect(cmp.environment.verdict).toBe('stable');
    expect(cmp.environment.direction).toBeNull();
    expect(cmp.summary.regression + cmp.summary.improvement).toBe(0);
    expect(comparisonFails(cmp)).toBe(false);
  });

  it('applies no correction to fewer than 8 queries, says so, and judges them raw', () => {
    const { a, b } = workload(4, 5, 1.3);
    const cmp = compareBaselines(a, b, OPTS);
    expect(cmp.environment).toMatchObject({ verdict: 'unknown', applied: false, ci: null, queries: 5, minQueries: 8 });
    expect(cmp.environment.note).toMatch(/only 5 compared queries: at least 8 are needed.*no drift correction/);
    expect(cmp.method.drift).toMatch(/fewer than 8/);
    expect(cmp.queries.every((q) => q.adjustedRatio === q.ratio)).toBe(true);
    // +30 % on every query of two captures is what a loaded machine does: no evidence, no verdict
    expect(cmp.summary.regression).toBe(0);
    expect(cmp.summary.inconclusive).toBe(5);
    expect(comparisonFails(cmp)).toBe(false);
  });

  it('with fewer than 8 queries, flags a timing move only when the plan or its buffers say the work changed', () => {
    const rng = mulberry32(5);
    const ids = ['q0', 'q1', 'q2'];
    const a = baselineOf('a', ids.map((id) => ({ id, samples: lognormal(rng, 30, 1, 0.05), explain: explainOf('Index Scan', 'orders', 4, 20, 'orders_idx'), rows: 20 })));
    const b = baselineOf('b', [
      // same plan, 3× the buffers (bloat, a wider row, a lost index-only scan): certain
      { id: 'q0', samples: lognormal(rng, 30, 2, 0.05), explain: explainOf('Index Scan', 'orders', 40, 20, 'orders_idx'), rows: 20 },
      // the plan changed shape, to one the planner estimated costlier: certain, and pointing the same way
      { id: 'q1', samples: lognormal(rng, 30, 2, 0.05), explain: explainOf('Seq Scan', 'orders', 4, 20, undefined, 3500), rows: 20 },
      // same plan, same buffers: a timing-only move
      { id: 'q2', samples: lognormal(rng, 30, 2, 0.05), explain: explainOf('Index Scan', 'orders', 4, 20, 'orders_idx'), rows: 20 },
    ]);
    const cmp = compareBaselines(a, b, OPTS);
    const by = new Map(cmp.queries.map((q) => [q.id, q]));
    expect(by.get('q0')!.verdict).toBe('regression');
    expect(by.get('q0')!.evidence).toMatchObject({ certain: true, planChanged: false, buffers: [4, 40], buffersRatio: 10, direction: 'more' });
    expect(by.get('q1')!.verdict).toBe('regression');
    expect(by.get('q1')!.evidence).toMatchObject({ certain: true, planChanged: true, planCost: [10, 3500], planDirection: 'costlier' });
    expect(by.get('q1')!.planSummary).toMatch(/Index Scan → Seq Scan on orders/);
    expect(by.get('q2')!.verdict).toBe('inconclusive');
    expect(by.get('q2')!.evidence).toMatchObject({ available: true, certain: false, buffers: [4, 4] });
    expect(by.get('q2')!.reason).toMatch(/same plan, shared buffers 4 → 4.*the work did not change/);
    expect(comparisonFails(cmp)).toBe(true);
  });

  it('with fewer than 8 queries, a timing move against the direction of the work is inconclusive', () => {
    const rng = mulberry32(9);
    const a = baselineOf('a', [
      { id: 'q0', samples: lognormal(rng, 30, 2, 0.05), explain: explainOf('Bitmap Heap Scan', 'orders', 400, 20), rows: 20 },
      { id: 'q1', samples: lognormal(rng, 30, 2, 0.05), explain: explainOf('Index Scan', 'orders', 4, 20, 'orders_idx'), rows: 20 },
    ]);
    const b = baselineOf('b', [
      // a new index: 20× fewer buffers, but the capture ran on a loaded machine (×9 slower timings)
      { id: 'q0', samples: lognormal(rng, 30, 18, 0.05), explain: explainOf('Index Scan', 'orders', 20, 20, 'orders_cust_created_idx'), rows: 20 },
      // the index lost: 20× the buffers and faster timings (a calm machine): not an improvement either
      { id: 'q1', samples: lognormal(rng, 30, 1, 0.05), explain: explainOf('Seq Scan', 'orders', 400, 20), rows: 20 },
    ]);
    const cmp = compareBaselines(a, b, OPTS);
    const by = new Map(cmp.queries.map((q) => [q.id, q]));
    expect(by.get('q0')!.evidence).toMatchObject({ certain: true, planChanged: true, direction: 'less' });
    expect(by.get('q0')!.verdict).toBe('inconclusive');
    expect(by.get('q0')!.reason).toMatch(/the work moved the other way.*perf ab/);
    expect(by.get('q1')!.evidence).toMatchObject({ certain: true, direction: 'more' });
    expect(by.get('q1')!.verdict).toBe('inconclusive');
    // the same timings with the work in the same direction keep their verdict (q0 of the test above)
  });

  it('with fewer than 8 queries, a plan change the planner estimated no costlier does not corroborate a timing regression', () => {
    // the performance-tuning guide's fix: the same Bitmap Heap Scan on a new composite index, the
    // same estimated cost, 15 → 12 buffers, while the second capture ran on a loaded machine (×2)
    const rng = mulberry32(13);
    const a = baselineOf('a', [
      { id: 'q0', samples: lognormal(rng, 30, 2.2, 0.05), explain: explainOf('Bitmap Heap Scan', 'orders', 15, 10, 'orders_customer_id_idx', 42.22), rows: 10 },
      { id: 'q1', samples: lognormal(rng, 30, 2.2, 0.05), explain: explainOf('Index Scan', 'orders', 15, 10, 'orders_a_idx', 40), rows: 10 },
      { id: 'q2', samples: lognormal(rng, 30, 2.2, 0.05), explain: explainOf('Index Scan', 'orders', 15, 10, 'orders_a_idx', 40), rows: 10 },
    ]);
    const b = baselineOf('b', [
      { id: 'q0', samples: lognormal(rng, 30, 4.5, 0.05), explain: explainOf('Bitmap Heap Scan', 'orders', 12, 10, 'orders_customer_id_created_at_idx', 42.22), rows: 10 },
      // a new index the planner estimated cheaper, timings ×2: the witnesses disagree
      { id: 'q1', samples: lognormal(rng, 30, 4.5, 0.05), explain: explainOf('Index Scan', 'orders', 15, 10, 'orders_b_idx', 12), rows: 10 },
      // the same index change estimated costlier (a worse index): corroborated
      { id: 'q2', samples: lognormal(rng, 30, 4.5, 0.05), explain: explainOf('Index Scan', 'orders', 15, 10, 'orders_b_idx', 90), rows: 10 },
    ]);
    const cmp = compareBaselines(a, b, OPTS);
    const by = new Map(cmp.queries.map((q) => [q.id, q]));
    expect(by.get('q0')!.ratio).toBeGreaterThan(1.8);
    expect(by.get('q0')!.evidence).toMatchObject({ certain: true, planChanged: true, direction: null, planDirection: 'same', buffers: [15, 12] });
    expect(by.get('q0')!.verdict).toBe('inconclusive');
    expect(by.get('q0')!.reason).toMatch(/plan change the planner estimated at the same cost with the buffers unmoved.*perf ab/);
    expect(by.get('q1')!.evidence).toMatchObject({ planDirection: 'cheaper', planCost: [40, 12] });
    expect(by.get('q1')!.verdict).toBe('inconclusive');
    expect(by.get('q1')!.reason).toMatch(/estimated cheaper/);
    expect(by.get('q2')!.evidence).toMatchObject({ planDirection: 'costlier' });
    expect(by.get('q2')!.verdict).toBe('regression');
    expect(comparisonFails(cmp)).toBe(true);
  });

  it('estimates the common shift robustly when a minority of queries changed a lot', () => {
    const rng = mulberry32(9);
    const logs = [...Array.from({ length: 40 }, () => Math.log(1.1) + 0.02 * (rng() - 0.5)), ...Array.from({ length: 10 }, () => Math.log(3))];
    const s = commonShift(logs, { level: 0.95, resamples: 1000, rng: mulberry32(1) });
    expect(Math.exp(s.log)).toBeGreaterThan(1.09);
    expect(Math.exp(s.log)).toBeLessThan(1.12);
    expect(s.ci[0]).toBeLessThanOrEqual(s.log);
    expect(s.ci[1]).toBeGreaterThanOrEqual(s.log);
  });
});
