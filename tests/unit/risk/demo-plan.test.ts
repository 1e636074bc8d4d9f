/**
 * The demo shop's pending plan (resources/demo, 0005–0030) scored against a catalog shaped like the
 * seeded baseline (orders 250k rows, order_items 750k, events 1.2M, ...): the dangerous migrations
 * must rank above their safe counterparts, and the windows must follow from the statements.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogSnapshot, CatalogTable } from '../../../src-shared/domain/catalog';
import type { Finding, MigrationRisk, RiskReport } from '../../../src-shared/domain/risk';
import { assessRisk } from '../../../src-main/risk';
import { migration, table } from './fixtures';

const DIR = path.resolve(__dirname, '../../../resources/demo/migrations');
const MB = 1024 ** 2;

function shopTable(name: string, mb: number, rows: number, columns: string[]): CatalogTable {
  return table(name, mb * MB, {
    schema: 'shop',
    indexBytes: (mb * MB) / 3,
    rowEstimate: rows,
    columns: columns.map((c) => {
      const [n, type] = c.split(':');
      return { name: n!, type: type ?? 'text', notNull: n === 'id' };
    }),
  });
}

/** The seeded baseline (0004) as the catalog snapshot sees it; no traffic, no long transactions. */
function demoCatalog(): CatalogSnapshot {
  const fk = (name: string, from: string, to: string) => ({ name, table: `shop.${from}`, columns: [`${to}_id`], references: `shop.${to}s`, validated: true, indexed: true });
  return {
    takenAt: new Date().toISOString(),
    tookMs: 10,
    database: 'confiture_demo',
    server: { versionNum: 180000, major: 18, version: '18.0' },
    settings: {},
    tables: [
      shopTable('customers', 15, 100_000, ['id:bigint', 'email', 'full_name', 'locale', 'marketing_opt_in:boolean', 'created_at:timestamp with time zone']),
      shopTable('products', 1, 5_000, ['id:bigint', 'sku', 'legacy_sku', 'name', 'price:numeric(12,2)', 'active:boolean']),
      shopTable('orders', 21, 250_000, ['id:bigint', 'customer_id:bigint', 'status:shop.order_status', 'total_amount:numeric', 'created_at:timestamp with time zone']),
      shopTable('order_items', 57, 750_000, ['id:bigint', 'order_id:bigint', 'product_id:bigint', 'quantity:integer', 'unit_price:numeric(12,2)']),
      shopTable('payments', 22, 235_000, ['id:bigint', 'order_id:bigint', 'method:shop.payment_method', 'amount:numeric(12,2)', 'paid_at:timestamp with time zone']),
      shopTable('events', 160, 1_200_000, ['id:bigint', 'occurred_at:timestamp with time zone', 'customer_id:bigint', 'order_id:bigint', 'kind', 'payload:jsonb']),
    ],
    indexes: [],
    foreignKeys: [fk('orders_customer_id_fkey', 'orders', 'customer'), fk('order_items_order_id_fkey', 'order_items', 'order'), fk('payments_order_id_fkey', 'payments', 'order')],
    traffic: { windowMs: 1000, tables: [] },
    longTransactions: [],
    connections: { active: 1, total: 5, max: 100 },
  } as CatalogSnapshot;
}

/** What `confiture lint` reports on the demo with its composed libraries (critical counts as error). */
const FINDINGS: Record<string, Finding[]> = {
  '0005': [{ rule: 'require-concurrent-index-creation', severity: 'error', statementIndex: 0 }],
  '0008': [{ rule: 'adding-field-with-default', severity: 'error', statementIndex: 0 }],
  '0010': [{ rule: 'adding-required-field', severity: 'error', statementIndex: 0 }],
  '0016': [{ rule: 'adding-foreign-key-constraint', severity: 'error', statementIndex: 0 }],
  '0019': [{ rule: 'changing-column-type', severity: 'error', statementIndex: 0 }],
  '0024': [{ rule: 'renaming-column', severity: 'warning', statementIndex: 0 }],
  '0025': [{ rule: 'ban-drop-column', severity: 'warning', statementIndex: 0 }],
  '0027': [
    { rule: 'sensitive-table-without-access-control', severity: 'error', statementIndex: 3 },
    { rule: 'sensitive-column-unprotected', severity: 'error', statementIndex: 0 },
    { rule: 'sensitive-column-unprotected', severity: 'error', statementIndex: 0 },
  ],
  '0029': [{ rule: 'security-definer-search-path', severity: 'error', statementIndex: 0 }],
};

let report: RiskReport;
const m = (v: string): MigrationRisk => report.migrations.find((x) => x.version === v)!;

beforeAll(async () => {
  const ups = fs.readdirSync(DIR).filter((f) => f.endsWith('.up.sql') && f >= '0005').sort();
  const migrations = [];
  for (const f of ups) {
    const version = f.slice(0, 4);
    migrations.push(await migration(version, fs.readFileSync(path.join(DIR, f), 'utf8'), fs.existsSync(path.join(DIR, f.replace('.up.sql', '.down.sql')))));
  }
  const findings = Object.fromEntries(migrations.map((x) => [x.version, FINDINGS[x.version] ?? []]));
  report = assessRisk({ migrations, catalog: demoCatalog(), findings, lockTimeoutMs: 5000 });
});

describe('risk model on the demo plan: dangerous migrations rank above their safe counterparts', () => {
  it.each([
    ['0005', ['0006', '0023']],
    ['0008', ['0007']],
    ['0010', ['0011', '0012', '0013', '0014']],
    ['0016', ['0017', '0018']],
    ['0019', ['0020', '0021']],
    ['0022', ['0020', '0021']],
    ['0027', ['0028']],
    ['0029', ['0030']],
  ])('%s scores above %j', (dangerous, safe) => {
    for (const s of safe) expect(m(dangerous).score, `${dangerous} vs ${s}`).toBeGreaterThan(m(s).score);
  });

  it('the breakdown names the reason: a write-blocking lock, a rewrite, a scan under the lock', () => {
    const top = (v: string) => [...m(v).factors].sort((a, b) => b.contribution - a.contribution)[0]!;
    expect(top('0005').explanation).toContain('ShareLock on shop.orders');
    expect(m('0008').factors.find((f) => f.name === 'blocking_window')!.value).toBeGreaterThan(m('0007').factors.find((f) => f.name === 'blocking_window')!.value);
    expect(m('0016').statements[0]!.locks.map((l) => l.relation)).toEqual(expect.arrayContaining(['shop.events', 'shop.customers']));
    expect(m('0022').factors.find((f) => f.name === 'blocking_window')!.explanation).toContain('locks held to COMMIT');
  });

  it('drops of data are at least high; a SECURITY DEFINER hole flagged by lint is at least medium', () => {
    expect(m('0025').level).toBe('high');
    expect(m('0029').level).toBe('medium');
    expect(m('0029').floors.join(' ')).toContain('security-definer-search-path');
    expect(m('0030').level).toBe('low');
  });

  it('0010 says why it is dangerous: it fails as soon as shipments holds a row', () => {
    const a = m('0010').factors.find((f) => f.name === 'anomalies')!;
    expect(a.value).toBeGreaterThan(0);
    expect(a.explanation).toContain('fails as soon as shop.shipments holds a row');
    expect(m('0010').factors.find((f) => f.name === 'lock_impact')!.explanation).toContain('AccessExclusiveLock on shop.shipments');
  });

  it('0015 SET NOT NULL reuses the CHECK validated by 0013+0014: no scan of customers', () => {
    const setNotNull = m('0015').statements.find((s) => s.kind === 'alter_table')!;
    expect(setNotNull.scans).toBe(false);
    expect(m('0015').factors.find((f) => f.name === 'data_volume')!.value).toBe(0);
  });
});

describe('risk model on the demo plan: the 0009 window follows from its statements', () => {
  it('CREATE TABLE … REFERENCES orders + an index on the new (empty) table: milliseconds, not hours', () => {
    const w = m('0009').blockingWindowMs;
    const [create, index] = m('0009').statements;
    // the index build on the new table is as quick as a catalog change
    expect(index!.durationMs.high).toBeLessThanOrEqual(50);
    // window = statements held to COMMIT (+ a bounded lock-queue exposure), nothing more
    expect(w.estimate).toBeLessThanOrEqual(create!.blockingWindowMs.estimate + index!.durationMs.estimate + 0.1);
    expect(w.high).toBeLessThanOrEqual(create!.blockingWindowMs.high + index!.durationMs.high + 0.1);
    expect(w.high).toBeLessThan(5_000);
    expect(w.low).toBeGreaterThan(0);
    expect(w.low).toBeLessThanOrEqual(w.estimate);
    expect(w.estimate).toBeLessThanOrEqual(w.high);
  });

  it('the migration window is never narrower than its worst blocking statement', () => {
    for (const x of report.migrations) {
      for (const s of x.statements) {
        if (!(s.blocks.reads || s.blocks.writes)) continue;
        expect(x.blockingWindowMs.estimate, x.version).toBeGreaterThanOrEqual(s.blockingWindowMs.estimate - 0.1);
        expect(x.blockingWindowMs.high, x.version).toBeGreaterThanOrEqual(s.blockingWindowMs.high - 0.1);
      }
    }
  });

  it('rehearsal locks on relations the plan creates (table, sequence, pkey) are not anomalies', async () => {
    const sql = fs.readFileSync(path.join(DIR, '0009_create_shipments.up.sql'), 'utf8');
    const mig = await migration('0009', sql);
    const r = assessRisk({
      migrations: [mig],
      catalog: demoCatalog(),
      rehearsals: {
        '0009': [
          { version: '0009', index: 0, kind: 'create_table', line: 4, durationMs: 6, rows: null, rewritten: [], rehearsed: true, locks: [{ relation: 'shop.orders', mode: 'ShareRowExclusiveLock' }, { relation: 'shop.shipments', mode: 'AccessExclusiveLock' }, { relation: 'shop.shipments_id_seq', mode: 'AccessExclusiveLock' }, { relation: 'shop.shipments_pkey', mode: 'AccessExclusiveLock' }] },
          { version: '0009', index: 1, kind: 'create_index', line: 13, durationMs: 2, rows: null, rewritten: [], rehearsed: true, locks: [{ relation: 'shop.shipments', mode: 'ShareLock' }] },
        ],
      },
    }).migrations[0]!;
    expect(r.factors.find((f) => f.name === 'anomalies')!.value).toBe(0);
    expect(r.blockingWindowMs.basis).toBe('rehearsal');
  });
});
