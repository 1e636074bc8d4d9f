/** Synthetic baselines for the perf unit tests (log-normal timings, no database). */
import type { Baseline, BaselineQuery } from '../../../src-shared/domain/perf';

/** log-normal timings around `medianMs` with multiplicative noise `sigma` */
export function lognormal(rng: () => number, n: number, medianMs: number, sigma: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(rng(), 1e-12);
    const u2 = rng();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out.push(medianMs * Math.exp(sigma * z));
  }
  return out;
}

/** a minimal EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) document: one scan node with its buffers and rows */
export function explainOf(nodeType: string, relation: string, sharedHit: number, rows = 1, index?: string, cost = 10): unknown {
  return [
    {
      Plan: {
        'Node Type': nodeType,
        'Relation Name': relation,
        Alias: relation,
        ...(index ? { 'Index Name': index } : {}),
        'Plan Rows': rows,
        'Actual Rows': rows,
        'Actual Loops': 1,
        'Actual Total Time': 0.1,
        'Total Cost': cost,
        'Shared Hit Blocks': sharedHit,
        'Shared Read Blocks': 0,
      },
      'Planning Time': 0.05,
      'Execution Time': 0.1,
    },
  ];
}

export function baselineOf(name: string, queries: { id: string; samples: number[]; explain?: unknown; rows?: number }[]): Baseline {
  return {
    format: 'confiture-perf-baseline',
    version: 1,
    id: name,
    name,
    createdAt: new Date(0).toISOString(),
    environment: { name: 'test', production: false, connection: 'x', database: 'd', clientHost: 'h', platform: 'p', node: 'n', confiture: '0' },
    server: { version: '18', versionNum: 180000, settings: {} },
    git: null,
    capture: { runs: 30, warmup: 0, interleaved: true, timing: '', pgStatStatements: { available: false, reason: null }, ioTiming: false, throttle: null },
    workload: { file: 'w', sha256: 'x' },
    queries: queries.map(
      (q): BaselineQuery => ({ id: q.id, query: q.id, paramSet: 'default', sql: 'SELECT 1', params: [], readOnly: true, samplesMs: q.samples, rows: q.rows ?? 1, explain: q.explain ?? null, statements: null }),
    ),
    overhead: { wallMs: 0, timedMs: 0, warmupMs: 0, explainMs: 0, bookkeepingMs: 0, throttleMs: 0, dutyCycle: 0, overheadPct: 0 },
    notes: [],
  };
}
