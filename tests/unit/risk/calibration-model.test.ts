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
/** the fixed part of a data-bound statement: this server's catalog probe (3 ms), capped at 1 ms */
const OVERHEAD = 1;

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
    // the data part (everything but the fixed part) grows by 1 + 2.2 × 1 FK
    expect((after.estimate - OVERHEAD) / ((alone.estimate - OVERHEAD) * 3.2)).toBeCloseTo(1, 3);
    expect(after.high / after.low).toBeLessThanOrEqual(4.01);
  });

  it('not across migrations (migrate up commits each one), but across the plan when it runs in one transaction (the dry-run)', async () => {
    const plan = async () => [await migration('1', REWRITE), await migration('2', UPDATE)];
    const apply = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED }).migrations[1]!.statements[0]!.durationMs;
    const alone = assessRisk({ migrations: [await migration('2', UPDATE)], catalog: shop(), throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    const rehearsal = assessRisk({ migrations: await plan(), catalog: shop(), throughput: MEASURED, transactionScope: 'plan' }).migrations[1]!.statements[0]!.durationMs;
    expect(apply.estimate).toBeCloseTo(alone.estimate, 3);
    expect((rehearsal.estimate - OVERHEAD) / ((alone.estimate - OVERHEAD) * 3.2)).toBeCloseTo(1, 3);
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
    expect((all.estimate - OVERHEAD) / ((one.estimate - OVERHEAD) * 2)).toBeCloseTo(1, 2);
  });
});

describe('a validation scan costs per row, at the calibration row width', () => {
  it('wide rows: rows × 77 bytes at the scan rate; never more than the table size', async () => {
    const c = shop();
    c.tables[0] = table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: 100_000 }); // 315 bytes a row
    const wide = assessRisk({ migrations: [await migration('1', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0)')], catalog: c, throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect(wide.estimate).toBeCloseTo(OVERHEAD + (100_000 * 77) / 400_000, 0);
    const n = shop(); // a new snapshot: the catalog maps are derived once per snapshot
    n.tables[0] = table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: 1_000_000 }); // 31 bytes a row
    const narrow = assessRisk({ migrations: [await migration('1', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0)')], catalog: n, throughput: MEASURED }).migrations[0]!.statements[0]!.durationMs;
    expect(narrow.estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 400_000, 0);
  });
});

describe('a rewrite that evaluates functions per row: the plain rewrite + rows × each call, as measured on this server', () => {
  const PRICED: Throughput = { ...MEASURED, perRowUs: { gen_random_uuid: 2.6, clock_timestamp: 0.06, nextval: 0.15 } };
  const predict = async (sql: string, tp: Throughput = PRICED, c: CatalogSnapshot = shop()) => assessRisk({ migrations: [await migration('1', sql)], catalog: c, throughput: tp }).migrations[0]!.statements[0]!.durationMs;
  const plainRewrite = (30 * MB + 10 * MB) / 50_000; // heap + indexes at the rewrite rate

  it('gen_random_uuid(): 250,000 rows × 2.6 µs on top of the rewrite', async () => {
    const d = await predict('ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid()');
    expect(d.estimate).toBeCloseTo(OVERHEAD + plainRewrite + (250_000 * 2.6) / 1000, 0);
    expect(d.high / d.low).toBeLessThanOrEqual(4.01);
  });

  it('clock_timestamp() costs next to nothing: the demo 0008 rewrite was predicted 1.6× the plain rewrite and ran in 0.57×', async () => {
    const d = await predict('ALTER TABLE orders ADD COLUMN received_at timestamptz NOT NULL DEFAULT clock_timestamp()');
    expect(d.estimate).toBeCloseTo(OVERHEAD + plainRewrite + (250_000 * 0.06) / 1000, 0);
    expect(d.estimate).toBeLessThan(OVERHEAD + plainRewrite * 1.1);
  });

  it('identity and serial columns call nextval per row; two columns add their calls', async () => {
    const identity = await predict('ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY');
    expect(identity.estimate).toBeCloseTo(OVERHEAD + plainRewrite + (250_000 * 0.15) / 1000, 0);
    const two = await predict('ALTER TABLE orders ADD COLUMN s bigserial, ADD COLUMN ref uuid DEFAULT pg_catalog.gen_random_uuid()');
    expect(two.estimate).toBeCloseTo(OVERHEAD + plainRewrite + (250_000 * (0.15 + 2.6)) / 1000, 0);
  });

  it('a function the calibration did not price (user code, or an older calibration) keeps the fixed ×1.6', async () => {
    const user = await predict("ALTER TABLE orders ADD COLUMN ref text DEFAULT (make_ref())", PRICED, (() => {
      const c = shop();
      c.functions = [{ schema: 'public', name: 'make_ref', volatility: 'v', language: 'plpgsql' }];
      return c;
    })());
    expect(user.estimate).toBeCloseTo(OVERHEAD + plainRewrite * 1.6, 0);
    const old = await predict('ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid()', MEASURED);
    expect(old.estimate).toBeCloseTo(OVERHEAD + plainRewrite * 1.6, 0);
  });

  it('rows unknown (never analysed): the fixed ×1.6', async () => {
    const c = shop();
    c.tables[0] = table('orders', 30 * MB, { indexBytes: 10 * MB, rowEstimate: null });
    const d = await predict('ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid()', PRICED, c);
    expect(d.estimate).toBeCloseTo(OVERHEAD + plainRewrite * 1.6, 0);
  });
});

describe('an index build at its keys\' rate: integer-like keys at the integer index rate, text or expressions at the integer/text mean', () => {
  const TP: Throughput = { ...MEASURED, indexBuildPlain: 120_000 };
  const build = async (sql: string, tp: Throughput = TP, c: CatalogSnapshot = shop()) => assessRisk({ migrations: [await migration('1', sql)], catalog: c, throughput: tp }).migrations[0]!.statements[0]!.durationMs;

  it('bigint and integer keys: the plain rate; a text key, a mixed key or an expression: the mean', async () => {
    expect((await build('CREATE INDEX ON orders (customer_id, total)')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 120_000, 0);
    expect((await build('CREATE INDEX ON orders (status)')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
    expect((await build('CREATE INDEX ON orders (customer_id, note)')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
    expect((await build('CREATE INDEX ON orders ((total + 1))')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
    // a column the catalog does not know: the mean
    expect((await build('CREATE INDEX ON orders (missing)')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
  });

  it('the catalog\'s collation decides, not the type name: text in "C", an explicit byte-order COLLATE, a snapshot without the flag', async () => {
    const c = shop();
    c.tables[0]!.columns = c.tables[0]!.columns.map((col) => (col.name === 'status' ? { ...col, collatable: false } : col.name === 'total' ? { ...col, collatable: undefined } : col));
    // status is text COLLATE "C" (attcollation 950): the plain rate
    expect((await build('CREATE INDEX ON orders (status)', TP, c)).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 120_000, 0);
    // an explicit COLLATE "C" on a text column: plain; another collation on it: the mean
    expect((await build('CREATE INDEX ON orders (note COLLATE "C")')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 120_000, 0);
    expect((await build('CREATE INDEX ON orders (note COLLATE "en-x-icu")')).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
    // a snapshot taken before the flag was read: the mean, whatever the type's name
    expect((await build('CREATE INDEX ON orders (total)', TP, c)).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
  });

  it('a calibration without the integer index (made before it): the mean for every key', async () => {
    expect((await build('CREATE INDEX ON orders (customer_id)', MEASURED)).estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 60_000, 0);
  });

  it('REINDEX TABLE: each index at its own rate (the catalog says which sort through a collation)', async () => {
    const c = shop();
    c.indexes = c.indexes.map((i, n) => ({ ...i, collatable: n === 1 }));
    const d = await build('REINDEX TABLE orders', TP, c);
    expect(d.estimate).toBeCloseTo(OVERHEAD + (30 * MB) / 120_000 + (30 * MB) / 60_000, 0);
    // a snapshot without the flag: every index at the mean
    expect((await build('REINDEX TABLE orders')).estimate).toBeCloseTo(OVERHEAD + (2 * 30 * MB) / 60_000, 0);
  });
});
