/**
 * Catalog snapshot of the target database: sizes, row estimates, statistics freshness, FK graph,
 * dependent views/functions/triggers, traffic over a short window, long-running transactions,
 * server version and settings. Read-only, parameterised, one round of set-based queries
 * (never one query per table), run concurrently when given a pool.
 */
import type pg from 'pg';
import type { CatalogSnapshot, CatalogTable, LongTransaction, TableTraffic } from '../../src-shared/domain/catalog';
import { triggerShape } from '../locks/catalog-maps';

export type { CatalogSnapshot } from '../../src-shared/domain/catalog';

type Q = Pick<pg.ClientBase, 'query'> | pg.Pool;

export interface SnapshotOptions {
  /** traffic window: pg_stat_user_tables is read twice this far apart (ms); 0 skips traffic */
  windowMs?: number;
  /** transactions open longer than this are reported (ms) */
  longTransactionMs?: number;
  /** only these schemas (default: every non-system schema) */
  schemas?: string[];
}

const SYSTEM = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;
const SCHEMA_FILTER = `AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`;

const SETTINGS = [
  'lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'transaction_timeout', 'max_connections', 'work_mem',
  'maintenance_work_mem', 'max_parallel_maintenance_workers', 'shared_buffers', 'default_statistics_target', 'autovacuum', 'TimeZone',
  'server_version', 'wal_level', 'max_wal_size', 'synchronous_commit', 'hot_standby_feedback',
];

const STATS_SQL = `
  SELECT s.relid::int AS oid, s.seq_scan::float8 AS seq, coalesce(s.idx_scan, 0)::float8 AS idx,
         s.n_tup_ins::float8 AS ins, s.n_tup_upd::float8 AS upd, s.n_tup_del::float8 AS del
  FROM pg_stat_user_tables s JOIN pg_namespace n ON n.nspname = s.schemaname WHERE true ${SCHEMA_FILTER}`;

const TABLES_SQL = `
  SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
         pg_table_size(c.oid)::float8 AS size, pg_indexes_size(c.oid)::float8 AS index_size, pg_relation_size(c.oid)::float8 AS heap_size,
         CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS rows,
         greatest(s.last_analyze, s.last_autoanalyze) AS last_analyze,
         s.n_mod_since_analyze::float8 AS mods, s.n_dead_tup::float8 AS dead,
         (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
            WHERE i.inhrelid = c.oid AND c.relispartition LIMIT 1) AS parent,
         CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound,
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'p', 'm', 'f') AND ${SYSTEM} ${SCHEMA_FILTER}`;

const COLUMNS_SQL = `
  SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default,
         a.attcollation NOT IN (0, 950, 951) AS collatable -- 950/951: "C"/"POSIX" (byte order)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm', 'f') AND ${SYSTEM} ${SCHEMA_FILTER}
  ORDER BY a.attrelid, a.attnum`;

const CHECKS_SQL = `
  SELECT co.conrelid::int AS oid, co.conname AS name, pg_get_constraintdef(co.oid) AS def, co.convalidated AS validated
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE co.contype = 'c' AND ${SYSTEM} ${SCHEMA_FILTER}`;

const TRIGGERS_SQL = `
  SELECT t.tgrelid::int AS oid, t.tgname AS name, pn.nspname || '.' || p.proname AS func, t.tgtype::int AS type,
    t.tgqual IS NOT NULL AS has_when, ARRAY(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) k JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k) AS columns, l.lanname AS lang, CASE WHEN l.lanname = 'plpgsql' THEN p.prosrc END AS body
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
  WHERE NOT t.tgisinternal AND ${SYSTEM} ${SCHEMA_FILTER}`;

const VIEW_DEPS_SQL = `
  SELECT DISTINCT d.refobjid::int AS oid, vn.nspname || '.' || v.relname AS view
  FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
  JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
  JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE d.refclassid = 'pg_class'::regclass AND v.oid <> d.refobjid AND c.relkind IN ('r', 'p', 'm', 'f') AND ${SYSTEM} ${SCHEMA_FILTER}`;

const VIEW_COLUMN_DEPS_SQL = `
  SELECT DISTINCT n.nspname || '.' || c.relname AS table, a.attname AS column, vn.nspname || '.' || v.relname AS view
  FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
  JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
  JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND v.oid <> d.refobjid AND ${SYSTEM} ${SCHEMA_FILTER}`;

const VIEW_SOURCES_SQL = `
  SELECT DISTINCT vn.nspname || '.' || v.relname AS view, n.nspname || '.' || c.relname AS source
  FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
  JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
  JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE d.refclassid = 'pg_class'::regclass AND v.oid <> d.refobjid AND c.relkind IN ('r', 'p', 'm', 'f', 'v') AND ${SYSTEM} ${SCHEMA_FILTER}`;

const FUNC_DEPS_SQL = `
  SELECT DISTINCT d.refobjid::int AS oid, pn.nspname || '.' || p.proname AS func
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid AND d.classid = 'pg_proc'::regclass JOIN pg_namespace pn ON pn.oid = p.pronamespace
  JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE d.refclassid = 'pg_class'::regclass AND ${SYSTEM} ${SCHEMA_FILTER}`;

const INDEXES_SQL = `
  SELECT n.nspname AS schema, ic.relname AS name, tn.nspname || '.' || tc.relname AS table, pg_relation_size(ic.oid)::float8 AS size,
         x.indisunique AS uniq, x.indisprimary AS prim, x.indisvalid AS valid, pg_get_indexdef(ic.oid) AS def,
         EXISTS (SELECT 1 FROM unnest(x.indcollation::oid[]) k WHERE k NOT IN (0, 950, 951)) AS collatable -- 950/951: "C"/"POSIX" (byte order)
  FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
  JOIN pg_class tc ON tc.oid = x.indrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
  WHERE ${SYSTEM} ${SCHEMA_FILTER}`;

const FKS_SQL = `
  SELECT co.conname AS name, n.nspname || '.' || c.relname AS table, rn.nspname || '.' || rc.relname AS references, co.convalidated AS validated,
         ARRAY(SELECT a.attname::text FROM unnest(co.conkey) k JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k)::text[] AS columns,
         ARRAY(SELECT a.attname::text FROM unnest(co.confkey) k JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k)::text[] AS ref_columns,
         EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = co.conrelid AND x.indisvalid AND x.indpred IS NULL
                 AND (x.indkey::int2[])[0:cardinality(co.conkey) - 1] @> co.conkey AND (x.indkey::int2[])[0:cardinality(co.conkey) - 1] <@ co.conkey) AS indexed,
         co.confdeltype::text AS on_delete, co.confupdtype::text AS on_update, co.condeferred AS deferred
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class rc ON rc.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE co.contype = 'f' AND ${SYSTEM} ${SCHEMA_FILTER}`;

// user functions, plus pg_catalog's volatile ones: a DEFAULT calling any other built-in is not volatile
const FUNCTIONS_SQL = `
  SELECT DISTINCT n.nspname AS schema, p.proname AS name, p.provolatile::text AS volatility, l.lanname AS language
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
  WHERE (${SYSTEM} ${SCHEMA_FILTER}) OR (n.nspname = 'pg_catalog' AND p.provolatile = 'v')`;

const RELATIONS_SQL = `
  SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('v', 'S') AND ${SYSTEM} ${SCHEMA_FILTER}`;

// extended statistics objects and their table (DROP STATISTICS locks the table)
const STATISTICS_SQL = `
  SELECT n.nspname AS schema, s.stxname AS name, tn.nspname || '.' || c.relname AS table
  FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
  JOIN pg_class c ON c.oid = s.stxrelid JOIN pg_namespace tn ON tn.oid = c.relnamespace
  WHERE ${SYSTEM} ${SCHEMA_FILTER}`;

const DOMAINS_SQL = `
  SELECT n.nspname AS schema, t.typname AS name,
         (t.typnotnull OR EXISTS (SELECT 1 FROM pg_constraint co WHERE co.contypid = t.oid)) AS constrained
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'd' AND ${SYSTEM} ${SCHEMA_FILTER}`;

const LONG_TX_SQL = `
  SELECT a.pid, a.state, (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS age_ms,
         a.wait_event, a.application_name AS app, left(a.query, 200) AS query,
         coalesce((SELECT json_agg(json_build_object('relation', n.nspname || '.' || c.relname, 'mode', l.mode))
                   FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE l.pid = a.pid AND l.locktype = 'relation' AND ${SYSTEM}), '[]'::json) AS relations
  FROM pg_stat_activity a
  WHERE a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL AND a.datname = current_database()
    AND a.xact_start < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
  ORDER BY a.xact_start`;

const CONNECTIONS_SQL = `
  SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*)::int AS total, current_setting('max_connections')::int AS max
  FROM pg_stat_activity WHERE backend_type = 'client backend'`;

const SERVER_SQL = `SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version, current_database() AS db,
  json_object_agg(name, setting || coalesce(unit, '')) FILTER (WHERE name IS NOT NULL) AS settings FROM pg_settings WHERE name = ANY($1::text[])`;

interface StatsRow {
  oid: number;
  seq: number;
  idx: number;
  ins: number;
  upd: number;
  del: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** At most this many snapshot queries at once on a pool: a few connections, not the pool's whole size. */
const SNAPSHOT_LANES = 3;

/** Takes the snapshot. With a pg.Pool the queries run concurrently on a few (3) connections. */
export async function snapshotCatalog(db: Q, opts: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  return (await startCatalogSnapshot(db, opts)).complete();
}

/** A snapshot whose catalog part is read and whose traffic window is still open. */
export interface PendingSnapshot {
  /** everything but the traffic (`traffic.windowMs` 0 until the window closes) */
  catalog: CatalogSnapshot;
  /**
   * waits for the rest of the traffic window, reads the counters again: the whole snapshot. A
   * caller that finds it does not need the traffic just never calls it: nothing is left running.
   */
  complete(): Promise<CatalogSnapshot>;
}

/**
 * Reads the catalog and opens the traffic window; the caller may work meanwhile (the review lints
 * while the window runs: lint needs the catalog, not the traffic) and then `complete()`s it.
 */
export async function startCatalogSnapshot(db: Q, opts: SnapshotOptions = {}): Promise<PendingSnapshot> {
  const t0 = performance.now();
  const windowMs = opts.windowMs ?? 1000;
  const schemas = opts.schemas && opts.schemas.length ? opts.schemas : null;
  // a single client takes one query at a time: chain them (pg would queue them too, with a deprecation
  // warning); a pool gets a few chains, so a snapshot of a production server does not take 8 of its
  // connections at once (16 queries on the desk's pool of 8 did)
  const isPool = typeof (db as Partial<pg.Pool>).totalCount === 'number';
  const lanes: Promise<unknown>[] = Array.from({ length: isPool ? SNAPSHOT_LANES : 1 }, () => Promise.resolve());
  let turn = 0;
  const q = <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> => {
    const lane = turn++ % lanes.length;
    const next = lanes[lane]!.then(() => db.query<R>(sql, params)).then((r) => r.rows);
    lanes[lane] = next.catch(() => undefined);
    return next;
  };

  const stats1 = windowMs > 0 ? await q<StatsRow>(STATS_SQL, [schemas]) : [];
  const s1At = performance.now();
  const s1Wall = new Date().toISOString();
  const [server, tables, columns, checks, triggers, viewDeps, funcDeps, indexes, fks, longTx, conns, functions, relations, domains, viewColumns, viewSources, statistics] = await Promise.all([
    q<{ num: number; version: string; db: string; settings: Record<string, string> | null }>(SERVER_SQL, [SETTINGS]),
    q<{ oid: number; schema: string; name: string; relkind: string; size: number; index_size: number; heap_size: number; rows: number | null; last_analyze: Date | null; mods: number | null; dead: number | null; parent: string | null; bound: string | null; partkey: string | null }>(TABLES_SQL, [schemas]),
    q<{ oid: number; name: string; type: string; not_null: boolean; has_default: boolean; collatable: boolean }>(COLUMNS_SQL, [schemas]),
    q<{ oid: number; name: string; def: string; validated: boolean }>(CHECKS_SQL, [schemas]),
    q<{ oid: number; name: string; func: string; type: number; has_when: boolean; columns: string[]; lang: string; body: string | null }>(TRIGGERS_SQL, [schemas]),
    q<{ oid: number; view: string }>(VIEW_DEPS_SQL, [schemas]),
    q<{ oid: number; func: string }>(FUNC_DEPS_SQL, [schemas]),
    q<{ schema: string; name: string; table: string; size: number; uniq: boolean; prim: boolean; valid: boolean; def: string; collatable: boolean }>(INDEXES_SQL, [schemas]),
    q<{ name: string; table: string; references: string; validated: boolean; columns: string[]; ref_columns: string[]; indexed: boolean; on_delete: string; on_update: string; deferred: boolean }>(FKS_SQL, [schemas]),
    q<{ pid: number; state: string | null; age_ms: number; wait_event: string | null; app: string | null; query: string | null; relations: { relation: string; mode: string }[] }>(LONG_TX_SQL, [opts.longTransactionMs ?? 5000]),
    q<{ active: number; total: number; max: number }>(CONNECTIONS_SQL, []),
    q<{ schema: string; name: string; volatility: 'i' | 's' | 'v'; language: string }>(FUNCTIONS_SQL, [schemas]),
    q<{ schema: string; name: string; relkind: string }>(RELATIONS_SQL, [schemas]),
    q<{ schema: string; name: string; constrained: boolean }>(DOMAINS_SQL, [schemas]),
    q<{ table: string; column: string; view: string }>(VIEW_COLUMN_DEPS_SQL, [schemas]),
    q<{ view: string; source: string }>(VIEW_SOURCES_SQL, [schemas]),
    q<{ schema: string; name: string; table: string }>(STATISTICS_SQL, [schemas]),
  ]);

  const byOid = new Map<number, CatalogTable>();
  const list: CatalogTable[] = tables.map((t) => {
    const table: CatalogTable = {
      oid: t.oid,
      schema: t.schema,
      name: t.name,
      relkind: t.relkind,
      sizeBytes: t.size,
      indexBytes: t.index_size,
      heapBytes: t.heap_size,
      rowEstimate: t.rows,
      lastAnalyze: t.last_analyze ? t.last_analyze.toISOString() : null,
      modsSinceAnalyze: t.mods,
      deadTuples: t.dead,
      parent: t.parent,
      ...(t.bound !== null ? { partitionBound: t.bound } : {}),
      ...(t.partkey !== null ? { partitionKey: t.partkey } : {}),
      partitions: [],
      columns: [],
      checks: [],
      triggers: [],
      dependentViews: [],
      dependentFunctions: [],
    };
    byOid.set(t.oid, table);
    return table;
  });
  const byKey = new Map(list.map((t) => [`${t.schema}.${t.name}`, t]));
  for (const t of list) if (t.parent) byKey.get(t.parent)?.partitions.push(`${t.schema}.${t.name}`);
  for (const c of columns) byOid.get(c.oid)?.columns.push({ name: c.name, type: c.type, notNull: c.not_null, hasDefault: c.has_default, collatable: c.collatable });
  for (const c of checks) byOid.get(c.oid)?.checks.push({ name: c.name, def: c.def, validated: c.validated });
  const triggerList: CatalogSnapshot['triggers'] = [];
  for (const t of triggers) {
    const table = byOid.get(t.oid);
    if (table) triggerList.push({ table: `${table.schema}.${table.name}`, name: t.name, function: t.func, ...triggerShape(t.type), when: t.has_when, columns: t.columns, language: t.lang, body: t.body });
    if (!table) continue;
    table.triggers.push(t.name);
    if (!table.dependentFunctions.includes(t.func)) table.dependentFunctions.push(t.func);
  }
  for (const v of viewDeps) byOid.get(v.oid)?.dependentViews.push(v.view);
  for (const f of funcDeps) {
    const table = byOid.get(f.oid);
    if (table && !table.dependentFunctions.includes(f.func)) table.dependentFunctions.push(f.func);
  }

  const measureTraffic = async (): Promise<CatalogSnapshot['traffic']> => {
    if (windowMs <= 0) return { windowMs: 0, tables: [] };
    const elapsed = performance.now() - s1At;
    if (elapsed < windowMs) await sleep(windowMs - elapsed);
    const stats2 = await q<StatsRow>(STATS_SQL, [schemas]);
    const measuredWindow = performance.now() - s1At;
    const to = new Date().toISOString();
    const before = new Map(stats1.map((s) => [s.oid, s]));
    const secs = measuredWindow / 1000;
    const traffic = stats2.flatMap((s) => {
      const a = before.get(s.oid);
      const t = byOid.get(s.oid);
      if (!a || !t) return [];
      const d = (k: keyof StatsRow) => Math.max(0, (s[k] as number) - (a[k] as number)) / secs;
      const row: TableTraffic = {
        table: `${t.schema}.${t.name}`,
        seqScans: d('seq'),
        idxScans: d('idx'),
        inserts: d('ins'),
        updates: d('upd'),
        deletes: d('del'),
        readsPerSec: d('seq') + d('idx'),
        writesPerSec: d('ins') + d('upd') + d('del'),
      };
      return row.readsPerSec + row.writesPerSec > 0 ? [row] : [];
    });
    return { windowMs: measuredWindow, tables: traffic, from: s1Wall, to };
  };

  const longTransactions: LongTransaction[] = longTx.map((l) => ({
    pid: l.pid,
    state: l.state,
    ageMs: l.age_ms,
    waitEvent: l.wait_event,
    application: l.app,
    relations: l.relations,
    query: l.query,
  }));
  const s = server[0]!;
  const catalog: CatalogSnapshot = {
    takenAt: new Date().toISOString(),
    tookMs: performance.now() - t0,
    database: s.db,
    server: { versionNum: s.num, major: Math.floor(s.num / 10000), version: s.version },
    settings: s.settings ?? {},
    tables: list,
    indexes: indexes.map((i) => ({ schema: i.schema, name: i.name, table: i.table, sizeBytes: i.size, unique: i.uniq, primary: i.prim, valid: i.valid, def: i.def, collatable: i.collatable })),
    foreignKeys: fks.map((f) => ({ name: f.name, table: f.table, references: f.references, validated: f.validated, columns: f.columns, referencedColumns: f.ref_columns, indexed: f.indexed, onDelete: f.on_delete, onUpdate: f.on_update, deferred: f.deferred })),
    traffic: { windowMs: 0, tables: [] },
    longTransactions,
    connections: conns[0] ?? { active: 0, total: 0, max: 100 },
    functions,
    relations,
    triggers: triggerList,
    domains,
    viewColumns,
    viewSources,
    statistics,
  };
  return {
    catalog,
    complete: async () => {
      const traffic = await measureTraffic();
      return { ...catalog, traffic, takenAt: new Date().toISOString(), tookMs: performance.now() - t0 };
    },
  };
}

/** Looks a table up by `name` (public) or `schema.name`. */
export function findTable(catalog: CatalogSnapshot, name: string): CatalogTable | undefined {
  const key = name.includes('.') ? name : `public.${name}`;
  return catalog.tables.find((t) => `${t.schema}.${t.name}` === key);
}

/** Statistics are stale when never analysed or more than 20 % of rows changed since. */
export function statsAreStale(t: CatalogTable): boolean {
  if (!t.lastAnalyze) return (t.rowEstimate ?? 0) > 0 || t.sizeBytes > 8192 * 8;
  const rows = Math.max(t.rowEstimate ?? 0, 1);
  return (t.modsSinceAnalyze ?? 0) > 0.2 * rows + 50;
}
