/**
 * Plan state: what earlier migrations of the same plan (and earlier statements of the same file)
 * created or proved, for the statements that follow. Built up by analyzeLocks as it reads each
 * file in order; lint, risk and the CLI pass one object through the plan so they all see the
 * same facts (0014's validated CHECK proves 0015's SET NOT NULL; 0009's new table is known).
 */
import type { TypeRef } from './column-types';
import type { PartitionBound, PartitionKey } from './partition-route';
import type { TriggerEvent } from '../../src-shared/domain/catalog';

export interface PlanForeignKey {
  /** constraint name (the one PostgreSQL gives it when the SQL does not) */
  name: string;
  /** referencing table, `schema.name` */
  table: string;
  columns: string[];
  /** referenced table, `schema.name` */
  references: string;
  /** referenced columns (written, or the referenced table's primary key the plan knows); absent: unknown */
  referencedColumns?: string[];
  /** ON DELETE / ON UPDATE action as pg_constraint spells it (`a` no action, `r`, `c`, `n`, `d`) */
  onDelete?: string;
  onUpdate?: string;
  /** INITIALLY DEFERRED: checked at COMMIT */
  deferred?: boolean;
}

/** NOT NULL proofs and the objects a plan creates, by `schema.name`. */
export interface PlanChecks {
  /** `schema.table.column` proven NOT NULL by a validated CHECK (col IS NOT NULL) */
  proven: Set<string>;
  /** NOT VALID checks by `schema.table.constraint` → `schema.table.column`, waiting for VALIDATE */
  pending: Map<string, string>;
  /** relations created so far, with their relkind (`r`, `p`, `v`, `m`, `S`, `i`, `f`) */
  relations: Map<string, string>;
  /** index → its table */
  indexTables: Map<string, string>;
  /** table → column → type, for tables and columns the plan creates */
  columns: Map<string, Map<string, TypeRef>>;
  foreignKeys: PlanForeignKey[];
  /** `schema.function` → pg_proc.provolatile of functions the plan creates */
  functions: Map<string, 'i' | 's' | 'v'>;
  /** `schema.type` → what the plan created: a domain with or without constraints, or another type */
  types: Map<string, 'constrained_domain' | 'domain' | 'type'>;
  /** triggers the plan creates: table, function, and when they fire (CREATE TRIGGER's events, FOR EACH ROW, WHEN / UPDATE OF) */
  triggers: { table: string; function: string; events?: TriggerEvent[]; forEachRow?: boolean; when?: boolean; columns?: string[] }[];
  /** bodies of the plpgsql functions the plan creates (a trigger's locks are read from its function) */
  functionBodies: Map<string, { language: string; body: string | null }>;
  /** partitioned table → the partitions the plan creates for it */
  partitions: Map<string, string[]>;
  /** views and matviews the plan (re)defines → the relations their query reads */
  viewSources: Map<string, string[]>;
  /** table → primary-key columns, for tables the plan creates (a REFERENCES without columns points at them) */
  primaryKeys?: Map<string, string[]>;
  /** extended statistics the plan creates → their table */
  statistics?: Map<string, string>;
  /** `schema.table.column` with a DEFAULT, for tables the plan creates (an INSERT omitting it writes the default, not NULL) */
  defaults?: Set<string>;
  /** `table.column` added with ADD COLUMN IF NOT EXISTS where it may already have existed: its type is not known */
  uncertainColumns?: Set<string>;
  /** partitioned tables the plan creates → their partition key */
  partitionKeys?: Map<string, PartitionKey>;
  /** partitions the plan creates or attaches → their bound */
  partitionBounds?: Map<string, PartitionBound>;
}

export function newPlanChecks(): PlanChecks {
  return { proven: new Set(), pending: new Map(), relations: new Map(), indexTables: new Map(), columns: new Map(), foreignKeys: [], functions: new Map(), types: new Map(), triggers: [], functionBodies: new Map(), partitions: new Map(), viewSources: new Map(), primaryKeys: new Map(), statistics: new Map(), defaults: new Set(), partitionKeys: new Map(), partitionBounds: new Map() };
}

/** PostgreSQL's default constraint name: `<table>_<col>[_<col>…]_<suffix>`, cut to 63 bytes like makeObjectName. */
export function defaultConstraintName(table: string, columns: string[], suffix: string): string {
  let name = [table, ...columns].join('_');
  const max = 63 - suffix.length - 1;
  if (Buffer.byteLength(name) > max) name = Buffer.from(name).subarray(0, max).toString('utf8').replace(/\uFFFD$/, '');
  return `${name}_${suffix}`;
}
