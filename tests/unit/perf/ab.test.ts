import { describe, expect, it } from 'vitest';
import { compareAB, hodgesLehmann, mulberry32, signedRank } from '../../../src-main/perf';
import type { AbCapture } from '../../../src-shared/domain/perf';
import { explainOf, lognormal } from './synthetic';

/** an interleaved capture: each pair shares a machine factor (drift), B slowed by `effect` */
function capture(seed: number, cases: { id: string; effect: number; explainB?: unknown }[], pairs = 30): AbCapture {
  const rng = mulberry32(seed);
  return {
    format: 'confiture-perf-ab',
    version: 1,
    createdAt: new Date(0).toISOString(),
    before: { label: 'a', database: 'a' },
    after: { label: 'b', database: 'b' },
    server: { version: '18', versionNum: 180000 },
    runs: pairs,
    warmup: 0,
    orderSeed: seed,
    sessions: pairs,
    rehearsal: null,
    cases: cases.map((c) => {
      // the machine drifts ×0.7–×1.5 over the capture: both runs of a pair see the same state
      const drift = lognormal(rng, pairs, 1, 0.25);
      const a = lognormal(rng, pairs, 1, 0.06);
      const b = lognormal(rng, pairs, c.effect, 0.06);
      return {
        id: c.id,
        query: c.id,
        paramSet: 'default',
        sql: 'SELECT 1',
        pairs: a.map((x, i) => ({ a: x * drift[i]!, b: b[i]! * drift[i]!, order: rng() < 0.5 ? ('AB' as const) : ('BA' as const) })),
        rows: [20, 20] as [number, number],
        explain: [explainOf('Index Scan', 'orders', 5, 20, 'orders_idx'), c.explainB ?? explainOf('Index Scan', 'orders', 5, 20, 'orders_idx')] as [unknown, unknown],
      };
    }),
    wallMs: 0,
    notes: [],
  };
}

describe('paired statistics', () => {
  it('signed-rank: symmetric differences are not significant, a consistent shift is', () => {
    expect(signedRank([0.1, -0.1, 0.2, -0.2, 0.05, -0.05]).p).toBeGreaterThan(0.5);
    const shifted = signedRank(Array.from({ length: 20 }, (_, i) => 0.1 + (i % 5) * 0.01));
    expect(shifted.p).toBeLessThan(0.001);
    expect(shifted.z).toBeGreaterThan(0);
    expect(signedRank([0, 0, 0]).p).toBe(1);
  });

  it('Hodges–Lehmann: the centre of the differences with an interval that covers it, robust to a stall', () => {
    const d = [0.1, 0.12, 0.09, 0.11, 0.1, 0.13, 0.08, 0.1, 0.11, 2.5];
    const hl = hodgesLehmann(d, 0.95);
    expect(hl.estimate).toBeGreaterThan(0.09);
    expect(hl.estimate).toBeLessThan(0.13);
    expect(hl.ci[0]).toBeLessThanOrEqual(hl.estimate);
    expect(hl.ci[1]).toBeGreaterThanOrEqual(hl.estimate);
    expect(hl.ci[0]).toBeGreaterThan(0.08);
  });

  it('signed-rank keeps its level under the null: about 5 % of 2,000 symmetric samples at p < 0.05', () => {
    const rng = mulberry32(17);
    let hits = 0;
    for (let k = 0; k < 2000; k++) {
      const d = lognormal(rng, 30, 1, 0.3).map((x, i) => (i % 2 ? 1 : -1) * Math.log(x) * (rng() < 0.5 ? 1 : -1));
      if (signedRank(d).p < 0.05) hits++;
    }
    expect(hits / 2000).toBeGreaterThan(0.03);
    expect(hits / 2000).toBeLessThan(0.07);
  });
});

describe('compareAB', () => {
  it('sees +15 % through a machine drifting ×0.7–×1.5 (pairs share the drift), flags nothing untouched', () => {
    const cmp = compareAB(capture(1, [{ id: 'slowed', effect: 1.15 }, ...Array.from({ length: 9 }, (_, i) => ({ id: `same${i}`, effect: 1 }))]), { alpha: 0.05, threshold: 0.1 });
    const slowed = cmp.queries.find((q) => q.id === 'slowed')!;
    expect(slowed.verdict).toBe('regression');
    expect(slowed.ratio).toBeGreaterThan(1.1);
    expect(slowed.ci[0]).toBeGreaterThan(1.05);
    expect(cmp.queries.filter((q) => q.id !== 'slowed').every((q) => q.verdict === 'unchanged' || q.verdict === 'inconclusive')).toBe(true);
    expect(cmp.fails).toBe(true);
    expect(cmp.summary.certain).toBe(0);
  });

  it('reports a plan change as certain even when the timings are inconclusive, and ≥ 2× buffers fail the comparison', () => {
    const cmp = compareAB(
      capture(2, [
        { id: 'plan', effect: 1.0, explainB: explainOf('Bitmap Heap Scan', 'orders', 6, 20) },
        { id: 'buffers', effect: 1.0, explainB: explainOf('Index Scan', 'orders', 60, 20, 'orders_idx') },
      ]),
      { alpha: 0.05, threshold: 0.1 },
    );
    const plan = cmp.queries.find((q) => q.id === 'plan')!;
    expect(plan.verdict).not.toBe('regression');
    expect(plan.evidence).toMatchObject({ certain: true, planChanged: true, direction: null });
    expect(plan.message).toMatch(/plan changed: Index Scan → Bitmap Heap Scan on orders/);
    const buf = cmp.queries.find((q) => q.id === 'buffers')!;
    expect(buf.evidence).toMatchObject({ certain: true, planChanged: false, direction: 'more', buffers: [5, 60] });
    expect(cmp.summary.certain).toBe(2);
    expect(cmp.fails).toBe(true);
  });

  it('leaves out cases with too few pairs or an error, saying why', () => {
    const cap = capture(3, [{ id: 'few', effect: 1 }, { id: 'bad', effect: 1 }], 4);
    cap.cases[1]!.error = 'failed during timed pair 1 on the after side: boom';
    const cmp = compareAB(cap, { alpha: 0.05, threshold: 0.1 });
    expect(cmp.queries).toEqual([]);
    expect(cmp.unmatched.map((u) => u.reason)).toEqual(['only 4 pairs: at least 5 are needed', 'failed during timed pair 1 on the after side: boom']);
    expect(cmp.fails).toBe(false);
  });

  it('says how the runs were timed: the capture timing in the method, each query its own (a query EXPLAIN refused is timed by the client)', () => {
    const cap = capture(5, [{ id: 'q1', effect: 1 }, { id: 'q2', effect: 1 }]);
    cap.timing = 'server';
    cap.serialize = true;
    cap.cases[0]!.timing = 'server';
    cap.cases[1]!.timing = 'client';
    const cmp = compareAB(cap, { alpha: 0.05, threshold: 0.1 });
    expect(cmp.method.timing).toBe('server');
    expect(cmp.method.design).toContain('each run timed by the server: planning + execution time from EXPLAIN (ANALYZE, TIMING OFF, SERIALIZE TEXT)');
    expect(cmp.queries.map((q) => q.timing)).toEqual(['server', 'client']);
    // a capture from before server timing was timed by the client
    const old = capture(5, [{ id: 'q1', effect: 1 }]);
    const cmpOld = compareAB(old, { alpha: 0.05, threshold: 0.1 });
    expect(cmpOld.method.timing).toBe('client');
    expect(cmpOld.queries[0]!.timing).toBe('client');
    expect(cmpOld.method.design).toContain("timed by the client's clock");
    // a server before 17 on either side: no SERIALIZE ran, and the method does not claim it
    const older = capture(5, [{ id: 'q1', effect: 1 }]);
    older.timing = 'server';
    older.serialize = false;
    expect(compareAB(older, { alpha: 0.05, threshold: 0.1 }).method.design).toContain('EXPLAIN (ANALYZE, TIMING OFF), no network round trip');
  });
});
