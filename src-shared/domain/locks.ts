/** Lock knowledge: what a statement takes, named exactly as `pg_locks.mode`. */

export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** How the time a statement holds its lock scales. */
export type OperationClass = 'none' | 'catalog' | 'scan' | 'index_build' | 'rewrite' | 'dml' | 'refresh';

export type LockRole = 'target' | 'referenced' | 'index' | 'partition' | 'parent' | 'source' | 'dependent' | 'trigger';

export interface RelationLock {
  /** `orders`, `sales.orders`, or `(table of orders_idx)` when it cannot be resolved without a catalog */
  relation: string;
  mode: LockMode;
  role: LockRole;
  /** the relation exists before the migration (false: created earlier in the same file) */
  existing: boolean;
  /**
   * the relation could not be named without a catalog: `relation` then describes it, e.g.
   * `(table of index orders_idx)` or `(tables whose triggers call audit())`
   */
  unresolved?: boolean;
}

/** A fact the analysis cannot decide from the SQL alone: stated, never guessed silently. */
export interface UnknownFact {
  /** which verdict is open: whether it rewrites, whether it scans, or which relations it locks */
  fact: 'rewrite' | 'scan' | 'locks';
  /** what would decide it, in a DBA's words (ends in "unknown without a catalog" when a catalog would) */
  reason: string;
}

export interface LockBlocks {
  /** SELECT waits */
  reads: boolean;
  /** INSERT/UPDATE/DELETE/MERGE wait */
  writes: boolean;
  /** other DDL, VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY wait */
  ddl: boolean;
}

export interface StatementLocks {
  index: number;
  kind: string;
  line: number;
  /** ids of the lock-table rules that matched (one per sub-command) */
  rules: string[];
  locks: RelationLock[];
  rewrites: boolean;
  scans: boolean;
  blocks: LockBlocks;
  operation: OperationClass;
  /** the main relation whose size drives the duration */
  tables: string[];
  /** `exact` from the table; `assumed` when a fact needed a catalog we did not have */
  certainty: 'exact' | 'assumed';
  /**
   * facts left open (`rewrites`/`scans`/`locks` then hold the assumption, worst case for type
   * changes): consumers show them as unknown rather than as a verdict
   */
  unknowns?: UnknownFact[];
  /** per ALTER TABLE sub-command (in order; one entry for other statements): the lock-table rule that decided it */
  commands?: string[];
  transactional: boolean;
  safeAlternative: string | null;
  notes: string[];
  docs: string[];
  /** a DO block: each static SQL statement of its body, analysed as if it ran (the block's own `locks` are their union) */
  doBlock?: StatementLocks[];
}

export interface LockAnalysis {
  pgVersion: number;
  statements: StatementLocks[];
  /** relations (`schema.name`) this file creates */
  created?: string[];
  /** relations named but absent from the catalog snapshot */
  notInCatalog?: string[];
}
