import type { CatalogSnapshot, CatalogTable } from '../../../src-shared/domain/catalog';
import { initParser, parseSql } from '../../../src-main/parse';
import type { MigrationInput } from '../../../src-main/risk';

export function table(name: string, sizeBytes: number, over: Partial<CatalogTable> = {}): CatalogTable {
  return {
    oid: Math.floor(Math.random() * 1e9),
    schema: 'public',
    name,
    relkind: 'r',
    sizeBytes,
    indexBytes: sizeBytes / 4,
    rowEstimate: sizeBytes / 100,
    lastAnalyze: new Date().toISOString(),
    modsSinceAnalyze: 0,
    deadTuples: 0,
    parent: null,
    partitions: [],
    columns: [
      { name: 'id', type: 'bigint', notNull: true, collatable: false },
      { name: 'customer_id', type: 'bigint', notNull: false, collatable: false },
      { name: 'status', type: 'text', notNull: false, collatable: true },
      { name: 'total', type: 'integer', notNull: false, collatable: false },
      { name: 'note', type: 'character varying(20)', notNull: false, collatable: true },
    ],
    checks: [],
    triggers: [],
    dependentViews: [],
    dependentFunctions: [],
    ...over,
  };
}

/** A shop with a 50 GB, busy `orders` table. */
export function bigShop(): CatalogSnapshot {
  return {
    takenAt: new Date().toISOString(),
    tookMs: 10,
    database: 'shop',
    server: { versionNum: 170004, major: 17, version: '17.4' },
    settings: {},
    tables: [table('orders', 50 * 1024 ** 3), table('customers', 2 * 1024 ** 3)],
    indexes: [{ schema: 'public', name: 'orders_pkey', table: 'public.orders', sizeBytes: 1e9, unique: true, primary: true, valid: true, def: '' }],
    foreignKeys: [],
    traffic: {
      windowMs: 1000,
      tables: [
        { table: 'public.orders', seqScans: 0, idxScans: 800, inserts: 150, updates: 50, deletes: 0, readsPerSec: 800, writesPerSec: 200 },
        { table: 'public.customers', seqScans: 0, idxScans: 300, inserts: 5, updates: 5, deletes: 0, readsPerSec: 300, writesPerSec: 10 },
      ],
    },
    longTransactions: [],
    connections: { active: 20, total: 50, max: 100 },
  };
}

let ready = false;
export async function migration(version: string, sql: string, hasDown = true): Promise<MigrationInput> {
  if (!ready) {
    await initParser();
    ready = true;
  }
  return { version, name: `m${version}`, checksum: `c${version}`, parsed: parseSql(sql), hasDown };
}
