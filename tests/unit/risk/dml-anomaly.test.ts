/** Issue 10: DML predictions, inherited locks, anomalies and usable intervals. */
import { describe, expect, it } from 'vitest';
import type { RehearsedStatement } from '../../../src-shared/domain/lifecycle';
import type { Throughput } from '../../../src-shared/domain/risk';
import { assessRisk } from '../../../src-main/risk';
import { bigShop, migration, table } from './fixtures';

const MEASURED: Throughput = { seqScan: 400_000, indexBuild: 60_000, rewrite: 50_000, dml: 8_000, catalogMs: 3, source: 'measured', measuredAt: new Date().toISOString() };

/** A demo-sized shop: orders 30 MB (+ 10 MB of indexes), order_items 60 MB. */
function demoShop() {
  const c = bigShop();
  c.tables = [table('orders', 30 * 1024 ** 2, { indexBytes: 10 * 1024 ** 2, rowEstimate: 250_000 }), table('order_items', 60 * 1024 ** 2, { rowEstimate: 750_000 })];
  return c;
}

const BACKFILL = `ALTER TABLE orders ADD COLUMN item_count integer;
UPDATE orders AS o SET item_count = li.n FROM (SELECT order_id, count(*)::integer AS n FROM order_items GROUP BY order_id) AS li WHERE li.order_id = o.id;`;

function rehearsal(version: string, ms: number[]): Record<string, RehearsedStatement[]> {
  return { [version]: ms.map((d, i) => ({ version, index: i, kind: i ? 'update' : 'alter_table', line: i + 1, durationMs: d, rows: i ? 250_000 : null, locks: [], rewritten: [], rehearsed: true })) };
}

describe('DML under a lock taken earlier in the transaction', () => {
  it('the backfill UPDATE inherits the ADD COLUMN AccessExclusiveLock and its blocking impact', async () => {
    const m = await migration('0022', BACKFILL);
    const r = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {} });
    const [add, upd] = r.migrations[0]!.statements;
    const impact = upd!.factors.find((f) => f.name === 'lock_impact')!;
    expect(impact.value).toBe(1);
    expect(impact.explanation).toMatch(/AccessExclusiveLock on orders held since #0/);
    expect(upd!.blocks.reads).toBe(true);
    expect(upd!.blockingWindowMs.estimate).toBeGreaterThan(1000); // 40 MB at 8 MB/s + the scan of order_items
    expect(upd!.score).toBeGreaterThan(add!.score);
  });

  it('migration factors consider every statement, not only #0', async () => {
    const m = await migration('0022', BACKFILL);
    const r = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {} });
    const vol = r.migrations[0]!.factors.find((f) => f.name === 'data_volume')!;
    expect(vol.value).toBeGreaterThan(0);
    expect(vol.explanation).toMatch(/^#1: /);
  });
});

describe('measured DML throughput', () => {
  it('predicts a backfill from the DML rate: target at the DML rate, sources at the scan rate', async () => {
    const m = await migration('0022', BACKFILL);
    const r = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {} });
    const d = r.migrations[0]!.statements[1]!.durationMs;
    // orders has one index (its pkey): (1 + 1) / 3 of the two-index calibration rate; order_items
    // is read at the scan rate, at the calibration's row width (750k rows × 77 bytes < 60 MB)
    // the fixed part is this server's catalog probe (catalogMs 3), capped at 1 ms
    const expected = 1 + ((40 * 1024 ** 2) / 8_000) * (2 / 3) + Math.min(60 * 1024 ** 2, 750_000 * 77) / 400_000;
    expect(d.estimate).toBeCloseTo(expected, -1);
    expect(d.basis).toBe('measured_throughput');
    expect(d.high / d.low).toBeLessThanOrEqual(4.01);
  });

  it('widens the interval when the measured rate varied beyond a calm server, and says so', async () => {
    const m = await migration('0022', BACKFILL);
    const calm = assessRisk({ migrations: [m], catalog: demoShop(), throughput: { ...MEASURED, variability: { dml: 1.3, seqScan: 1.2 } }, findings: {} }).migrations[0]!;
    const busy = assessRisk({ migrations: [m], catalog: demoShop(), throughput: { ...MEASURED, variability: { dml: 1.35 * 4, seqScan: 1.2 } }, findings: {} }).migrations[0]!;
    const c = calm.statements[1]!.durationMs;
    const b = busy.statements[1]!.durationMs;
    // within a calm server's variability: the ×2 interval, untouched
    expect(c.high / c.low).toBeLessThanOrEqual(4.01);
    expect(c.variability).toBeUndefined();
    // ×4 beyond calm: widened by √4 = 2 each side, the estimate itself unchanged
    expect(b.estimate).toBeCloseTo(c.estimate, 0);
    expect(b.high / c.high).toBeCloseTo(2, 1);
    expect(c.low / b.low).toBeCloseTo(2, 1);
    expect(b.variability).toBe(5.4);
    expect(busy.statements[1]!.factors.find((f) => f.name === 'blocking_window')!.explanation).toMatch(/measured throughput, which varied ×5\.40 between calibrations: interval widened/);
    expect(busy.factors.find((f) => f.name === 'blocking_window')!.explanation).toMatch(/varied ×5\.40/);
    // the ADD COLUMN (catalog only) does not rest on a data rate
    expect(busy.statements[0]!.durationMs.variability).toBeUndefined();
  });

  it('a filtered UPDATE may touch few rows: the low end drops to the scan', async () => {
    const m = await migration('0030', "UPDATE orders SET status = 'x' WHERE id < 10;");
    const d = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect(d.low).toBeLessThan(d.estimate / 10);
  });
});

describe('a rehearsal far outside the interval is an anomaly', () => {
  it('says "measured …, predicted …: anomaly" and raises the score', async () => {
    const m = await migration('0022', BACKFILL);
    const base = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {} }).migrations[0]!;
    const predicted = base.statements[1]!.durationMs;
    const asPredicted = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {}, rehearsals: rehearsal('0022', [3, predicted.estimate]) }).migrations[0]!;
    const far = assessRisk({ migrations: [m], catalog: demoShop(), throughput: MEASURED, findings: {}, rehearsals: rehearsal('0022', [3, predicted.high * 4]) }).migrations[0]!;
    expect(asPredicted.statements[1]!.rehearsal!.verdict).toBe('inside');
    expect(asPredicted.factors.find((f) => f.name === 'anomalies')!.explanation).toMatch(/as predicted/);
    const upd = far.statements[1]!;
    expect(upd.rehearsal!.verdict).toBe('far_outside');
    expect(upd.rehearsal!.predictedMs!.estimate).toBeCloseTo(predicted.estimate, 0);
    const an = far.factors.find((f) => f.name === 'anomalies')!;
    expect(an.explanation).toMatch(/^#1: measured .*, predicted .*: anomaly/);
    expect(an.value).toBeGreaterThanOrEqual(0.5);
    expect(far.score).toBeGreaterThan(asPredicted.score);
  });
});
