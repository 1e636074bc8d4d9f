/** Small readers over the libpg-query AST that several rules share. */
import type { ParsedStatement } from '../parse';

export type Node = Record<string, unknown>;

/**
 * Memoises a reader of one statement: many rules ask the same question of the same statement
 * (its ALTER TABLE commands, its column definitions...), so each is answered once per statement.
 * The answers are shared: callers must not mutate them.
 */
function perStatement<T>(read: (stmt: ParsedStatement) => T): (stmt: ParsedStatement) => T {
  const memo = new WeakMap<ParsedStatement, T>();
  return (stmt) => {
    let v = memo.get(stmt);
    if (v === undefined) {
      v = read(stmt);
      memo.set(stmt, v);
    }
    return v;
  };
}

/** `{String:{sval}}` list → strings */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => (n as { String?: { sval?: string } }).String?.sval).filter((s): s is string => typeof s === 'string');
}

/** The key lint uses for a table: `schema.name`, `public` when unqualified. */
export function tableKey(rangeVar: unknown): string | null {
  const rv = rangeVar as { relname?: string; schemaname?: string } | undefined;
  if (!rv?.relname) return null;
  return `${rv.schemaname ?? 'public'}.${rv.relname}`;
}

export function keyFromParts(parts: string[]): string | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return `public.${parts[0]}`;
  return parts.slice(-2).join('.');
}

/** Printable name: `orders` for public tables, `app.orders` otherwise. */
export function display(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

export interface TypeRef {
  /** last name part, lower-case as the parser gives it: `int4`, `varchar`, `timestamptz`, `my_domain` */
  name: string;
  schema: string | null;
  typmods: number[];
  array: boolean;
}

export function typeRef(typeName: unknown): TypeRef | null {
  const t = typeName as { names?: unknown; typmods?: unknown[]; arrayBounds?: unknown[] } | undefined;
  if (!t) return null;
  const parts = names(t.names);
  if (parts.length === 0) return null;
  const typmods = (t.typmods ?? []).map((m) => (m as { A_Const?: { ival?: { ival?: number } } }).A_Const?.ival?.ival ?? 0);
  return {
    name: parts[parts.length - 1]!,
    schema: parts.length > 1 ? parts[0]! : null,
    typmods,
    array: Array.isArray(t.arrayBounds) && t.arrayBounds.length > 0,
  };
}

const TYPE_LABELS: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  bpchar: 'char',
  varchar: 'varchar',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
};

export function typeLabel(t: TypeRef): string {
  const base = TYPE_LABELS[t.name] ?? t.name;
  return `${base}${t.typmods.length ? `(${t.typmods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

export interface ColumnDef {
  name: string;
  type: TypeRef | null;
  constraints: Node[];
  /** byte offset in the file */
  location: number | undefined;
  raw: Node;
}

export function columnDef(def: unknown): ColumnDef | null {
  const cd = (def as { ColumnDef?: Node } | undefined)?.ColumnDef;
  if (!cd) return null;
  return {
    name: String(cd.colname ?? ''),
    type: typeRef(cd.typeName),
    constraints: ((cd.constraints as unknown[]) ?? []).map((c) => (c as { Constraint: Node }).Constraint).filter(Boolean),
    location: cd.location as number | undefined,
    raw: cd,
  };
}

export interface AlterCmd {
  subtype: string;
  name: string | undefined;
  def: Node | undefined;
  raw: Node;
}

const NO_CMDS: readonly AlterCmd[] = Object.freeze([]);

export function alterCmds(stmt: ParsedStatement): readonly AlterCmd[] {
  return stmt.nodeType === 'AlterTableStmt' ? alterCmdsOf(stmt) : NO_CMDS;
}

const alterCmdsOf = perStatement((stmt: ParsedStatement): readonly AlterCmd[] => {
  return ((stmt.node.cmds as unknown[]) ?? [])
    .map((c) => (c as { AlterTableCmd?: Node }).AlterTableCmd)
    .filter((c): c is Node => !!c)
    .map((c) => ({ subtype: String(c.subtype), name: c.name as string | undefined, def: c.def as Node | undefined, raw: c }));
});

/** The table an ALTER TABLE / CREATE TABLE / CREATE INDEX / TRUNCATE... statement targets. */
export function targetTable(stmt: ParsedStatement): string | null {
  const n = stmt.node;
  switch (stmt.nodeType) {
    case 'AlterTableStmt':
      return n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_MATVIEW' ? tableKey(n.relation) : null;
    case 'CreateStmt':
    case 'IndexStmt':
    case 'ClusterStmt':
    case 'RefreshMatViewStmt':
    case 'DeleteStmt':
    case 'UpdateStmt':
    case 'InsertStmt':
    case 'CreateTrigStmt':
    case 'CreatePolicyStmt':
      return tableKey(n.relation ?? (n.table as unknown));
    case 'CreateTableAsStmt':
      return tableKey((n.into as { rel?: unknown } | undefined)?.rel);
    case 'RenameStmt':
      return n.relation ? tableKey(n.relation) : null;
    case 'ReindexStmt':
      return n.kind === 'REINDEX_OBJECT_TABLE' ? tableKey(n.relation) : null;
    default:
      return null;
  }
}

/** Tables named by DROP TABLE / TRUNCATE / VACUUM. */
export const targetTables = perStatement((stmt: ParsedStatement): readonly string[] => {
  const n = stmt.node;
  if (stmt.nodeType === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
    return ((n.objects as unknown[]) ?? []).map((o) => keyFromParts(names((o as { List?: { items?: unknown } }).List?.items))).filter((x): x is string => !!x);
  }
  if (stmt.nodeType === 'TruncateStmt') {
    return ((n.relations as unknown[]) ?? []).map((r) => tableKey((r as { RangeVar?: unknown }).RangeVar)).filter((x): x is string => !!x);
  }
  if (stmt.nodeType === 'VacuumStmt') {
    return ((n.rels as unknown[]) ?? [])
      .map((r) => tableKey((r as { VacuumRelation?: { relation?: unknown } }).VacuumRelation?.relation))
      .filter((x): x is string => !!x);
  }
  const one = targetTable(stmt);
  return one ? [one] : [];
});

export function hasDefElem(list: unknown, name: string): boolean {
  return defElem(list, name) !== undefined;
}

export function defElem(list: unknown, name: string): Node | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const d of list) {
    const de = (d as { DefElem?: Node }).DefElem;
    if (de?.defname === name) return de;
  }
  return undefined;
}

/** DefElem boolean: `(CONCURRENTLY)` → true, `(CONCURRENTLY false)` → false. */
export function defElemTrue(list: unknown, name: string): boolean {
  const de = defElem(list, name);
  if (!de) return false;
  const arg = de.arg as { Boolean?: { boolval?: boolean }; String?: { sval?: string }; Integer?: { ival?: number } } | undefined;
  if (!arg) return true;
  if (arg.Boolean) return arg.Boolean.boolval === true;
  if (arg.String) return !['false', 'off', '0', 'no'].includes(String(arg.String.sval).toLowerCase());
  if (arg.Integer) return arg.Integer.ival !== 0;
  return true;
}

/** Visits every object node in an AST subtree. */
export function walk(node: unknown, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (node && typeof node === 'object') {
    // for...in: same keys and order as Object.entries on these plain JSON objects, without the pairs
    for (const k in node as Node) {
      const v = (node as Node)[k];
      if (v && typeof v === 'object') {
        if (!Array.isArray(v)) visit(k, v as Node);
        walk(v, visit);
      }
    }
  }
}

/**
 * Functions whose value is fixed for the statement (stable or immutable): a DEFAULT of these
 * is evaluated once and stored in the catalog since PG 11, so ADD COLUMN does not rewrite.
 */
const NON_VOLATILE_FUNCTIONS = new Set([
  'now',
  'current_timestamp',
  'current_date',
  'current_time',
  'localtime',
  'localtimestamp',
  'transaction_timestamp',
  'statement_timestamp',
  'current_user',
  'session_user',
  'current_schema',
  'current_database',
  'lower',
  'upper',
  'length',
  'coalesce',
  'to_timestamp',
  'to_date',
  'make_date',
  'make_interval',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'array',
  'abs',
  'round',
  'trim',
  'concat',
  'md5',
]);

/** Is this DEFAULT expression volatile (or of unknown volatility) → evaluated per row → rewrite. */
export function isVolatileDefault(expr: unknown): { volatile: boolean; why: string | null } {
  let why: string | null = null;
  walk({ e: expr }, (key, value) => {
    if (why) return;
    if (key === 'FuncCall') {
      const fn = names(value.funcname).pop() ?? '';
      if (!NON_VOLATILE_FUNCTIONS.has(fn.toLowerCase())) why = `${fn}() is volatile or of unknown volatility`;
    } else if (key === 'SubLink') why = 'a sub-query';
  });
  return { volatile: why !== null, why };
}

/** Columns with an explicit DEFAULT, IDENTITY, GENERATED or NOT NULL constraint. */
export function constraintOf(col: ColumnDef, contype: string): Node | undefined {
  return col.constraints.find((c) => c.contype === contype);
}

export function isSerial(t: TypeRef | null): boolean {
  return !!t && ['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'].includes(t.name);
}

/** Every column definition in a CREATE TABLE or ALTER TABLE ... ADD COLUMN, with its table. */
export const definedColumns = perStatement((stmt: ParsedStatement): readonly { table: string; column: ColumnDef; added: boolean }[] => {
  const out: { table: string; column: ColumnDef; added: boolean }[] = [];
  if (stmt.nodeType === 'CreateStmt') {
    const table = tableKey(stmt.node.relation);
    if (!table) return out;
    for (const e of (stmt.node.tableElts as unknown[]) ?? []) {
      const c = columnDef(e);
      if (c) out.push({ table, column: c, added: false });
    }
  } else if (stmt.nodeType === 'AlterTableStmt') {
    const table = tableKey(stmt.node.relation);
    if (!table) return out;
    for (const cmd of alterCmds(stmt)) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const c = columnDef(cmd.def);
      if (c) out.push({ table, column: c, added: true });
    }
  }
  return out;
});

/** Column types used in this statement (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE). */
export const typedColumns = perStatement((stmt: ParsedStatement): readonly { table: string; column: string; type: TypeRef; location: number | undefined }[] => {
  const out = definedColumns(stmt)
    .filter((d) => d.column.type)
    .map((d) => ({ table: d.table, column: d.column.name, type: d.column.type!, location: d.column.location }));
  for (const cmd of alterCmds(stmt)) {
    if (cmd.subtype !== 'AT_AlterColumnType') continue;
    const c = columnDef(cmd.def);
    const table = tableKey(stmt.node.relation);
    if (c?.type && table) out.push({ table, column: cmd.name ?? '', type: c.type, location: c.location });
  }
  return out;
});

/** Table constraints: inline in CREATE TABLE, or ALTER TABLE ADD CONSTRAINT. */
export const addedConstraints = perStatement((stmt: ParsedStatement): readonly { table: string; constraint: Node; viaAlter: boolean; column: string | null }[] => {
  const out: { table: string; constraint: Node; viaAlter: boolean; column: string | null }[] = [];
  const table = tableKey(stmt.node.relation);
  if (!table) return out;
  if (stmt.nodeType === 'CreateStmt') {
    for (const e of (stmt.node.tableElts as unknown[]) ?? []) {
      const c = (e as { Constraint?: Node }).Constraint;
      if (c) out.push({ table, constraint: c, viaAlter: false, column: null });
      const col = columnDef(e);
      if (col) for (const cc of col.constraints) out.push({ table, constraint: cc, viaAlter: false, column: col.name });
    }
  } else if (stmt.nodeType === 'AlterTableStmt') {
    for (const cmd of alterCmds(stmt)) {
      if (cmd.subtype === 'AT_AddConstraint') {
        const c = (cmd.def as { Constraint?: Node } | undefined)?.Constraint;
        if (c) out.push({ table, constraint: c, viaAlter: true, column: null });
      } else if (cmd.subtype === 'AT_AddColumn') {
        const col = columnDef(cmd.def);
        if (col) for (const cc of col.constraints) out.push({ table, constraint: cc, viaAlter: true, column: col.name });
      }
    }
  }
  return out;
});

/** SET name = value (session or LOCAL) → [name, value as text]; RESET → [name, null]. */
export function setting(stmt: ParsedStatement): { name: string; value: string | null; local: boolean } | null {
  if (stmt.nodeType !== 'VariableSetStmt') return null;
  const n = stmt.node;
  const name = String(n.name ?? '').toLowerCase();
  if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') return { name, value: null, local: n.is_local === true };
  const arg = ((n.args as unknown[]) ?? [])[0] as { A_Const?: { sval?: { sval?: string }; ival?: { ival?: number } } } | undefined;
  const v = arg?.A_Const?.sval?.sval ?? (arg?.A_Const?.ival ? String(arg.A_Const.ival.ival ?? 0) : null);
  return { name, value: v, local: n.is_local === true };
}

/** `0`, `'0'`, `0s` mean "no timeout". */
export function isZeroDuration(v: string | null): boolean {
  if (v === null) return true;
  return /^\s*0+(\.0+)?\s*(ms|s|min|h|d)?\s*$/i.test(v);
}
