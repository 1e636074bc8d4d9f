/**
 * A read-only snapshot of the target database, taken once and consumed by locks and risk.
 * Relation names are `schema.name`; `display` drops `public.`.
 */

export interface CatalogColumn {
  name: string;
  /** format_type(atttypid, atttypmod), e.g. `character varying(20)` */
  type: string;
  notNull: boolean;
}

export interface CatalogTable {
  oid: number;
  schema: string;
  name: string;
  /** `r` table, `p` partitioned table, `m` materialized view, `f` foreign table */
  relkind: string;
  /** heap + TOAST (pg_table_size) */
  sizeBytes: number;
  /** all indexes of the table (pg_indexes_size) */
  indexBytes: number;
  /** pg_class.reltuples, null when never analysed/vacuumed */
  rowEstimate: number | null;
  /** latest of last_analyze / last_autoanalyze (ISO), null when never */
  lastAnalyze: string | null;
  /** rows modified since the last analyze */
  modsSinceAnalyze: number | null;
  deadTuples: number | null;
  /** the partitioned parent (schema.name) when this is a partition */
  parent: string | null;
  partitions: string[];
  columns: CatalogColumn[];
  /** valid CHECK constraints, as pg_get_constraintdef (used to prove NOT NULL without a scan) */
  checks: { name: string; def: string; validated: boolean }[];
  triggers: string[];
  /** views and materialized views that depend on this table */
  dependentViews: string[];
  /** functions that depend on it (trigger functions; SQL-standard bodies on PG 14+) */
  dependentFunctions: string[];
}

export interface CatalogIndex {
  schema: string;
  name: string;
  table: string;
  sizeBytes: number;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  def: string;
}

export interface CatalogForeignKey {
  name: string;
  /** referencing table */
  table: string;
  /** referenced table */
  references: string;
  validated: boolean;
  columns: string[];
  /** the referencing columns lead some valid index */
  indexed: boolean;
}

export interface TableTraffic {
  table: string;
  /** per second over the window */
  seqScans: number;
  idxScans: number;
  inserts: number;
  updates: number;
  deletes: number;
  /** reads + writes per second */
  readsPerSec: number;
  writesPerSec: number;
}

export interface LongTransaction {
  pid: number;
  state: string | null;
  ageMs: number;
  waitEvent: string | null;
  application: string | null;
  /** relations (schema.name) this backend holds locks on */
  relations: { relation: string; mode: string }[];
  /** first 200 characters of its current query */
  query: string | null;
}

export interface CatalogSnapshot {
  takenAt: string;
  /** how long taking it took (ms), traffic window included */
  tookMs: number;
  database: string;
  server: { versionNum: number; major: number; version: string };
  settings: Record<string, string>;
  tables: CatalogTable[];
  indexes: CatalogIndex[];
  foreignKeys: CatalogForeignKey[];
  traffic: { windowMs: number; tables: TableTraffic[] };
  longTransactions: LongTransaction[];
  connections: { active: number; total: number; max: number };
}
