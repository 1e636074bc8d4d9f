import type { ParsedFile, ParsedStatement } from '../parse';
import type { CatalogSnapshot } from '../../src-shared/domain/catalog';
import type { RuleEquivalents, Severity } from '../../src-shared/domain/lint';
import type { FileAnalysis } from './analysis';

/**
 * The catalog view lint consumes. Optional: every rule works without it, and uses it when
 * given to tell new tables from existing ones, to know a column's current type, and to raise
 * or lower severity with table size. Keys are `schema.table` (lower-case as PostgreSQL
 * folds them; `public.` is assumed for unqualified names). The risk service builds the real
 * snapshot from pg_class/pg_attribute; lint only reads this shape.
 */
export interface LintCatalog {
  tables: Map<string, LintCatalogTable>;
  /** the snapshot itself: the locks service reads FKs, indexes, functions, TimeZone from it */
  snapshot?: CatalogSnapshot;
}

export interface LintCatalogTable {
  /** estimated rows (pg_class.reltuples) */
  rows: number;
  /** total relation size including indexes and TOAST (pg_total_relation_size) */
  bytes: number;
  /** column name → type as `format_type()` prints it, e.g. `character varying(20)`, `integer` */
  columns: Map<string, string>;
  /** pg_class.relrowsecurity */
  rowSecurity?: boolean;
  /** column name → COMMENT ON COLUMN text */
  columnComments?: Map<string, string>;
}

/** Facts about the migration outside its SQL, used by the review rules. */
export interface LintInputs {
  /** the migration has a down file (undefined: unknown, e.g. a loose file) */
  hasDownMigration?: boolean;
  /** the migration is approved (undefined: approval status not supplied, not checked) */
  approved?: boolean;
  /** the runner sets lock_timeout before each statement (engine.lockTimeout > 0) */
  runnerLockTimeoutMs?: number;
  /** the runner sets statement_timeout (engine.statementTimeout > 0) */
  runnerStatementTimeoutMs?: number;
}

export interface Report {
  message: string;
  /** what to write instead; defaults to the rule's safe alternative */
  help?: string;
  /** the table the statement locks: size-sensitive rules raise/lower severity from the catalog */
  table?: string | null;
  /** override the severity of this one report (e.g. catalog says a rewrite is needed) */
  severity?: Severity;
  /** a byte offset in the file (libpg-query `location`) to point at instead of the statement start */
  at?: number;
  /** an absolute position (file-level findings such as parse errors) */
  position?: { line: number; column: number };
}

export interface RuleContext<O = Record<string, unknown>> {
  file: ParsedFile;
  analysis: FileAnalysis;
  options: O;
  /** PostgreSQL major version the migration targets */
  pgVersion: number;
  catalog: LintCatalog | undefined;
  inputs: LintInputs;
  /**
   * The statements this rule inspects, in file order: those whose `nodeType` is in the rule's
   * `nodeTypes`, or every statement when the rule declares none. (`stmt.index` is the
   * statement's position in `file.statements` and `analysis.facts`.)
   */
  statements: readonly ParsedStatement[];
  /** statement = null for a file-level finding (reported at line 1) */
  report(stmt: ParsedStatement | null, report: Report): void;
}

export interface RuleDefinition<O = Record<string, unknown>> {
  id: string;
  /** semver of the rule's behaviour: bump minor when it catches more, major when it changes meaning */
  version: string;
  severity: Severity;
  /** one line */
  summary: string;
  /** why it matters: the lock, what it blocks, for how long */
  rationale: string;
  /** the safe way to write it */
  safeAlternative: string;
  /** good/bad examples for the docs; tests hold the real ones */
  example?: { bad: string; good: string };
  equivalents: RuleEquivalents;
  /** severity follows table size when a catalog is given */
  sizeSensitive?: boolean;
  /** rule still runs but config using it gets a warning naming the replacement */
  deprecated?: { since: string; replacement: string[]; reason: string };
  defaultOptions?: O;
  /**
   * The statement node types (libpg-query, e.g. `AlterTableStmt`) the rule inspects. The engine
   * indexes each file's statements by node type once and passes only these in `ctx.statements`,
   * and skips the rule on files that have none. Omit it for rules that look at every statement
   * or at the file as a whole (transaction structure, comments, the schema summary).
   */
  nodeTypes?: readonly string[];
  /**
   * Also inspect the static SQL statements inside DO blocks (plpgsql bodies read by the real
   * parser). Each comes with the DO statement's index and range, so the finding points at the
   * block, and the engine says so in the message ("inside the DO block at line N", and "under a
   * condition" when IF/loops/exception handlers decide whether it runs). For rules about what a
   * statement does to a table (rewrites, locks, drops), not about the file's structure.
   */
  doBlocks?: boolean;
  check(ctx: RuleContext<O>): void;
}

/** Identity helper so each rule file gets its options type checked. */
export function defineRule<O = Record<string, unknown>>(rule: RuleDefinition<O>): RuleDefinition<O> {
  return rule;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds rules with different option types
export type AnyRule = RuleDefinition<any>;

export type { ParsedFile, ParsedStatement };
