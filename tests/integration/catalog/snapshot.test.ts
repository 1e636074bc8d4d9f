import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { findTable, snapshotCatalog, startCatalogSnapshot, statsAreStale } from '../../../src-main/catalog';
import { FIXTURE_SQL } from '../../../src-main/locks';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_catalog');
  // a session of its own: an idle backend may hold its insert counters back for seconds, one
  // that ends flushes them, so "fresh after ANALYZE" does not depend on the machine's load
  const setup = await db.client();
  await setup.query(FIXTURE_SQL);
  await setup.end();
  await db.pool.query(`ANALYZE; CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'new';
    CREATE TABLE stale (id int); INSERT INTO stale SELECT generate_series(1, 5000);
    CREATE STATISTICS orders_status_total ON status, total FROM orders;
    CREATE INDEX orders_note_c_idx ON orders (note COLLATE "C");
    CREATE INDEX orders_status_created_idx ON orders (created_at, lower(status));
    CREATE DOMAIN label_text AS text; CREATE TABLE collated (code text COLLATE "C", label label_text);`);
});
afterAll(async () => db?.drop());

describe('catalog snapshot', () => {
  it('takes at most 3 connections of a pool, whatever its size (a production server is not ours)', async () => {
    const { default: PG } = await import('pg');
    const pool = new PG.Pool({ connectionString: db.url, max: 8 });
    let peak = 0;
    pool.on('acquire', () => {
      peak = Math.max(peak, pool.totalCount - pool.idleCount);
    });
    try {
      const c = await snapshotCatalog(pool, { windowMs: 0 });
      expect(findTable(c, 'orders')).toBeDefined();
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(3);
      expect(pool.totalCount).toBeLessThanOrEqual(3);
    } finally {
      await pool.end();
    }
  });

  it('reads sizes, row estimates, stats freshness, FKs, dependents and the server', async () => {
    const c = await snapshotCatalog(db.pool, { windowMs: 0 });
    expect(c.server.major).toBe(Math.floor(db.serverVersionNum / 10000));
    expect(c.settings.max_connections).toMatch(/^\d+$/);
    const orders = findTable(c, 'orders')!;
    expect(orders.sizeBytes).toBeGreaterThan(0);
    expect(orders.indexBytes).toBeGreaterThan(0);
    expect(orders.rowEstimate).toBe(200);
    expect(orders.lastAnalyze).not.toBeNull();
    expect(statsAreStale(orders)).toBe(false);
    expect(orders.triggers).toEqual(['orders_touch']);
    expect(orders.dependentFunctions).toContain('public.touch');
    expect(orders.dependentViews.sort()).toEqual(['public.customer_totals', 'public.open_orders']);
    expect(orders.columns.find((x) => x.name === 'note')?.type).toBe('character varying(20)');
    expect(c.foreignKeys).toContainEqual({ name: 'order_items_order_id_fkey', table: 'public.order_items', references: 'public.orders', validated: true, columns: ['order_id'], referencedColumns: ['id'], indexed: false, onDelete: 'a', onUpdate: 'a', deferred: false });
    expect(c.indexes.find((i) => i.name === 'orders_pkey')).toMatchObject({ table: 'public.orders', primary: true, unique: true, valid: true });
    // which indexes sort through a collation (the slow case of a build): text in the database's
    // collation yes; a bigint key, or text in "C" (byte order), no
    expect(c.indexes.find((i) => i.name === 'orders_pkey')!.collatable).toBe(false);
    expect(c.indexes.find((i) => i.name === 'orders_status_idx')!.collatable).toBe(true);
    expect(c.indexes.find((i) => i.name === 'orders_note_c_idx')!.collatable).toBe(false);
    expect(c.indexes.find((i) => i.name === 'orders_status_created_idx')!.collatable).toBe(true);
    // and which columns do, per column: an index build on them sorts through it
    const col = (t: string, name: string) => findTable(c, t)!.columns.find((x) => x.name === name)!.collatable;
    expect([col('orders', 'id'), col('orders', 'created_at'), col('orders', 'status'), col('orders', 'note'), col('stale', 'id'), col('collated', 'code'), col('collated', 'label')]).toEqual([false, false, true, true, false, false, true]);
    const events = findTable(c, 'events')!;
    expect(events.relkind).toBe('p');
    expect(events.partitions.sort()).toEqual(['public.events_2024', 'public.events_2025']);
    expect(findTable(c, 'events_2024')!.parent).toBe('public.events');
    // partition key and bounds, as PostgreSQL prints them (INSERT … VALUES is routed by them)
    expect(events.partitionKey).toMatch(/^RANGE \(/);
    expect(findTable(c, 'events_2024')!.partitionBound).toMatch(/^FOR VALUES FROM \(/);
    expect(orders.partitionBound).toBeUndefined();
    expect(c.statistics).toEqual([{ schema: 'public', name: 'orders_status_total', table: 'public.orders' }]);
    expect(orders.columns.find((x) => x.name === 'created_at')?.hasDefault).toBe(true);
    expect(orders.heapBytes).toBeGreaterThan(0);
    expect(findTable(c, 'audit_log')!.heapBytes).toBe(0); // no row: no heap page, though its TOAST index has one
    expect(findTable(c, 'audit_log')!.sizeBytes).toBeGreaterThan(0);
    expect(orders.columns.find((x) => x.name === 'note')?.hasDefault).toBe(false);
    expect(statsAreStale(findTable(c, 'stale')!)).toBe(true);
  });

  it('measures traffic as pg_stat_user_tables deltas over the window', async () => {
    const load = (async () => {
      const t0 = Date.now();
      while (Date.now() - t0 < 2500) await db.pool.query("INSERT INTO audit_log SELECT g, 'x' FROM generate_series(1, 50) g");
    })();
    const c = await snapshotCatalog(db.pool, { windowMs: 2000 });
    await load;
    expect(c.traffic.windowMs).toBeGreaterThanOrEqual(2000);
    const t = c.traffic.tables.find((x) => x.table === 'public.audit_log');
    expect(t?.inserts ?? 0).toBeGreaterThan(0);
    expect(t?.writesPerSec).toBe(t?.inserts);
  });

  it('in two steps: the catalog first, the traffic window completed later, counting writes made in between', async () => {
    const pending = await startCatalogSnapshot(db.pool, { windowMs: 1500 });
    expect(findTable(pending.catalog, 'orders')).toBeDefined();
    expect(pending.catalog.traffic).toEqual({ windowMs: 0, tables: [] });
    // the caller's own work while the window runs (the review lints here); the writes land in it
    // (a session that ends flushes its counters; an idle one may hold them back for seconds)
    const writer = await db.client();
    for (let i = 0; i < 20; i++) await writer.query("INSERT INTO audit_log SELECT g, 'y' FROM generate_series(1, 10) g");
    await writer.end();
    const c = await pending.complete();
    expect(c.traffic.windowMs).toBeGreaterThanOrEqual(1500);
    expect(c.traffic.tables.find((x) => x.table === 'public.audit_log')?.inserts ?? 0).toBeGreaterThan(0);
    expect(c.tables).toBe(pending.catalog.tables);
  });

  it('reports long-running transactions and the tables they hold', async () => {
    const other: pg.Client = await db.client();
    try {
      await other.query('BEGIN');
      await other.query('SELECT count(*) FROM customers');
      await new Promise((r) => setTimeout(r, 300));
      const c = await snapshotCatalog(db.pool, { windowMs: 0, longTransactionMs: 100 });
      const tx = c.longTransactions.find((x) => x.relations.some((r) => r.relation === 'public.customers'));
      expect(tx).toBeDefined();
      expect(tx!.ageMs).toBeGreaterThanOrEqual(100);
      expect(tx!.relations).toContainEqual({ relation: 'public.customers', mode: 'AccessShareLock' });
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('is read-only and restricted to the given schemas', async () => {
    await db.pool.query('CREATE SCHEMA sales; CREATE TABLE sales.leads (id int)');
    const c = await snapshotCatalog(db.pool, { windowMs: 0, schemas: ['sales'] });
    expect(c.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['sales.leads']);
  });
});
