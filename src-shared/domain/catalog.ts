/**
 * A read-only snapshot of the target database, taken once and consumed by locks and risk.
 * Relation names are `schema.name`; `display` drops `public.`.
 */

export interface CatalogColumn {
  name: string;
  /** format_type(atttypid, atttypmod), e.g. `character varying(20)` */
  type: string;
  notNull: boolean;
  /** has a DEFAULT (pg_attribute.atthasdef): an INSERT omitting it does not write NULL */
  hasDefault?: boolean;
  /**
   * its values compare through a collation (pg_attribute.attcollation other than none, "C" or
   * "POSIX"): a btree build on it sorts at the text rate; absent in snapshots taken before it was read
   */
  collatable?: boolean;
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
  /** the main fork alone (pg_relation_size): 0 means not a single row (TOAST keeps an index page even when empty) */
  heapBytes?: number;
  /** pg_class.reltuples, null when never analysed/vacuumed */
  rowEstimate: number | null;
  /** latest of last_analyze / last_autoanalyze (ISO), null when never */
  lastAnalyze: string | null;
  /** rows modified since the last analyze */
  modsSinceAnalyze: number | null;
  deadTuples: number | null;
  /** the partitioned parent (schema.name) when this is a partition */
  parent: string | null;
  /** a partition's bound, as pg_get_expr(relpartbound): `FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`, `DEFAULT` */
  partitionBound?: string | null;
  /** a partitioned table's key, as pg_get_partkeydef: `RANGE (at)` */
  partitionKey?: string | null;
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
  /**
   * some key column or expression sorts by a collation other than "C"/"POSIX" (pg_index.indcollation):
   * text keys compare through the collation, the slow case of an index build (absent in snapshots
   * taken before it)
   */
  collatable?: boolean;
}

export interface CatalogForeignKey {
  name: string;
  /** referencing table */
  table: string;
  /** referenced table */
  references: string;
  validated: boolean;
  columns: string[];
  /** the referenced columns (changing their type re-validates this key) */
  referencedColumns?: string[];
  /** the referencing columns lead some valid index */
  indexed: boolean;
  /** pg_constraint.confdeltype / confupdtype: `a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default */
  onDelete?: string;
  onUpdate?: string;
  /** INITIALLY DEFERRED: its checks (and their locks) run at COMMIT, not in the statement */
  deferred?: boolean;
}

/** An extended statistics object (pg_statistic_ext) and the table it is on. */
export interface CatalogStatistics {
  schema: string;
  name: string;
  /** schema.table */
  table: string;
}

/** A function's volatility (pg_proc.provolatile) and language, one row per distinct (schema, name, volatility). */
export interface CatalogFunction {
  schema: string;
  name: string;
  volatility: 'i' | 's' | 'v';
  language: string;
}

/** A relation that is not a table: plain view (`v`) or sequence (`S`). */
export interface CatalogRelation {
  schema: string;
  name: string;
  relkind: string;
}

export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

export interface CatalogTrigger {
  /** schema.table */
  table: string;
  name: string;
  /** schema.function */
  function: string;
  /** the events it fires on (pg_trigger.tgtype); absent: unknown */
  events?: TriggerEvent[];
  /** FOR EACH ROW (fires only for rows written) or FOR EACH STATEMENT */
  forEachRow?: boolean;
  /** a WHEN condition decides whether it fires */
  when?: boolean;
  /** UPDATE OF these columns: fires only for an UPDATE that sets one of them */
  columns?: string[];
  /** the function's language and, for plpgsql, its body (the locks the trigger's SQL takes are read from it) */
  language?: string;
  body?: string | null;
}

export interface CatalogDomain {
  schema: string;
  name: string;
  /** has CHECK / NOT NULL constraints: adding a column of it rewrites the table */
  constrained: boolean;
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
  /**
   * rates from two reads of pg_stat_user_tables `windowMs` apart (`from` → `to`, ISO); windowMs 0:
   * not measured (no window, or the caller has not closed it yet)
   */
  traffic: { windowMs: number; tables: TableTraffic[]; from?: string; to?: string };
  longTransactions: LongTransaction[];
  connections: { active: number; total: number; max: number };
  /** user functions, and the volatile ones of pg_catalog (decides whether DEFAULT f() rewrites) */
  functions?: CatalogFunction[];
  /** views and sequences (locked by CREATE OR REPLACE VIEW, DROP VIEW, ALTER SEQUENCE…) */
  relations?: CatalogRelation[];
  /** user triggers with their function (DROP FUNCTION/SCHEMA … CASCADE locks their tables) */
  triggers?: CatalogTrigger[];
  domains?: CatalogDomain[];
  /** view → the table columns it reads (DROP COLUMN … CASCADE drops exactly these views) */
  viewColumns?: { table: string; column: string; view: string }[];
  /** view or materialized view → each relation its query reads (tables and other views) */
  viewSources?: { view: string; source: string }[];
  /** extended statistics objects (DROP STATISTICS locks their table) */
  statistics?: CatalogStatistics[];
}
