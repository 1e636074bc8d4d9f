/**
 * bench/risk: risk report for 1,000 migrations against a catalog of 10,000 tables.
 * Target: under 2 s after the snapshot. The snapshot is timed separately against a real server
 * when --db is given (a scratch database with 10,000 tables is created and dropped).
 *
 *   npx tsx bench/risk/run.ts                    # model only, synthetic catalog
 *   npx tsx bench/risk/run.ts --db postgres://postgres@127.0.0.1:5432/postgres
 */
import pg from 'pg';
import { initParser, parseSql } from '../../src-main/parse';
import { assessRisk, type MigrationInput } from '../../src-main/risk';
import { snapshotCatalog } from '../../src-main/catalog';
import type { CatalogSnapshot, CatalogTable } from '../../src-shared/domain/catalog';

const TABLES = 10_000;
const MIGRATIONS = 1_000;

function syntheticCatalog(): CatalogSnapshot {
  const tables: CatalogTable[] = [];
  for (let i = 0; i < TABLES; i++) {
    const size = Math.round(8192 * 10 ** (1 + (i % 7)));
    tables.push({
      oid: 100_000 + i, schema: 'public', name: `t${i}`, relkind: 'r', sizeBytes: size, indexBytes: size / 3, rowEstimate: size / 120,
      lastAnalyze: i % 10 === 0 ? null : new Date().toISOString(), modsSinceAnalyze: i % 13 === 0 ? size : 0, deadTuples: 0, parent: null, partitions: [],
      columns: [
        { name: 'id', type: 'bigint', notNull: true },
        { name: 'ref_id', type: 'bigint', notNull: false },
        { name: 'status', type: 'text', notNull: false },
        { name: 'note', type: 'character varying(20)', notNull: false },
      ],
      checks: [], triggers: i % 5 === 0 ? ['audit'] : [], dependentViews: i % 11 === 0 ? [`public.v${i}`] : [], dependentFunctions: [],
    });
  }
  return {
    takenAt: new Date().toISOString(), tookMs: 0, database: 'bench', server: { versionNum: 170000, major: 17, version: '17' }, settings: {},
    tables,
    indexes: tables.map((t) => ({ schema: 'public', name: `${t.name}_pkey`, table: `public.${t.name}`, sizeBytes: t.indexBytes, unique: true, primary: true, valid: true, def: '' })),
    foreignKeys: tables.slice(1).map((t, i) => ({ name: `${t.name}_fk`, table: `public.${t.name}`, references: `public.t${i}`, validated: true, columns: ['ref_id'], indexed: i % 2 === 0 })),
    traffic: { windowMs: 1000, tables: tables.filter((_, i) => i % 3 === 0).map((t, i) => ({ table: `public.${t.name}`, seqScans: 0, idxScans: i % 500, inserts: i % 50, updates: i % 20, deletes: 0, readsPerSec: i % 500, writesPerSec: (i % 50) + (i % 20) })) },
    longTransactions: [{ pid: 1, state: 'idle in transaction', ageMs: 30_000, waitEvent: null, application: 'x', relations: [{ relation: 'public.t42', mode: 'AccessShareLock' }], query: null }],
    connections: { active: 10, total: 40, max: 100 },
  };
}

const TEMPLATES = [
  (t: string) => `CREATE INDEX ${t}_status_idx ON ${t} (status);`,
  (t: string) => `CREATE INDEX CONCURRENTLY ${t}_status_idx ON ${t} (status);`,
  (t: string) => `ALTER TABLE ${t} ADD COLUMN region text;\nALTER TABLE ${t} ALTER COLUMN region SET DEFAULT 'eu';`,
  (t: string) => `ALTER TABLE ${t} ADD CONSTRAINT ${t}_ref_fk FOREIGN KEY (ref_id) REFERENCES t0 (id) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_ref_fk;`,
  (t: string) => `ALTER TABLE ${t} ALTER COLUMN note TYPE text;\nALTER TABLE ${t} ALTER COLUMN id TYPE numeric;`,
  (t: string) => `UPDATE ${t} SET status = 'x' WHERE id < 100;\nCREATE TABLE ${t}_archive (LIKE ${t});\nDROP TABLE ${t}_archive;`,
  (t: string) => `ALTER TABLE ${t} ADD COLUMN flag boolean NOT NULL DEFAULT false, ADD COLUMN seq bigserial;`,
  (t: string) => `CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION touch();\nCOMMENT ON TABLE ${t} IS 'x';`,
];

/** Peak resident set size of this process so far (getrusage ru_maxrss), and the heap in use now. */
function peakRss(): string {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  return `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (heap used now ${mb(process.memoryUsage().heapUsed)})`;
}

async function main(): Promise<void> {
  await initParser();
  const dbArg = process.argv.indexOf('--db');
  const url = dbArg > 0 ? process.argv[dbArg + 1] : undefined;

  const catalog = syntheticCatalog();
  const t0 = performance.now();
  const migrations: MigrationInput[] = [];
  for (let i = 0; i < MIGRATIONS; i++) {
    const sql = TEMPLATES[i % TEMPLATES.length]!(`t${(i * 7919) % TABLES}`);
    migrations.push({ version: String(i + 1), name: `m${i}`, checksum: `c${i}`, parsed: parseSql(sql), hasDown: i % 2 === 0 });
  }
  const parseMs = performance.now() - t0;
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t1 = performance.now();
    const report = assessRisk({ migrations, catalog, lockTimeoutMs: 5000 });
    runs.push(performance.now() - t1);
    if (report.migrations.length !== MIGRATIONS) throw new Error('wrong count');
  }
  runs.sort((a, b) => a - b);
  console.log(`risk report: ${MIGRATIONS} migrations × ${TABLES}-table catalog — median ${runs[2]!.toFixed(0)} ms, worst ${runs[4]!.toFixed(0)} ms (target < 2000 ms; parsing the files beforehand: ${parseMs.toFixed(0)} ms)`);
  console.log(`${peakRss()} after 5 reports on the ${TABLES}-table catalog (whole bench process, tsx included; target < 500 MB)`);

  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const name = `confiture_bench_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: u.toString(), max: 8 });
    pool.on('error', () => undefined);
    try {
      const tc = performance.now();
      await pool.query(`DO $$ BEGIN FOR i IN 0..${TABLES - 1} LOOP EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, ref_id bigint, status text, note varchar(20))', i); IF i % 500 = 499 THEN COMMIT; END IF; END LOOP; END $$`);
      await pool.query('ANALYZE');
      console.log(`created ${TABLES} tables in ${((performance.now() - tc) / 1000).toFixed(1)} s`);
      for (const windowMs of [0, 1000]) {
        const ts = performance.now();
        const snap = await snapshotCatalog(pool, { windowMs });
        console.log(`catalog snapshot (window ${windowMs} ms): ${(performance.now() - ts).toFixed(0)} ms for ${snap.tables.length} tables, ${snap.indexes.length} indexes`);
      }
      const snap = await snapshotCatalog(pool, { windowMs: 0 });
      const t2 = performance.now();
      assessRisk({ migrations, catalog: snap, lockTimeoutMs: 5000 });
      console.log(`risk report against the real snapshot: ${(performance.now() - t2).toFixed(0)} ms`);
      console.log(`${peakRss()} after the real ${TABLES}-table snapshots and report`);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

void main();
