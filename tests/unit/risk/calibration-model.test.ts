/**
 * Issue 10, "intervals a DBA can use": the duration model's structural terms that
 * bench/risk-calibration found missing (foreign keys re-checked on rows this transaction wrote,
 * REINDEX TABLE building every index, validation scans costing per row).
 */
import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot } from '../../../src-shared/domain/catalog';
import type { RehearsedStatement } from '../../../src-shared/domain/lifecycle';
import type { Throughput } from '../../../src-shared/domain/risk';
import { assessRisk } from '../../../src-main/risk';
import { bigShop, migration, table } from './fixtures';

const MEASURED: Throughput = { seqScan: 400_000, indexBuild: 60_000, rewrite: 50_000, dml: 8_000, catalogMs: 3, source: 'measured', measuredAt: new Date().toISOString() };
const MB = 1024 ** 2;

/** orders (30 MB, 250k rows) references customers; orders has its pkey and one more index. */
function shop(): CatalogSnapshot {
  const c = bigShop();
  c.tables = [table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: 250_000 }), table('customers', 10 * MB, { rowEstimate: 100_000 })];
  c.indexes = [
    { schema: 'public', name: 'orders_pkey', table: 'public.orders', sizeBytes: 5 * MB, unique: true, primary: true, valid: true, def: '' },
    { schema: 'public', name: 'orders_customer_id_idx', table: 'public.orders', sizeBytes: 5 * MB, unique: false, primary: false, valid: true, def: '' },
  ];
  c.foreignKeys = [{ name: 'orders_customer_id_fkey', table: 'public.orders', columns: ['customer_id'], references: 'public.customers', validated: true, indexed: true }] as CatalogSnapshot['foreignKeys'];
  return c;
}

const REWRITE = 'ALTER TABLE orders ALTER COLUMN total TYPE bigint';
const UPDATE = 'UPDATE orders SET note = total::text';

describe('an UPDATE of rows the same transaction wrote re-checks each outbound foreign key per row', () => {
  it('after a rewrite in the same file: + 2.2× the UPDATE per FK', async () => {
    const alone = assessRisk({ migrations: [await migration('1', UPDATE)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const after = assessRisk({ migrations: [await migration('1', `${REWRITE};\n${UPDATE}`)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[1]!.durationMs;
    // the data part (everything but the 2 ms overhead) grows by 1 + 2.2 × 1 FK
    expect((after.estimate - 2) / ((alone.estimate - 2) * 3.2)).toBeCloseTo(1, 3);
    expect(after.high / after.low).toBeLessThanOrEqual(4.01);
  });

  it('not across migrations (migrate up commits each one), but across the plan when it runs in one transaction (the dry-run)', async () => {
    const plan = async () => [await migration('1', REWRITE), await migration('2', UPDATE)];
    const apply = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED }).migrations[1]!.statements[0]!.durationMs;
    const alone = assessRisk({ migrations: [await migration('2', UPDATE)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const rehearsal = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED, transactionScope: 'plan' }).migrations[1]!.statements[0]!.durationMs;
    expect(apply.estimate).toBeCloseTo(alone.estimate, 3);
    expect((rehearsal.estimate - 2) / ((alone.estimate - 2) * 3.2)).toBeCloseTo(1, 3);
  });

  it('a table without outbound foreign keys, or a DELETE, pays nothing more', async () => {
    const c = shop();
    c.foreignKeys = [];
    const alone = assessRisk({ migrations: [await migration('1', UPDATE)], catalog: c, throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const after = assessRisk({ migrations: [await migration('1', `${REWRITE};\n${UPDATE}`)], catalog: c, throughput: MEASURED }).migrations[0]!.statements[1]!.durationMs;
    expect(after.estimate).toBeCloseTo(alone.estimate, 3);
    const del = 'DELETE FROM orders';
    const delAlone = assessRisk({ migrations: [await migration('1', del)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const delAfter = assessRisk({ migrations: [await migration('1', `${REWRITE};\n${del}`)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[1]!.durationMs;
    expect(delAfter.estimate).toBeCloseTo(delAlone.estimate, 3);
  });

  it('a rehearsal (one transaction for the plan) is judged against the plan prediction: no false anomaly', async () => {
    const plan = async () => [await migration('1', REWRITE), await migration('2', UPDATE)];
    const expected = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED, transactionScope: 'plan' }).migrations[1]!.statements[0]!.durationMs;
    const measured: Record<string, RehearsedStatement[]> = {
      '2': [{ version: '2', index: 0, kind: 'update', line: 1, durationMs: expected.estimate, rows: 250_000, locks: [], rewritten: [], rehearsed: true }],
    };
    const r = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED, rehearsals: measured }).migrations[1]!.statements[0]!;
    expect(r.rehearsal!.verdict).toBe('inside');
    expect(r.rehearsal!.predictedMs!.estimate).toBeCloseTo(expected.estimate, 0);
  });
});

describe('REINDEX TABLE builds every index of the table', () => {
  it('two indexes: twice the build of one index', async () => {
    const one = assessRisk({ migrations: [await migration('1', 'CREATE INDEX orders_status_idx ON orders (status)')], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const all = assessRisk({ migrations: [await migration('1', 'REINDEX TABLE orders')], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect((all.estimate - 2) / ((one.estimate - 2) * 2)).toBeCloseTo(1, 2);
  });
});

describe('a validation scan costs per row, at the calibration row width', () => {
  it('wide rows: rows × 77 bytes at the scan rate; never more than the table size', async () => {
    const c = shop();
    c.tables[0] = table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: 100_000 }); // 315 bytes a row
    const wide = assessRisk({ migrations: [await migration('1', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0)')], catalog: c, throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect(wide.estimate).toBeCloseTo(2 + (100_000 * 77) / 400_000, 0);
    const n = shop(); // a new snapshot: the catalog maps are derived once per snapshot
    n.tables[0] = table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: 1_000_000 }); // 31 bytes a row
    const narrow = assessRisk({ migrations: [await migration('1', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0)')], catalog: n, throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect(narrow.estimate).toBeCloseTo(2 + (30 * MB) / 400_000, 0);
  });
});
