/**
 * analyzeLocks: the parsed model (+ an optional catalog snapshot, + the plan state of earlier
 * migrations) → per statement, the locks taken on each relation, rewrite/scan facts, what they
 * block, and what could not be decided without a catalog. Pure; never touches a server.
 */
import type { CatalogIndex, CatalogSnapshot, CatalogTable } from '../../src-shared/domain/catalog';
import type { LockAnalysis, LockMode, LockRole, OperationClass, RelationLock, StatementLocks, UnknownFact } from '../../src-shared/domain/locks';
import { parsePlpgsqlBody, parseSql, type ParsedFile, type ParsedStatement } from '../parse';
import type { TriggerEvent } from '../../src-shared/domain/catalog';
import { catalogMaps, triggerShape, type CatalogIndexMaps } from './catalog-maps';
import { canonicalTypeName, parseFormatType, typeChangeVerdict, type TypeRef } from './column-types';
import { blocksOf, lockModeFromNumber, strength } from './modes';
import { defaultConstraintName, newPlanChecks, type PlanChecks, type PlanForeignKey } from './plan';
import { boundFromSpec, datumOf, keyFromSpec, parsePartitionBound, parsePartitionKey, prunePartitions, routeRow, type Datum, type KeyPredicate, type PartitionBound, type RoutingTable } from './partition-route';
import { lockRule, ruleAppliesTo, type LockRule } from './rules';
import { defaultVolatility, walk } from './volatility';

export { catalogMaps, type CatalogIndexMaps } from './catalog-maps';
export { newPlanChecks, type PlanChecks } from './plan';

export interface AnalyzeLocksOptions {
  /** PostgreSQL major version (13–18) or server_version_num (150004) */
  pgVersion: number;
  catalog?: CatalogSnapshot | null;
  /**
   * relations (`schema.name`) created by earlier migrations of the same plan: committed before
   * this file runs (so its locks on them count), but not in the catalog snapshot
   */
  createdBefore?: ReadonlySet<string>;
  /**
   * what earlier migrations of the plan created or proved; the analyzer reads it and records this
   * file's own facts into it (pass the same object for every file of a plan, in order)
   */
  plan?: PlanChecks;
}

export function majorVersion(v: number): number {
  return v >= 1000 ? Math.floor(v / 10000) : v;
}

/** `orders` for public.orders, `sales.orders` otherwise. */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

function displayOf(key: string): string {
  const i = key.indexOf('.');
  return i < 0 ? key : displayName(key.slice(0, i), key.slice(i + 1));
}

interface RangeVarLike {
  relname?: string;
  schemaname?: string;
  inh?: boolean;
}

function namesOf(list: unknown): string[] {
  return ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? '').filter(Boolean);
}

function typeRefOf(typeName: unknown): TypeRef | null {
  const t = typeName as { names?: unknown; typmods?: { A_Const?: { ival?: { ival?: number } } }[]; arrayBounds?: unknown[] } | undefined;
  const parts = namesOf(t?.names);
  if (parts.length === 0) return null;
  const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
  return {
    name: parts[parts.length - 1]!.toLowerCase(),
    schema: schema === 'pg_catalog' ? null : schema,
    typmods: (t?.typmods ?? []).map((m) => m.A_Const?.ival?.ival ?? 0),
    array: Array.isArray(t?.arrayBounds) && t.arrayBounds.length > 0,
  };
}

const BUILTIN_TYPES = new Set([
  'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'bpchar', 'char', 'name', 'bytea', 'date', 'time', 'timetz', 'timestamp',
  'timestamptz', 'interval', 'uuid', 'json', 'jsonb', 'xml', 'inet', 'cidr', 'macaddr', 'macaddr8', 'money', 'bit', 'varbit', 'tsvector', 'tsquery', 'oid',
  'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'regclass',
  'serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2', 'citext', 'hstore', 'ltree', 'geometry', 'geography', 'vector', 'jsonpath',
]);
const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2']);

const OPERATION_WEIGHT: Record<OperationClass, number> = { none: 0, catalog: 1, dml: 2, scan: 3, refresh: 4, index_build: 5, rewrite: 6 };

interface Ctx {
  major: number;
  maps: CatalogIndexMaps | null;
  /** qualified names created earlier in this file */
  created: Set<string>;
  createdBefore: ReadonlySet<string>;
  plan: PlanChecks;
  notFound: string[];
  /** the session's TimeZone: a SET earlier in the file, else the catalog's, else unknown */
  timeZone: string | null;
  /** the server's default TimeZone (catalog), null without a catalog */
  serverTimeZone: string | null;
  /** tables an earlier statement of this file may have written rows into; null: any table (a DO block, a function call…) */
  written: Set<string> | null;
  /** foreign keys (`schema.table.name`) an earlier statement of this file dropped: the catalog still lists them */
  droppedFks: Set<string>;
  /** how many trigger bodies deep the statement being analysed is (see MAX_TRIGGER_DEPTH) */
  triggerDepth: number;
}

interface Resolved {
  key: string;
  display: string;
  existing: boolean;
  table: CatalogTable | null;
  index: CatalogIndex | null;
  /** relkind when known (catalog or plan) */
  relkind: string | null;
}

class Binder {
  readonly locks = new Map<string, RelationLock>();
  /** a DO block's statements, each analysed as if it ran */
  doBlock: StatementLocks[] | null = null;
  readonly rules: string[] = [];
  readonly notes: string[] = [];
  readonly docs = new Set<string>();
  readonly tables: string[] = [];
  readonly unknowns: UnknownFact[] = [];
  readonly commands: string[] = [];
  rewrites = false;
  scans = false;
  operation: OperationClass = 'none';
  certainty: 'exact' | 'assumed' = 'exact';
  transactional = true;
  safe: string[] = [];
  constructor(private readonly ctx: Ctx) {}

  /** Resolves a name to `schema.name` (public when unqualified) and whether it pre-exists. */
  resolve(name: string | RangeVarLike | null | undefined): Resolved | null {
    if (!name) return null;
    let schema: string | null;
    let rel: string;
    if (typeof name === 'string') {
      const parts = name.split('.');
      rel = parts.pop()!;
      schema = parts.pop() ?? null;
    } else {
      if (!name.relname) return null;
      rel = name.relname;
      schema = name.schemaname ?? null;
    }
    const key = `${schema ?? 'public'}.${rel}`;
    const display = displayOf(key);
    const maps = this.ctx.maps;
    const created = this.ctx.created.has(key);
    const table = maps?.tables.get(key) ?? null;
    const index = maps?.indexes.get(key) ?? null;
    const other = maps?.relations.get(key) ?? null;
    if (table || index || other) return { key, display, existing: !created, table, index, relkind: table?.relkind ?? (index ? 'i' : other) };
    const planned = this.ctx.plan.relations.get(key) ?? null;
    // created by an earlier migration of the plan: committed (and usable by others) before this
    // file runs, so it exists for the lock analysis; the risk model knows it starts empty.
    // Not in the catalog and not created by this plan: it may live in another schema of the
    // search_path — treat it as existing (size unknown) rather than as harmless
    if (maps && !created && !planned && !this.ctx.createdBefore.has(key) && !this.ctx.notFound.includes(key)) this.ctx.notFound.push(key);
    return { key, display, existing: !created, table: null, index: null, relkind: planned };
  }

  lock(name: string | RangeVarLike | null | undefined, mode: LockMode, role: LockRole): void {
    const r = this.resolve(name);
    if (!r) return;
    this.lockResolved(r.display, r.existing, mode, role);
  }

  lockResolved(display: string, existing: boolean, mode: LockMode, role: LockRole, unresolved = false): void {
    const prev = this.locks.get(display);
    if (!prev || strength(mode) > strength(prev.mode)) {
      this.locks.set(display, { relation: display, mode, role: prev && prev.role === 'target' ? 'target' : role, existing: prev ? prev.existing || existing : existing, ...(unresolved ? { unresolved: true } : {}) });
    }
  }

  /** A lock on relations we cannot name without a catalog: stated as such, and as an unknown. */
  lockUnresolved(description: string, mode: LockMode, role: LockRole, reason: string): void {
    this.lockResolved(description, true, mode, role, true);
    this.unknown('locks', reason);
  }

  /**
   * An open fact. `rowsDecide`: it depends on the data the statement meets (rows deleted, a trigger
   * body), not on something a catalog would tell — the locks claimed stay exact where they hold.
   */
  unknown(fact: UnknownFact['fact'], reason: string, rowsDecide = false): void {
    if (!rowsDecide) this.certainty = 'assumed';
    if (!this.unknowns.some((u) => u.fact === fact && u.reason === reason)) this.unknowns.push({ fact, reason });
  }

  apply(ruleId: string, target: RangeVarLike | string | null, extra: { referenced?: (RangeVarLike | string)[]; sources?: (RangeVarLike | string)[]; parent?: RangeVarLike | string | null; partitions?: (RangeVarLike | string)[]; mode?: LockMode } = {}): LockRule {
    const rule = lockRule(ruleId);
    this.rules.push(rule.id);
    this.docs.add(rule.doc);
    if (rule.note) this.notes.push(rule.note);
    if (rule.safeAlternative) this.safe.push(rule.safeAlternative);
    if (!ruleAppliesTo(rule, this.ctx.major)) {
      this.notes.push(`${rule.title} needs PostgreSQL ${rule.since ?? ''}${rule.until ? `–${rule.until}` : '+'}; this target is PostgreSQL ${this.ctx.major}`);
    }
    if (rule.id === 'unknown' || rule.id === 'alter_table.other') this.certainty = 'assumed';
    if (!rule.transactional) this.transactional = false;
    this.rewrites ||= rule.rewrites;
    this.scans ||= rule.scans;
    if (OPERATION_WEIGHT[rule.operation] > OPERATION_WEIGHT[this.operation]) this.operation = rule.operation;
    const targetMode = extra.mode ?? rule.target;
    const t = this.resolve(target);
    if (t && targetMode) {
      this.lockResolved(t.display, t.existing, targetMode, 'target');
      if (!this.tables.includes(t.display) && (rule.operation !== 'catalog' || rule.rewrites)) this.tables.push(t.display);
    }
    if (rule.referenced) for (const r of extra.referenced ?? []) this.lock(r, rule.referenced, 'referenced');
    if (rule.sources) for (const s of extra.sources ?? []) this.lock(s, rule.sources, 'source');
    if (rule.parent && extra.parent) this.lock(extra.parent, rule.parent, 'parent');
    if (rule.partitions) for (const p of extra.partitions ?? []) this.lock(p, rule.partitions, 'partition');
    if (rule.indexes && t?.table && this.ctx.maps) {
      for (const i of this.ctx.maps.indexesByTable.get(t.key) ?? []) this.lockResolved(displayName(i.schema, i.name), !this.ctx.created.has(`${i.schema}.${i.name}`), rule.indexes, 'index');
    }
    // scans of a rewritten/scanned table also cover its size
    if (t && (rule.scans || rule.rewrites) && !this.tables.includes(t.display)) this.tables.push(t.display);
    return rule;
  }

  result(stmt: ParsedStatement): StatementLocks {
    const locks = [...this.locks.values()];
    const blocking = locks.filter((l) => l.existing);
    const blocks = { reads: false, writes: false, ddl: false };
    for (const l of blocking) {
      const b = blocksOf(l.mode);
      blocks.reads ||= b.reads;
      blocks.writes ||= b.writes;
      blocks.ddl ||= b.ddl;
    }
    return {
      index: stmt.index,
      kind: stmt.kind,
      line: stmt.range.start.line,
      rules: this.rules,
      locks,
      rewrites: this.rewrites,
      scans: this.scans,
      blocks,
      operation: this.operation,
      tables: this.tables,
      certainty: this.certainty,
      unknowns: this.unknowns,
      commands: this.commands.length ? this.commands : this.rules.slice(0, 1),
      transactional: this.transactional && stmt.transactional,
      safeAlternative: this.safe.length ? [...new Set(this.safe)].join('; ') : null,
      notes: [...new Set([...this.notes, ...this.unknowns.map((u) => u.reason)])],
      docs: [...this.docs],
      ...(this.doBlock ? { doBlock: this.doBlock } : {}),
    };
  }
}

function rangeVars(node: unknown): RangeVarLike[] {
  const out: RangeVarLike[] = [];
  walk({ root: node }, (type, body) => {
    if (type === 'RangeVar') out.push(body as RangeVarLike);
  });
  return out;
}

/**
 * What executing a query reads: the relations it names plus, through the catalog, the relations
 * of every view among them (the planner expands views, each opened ACCESS SHARE).
 */
function executedSources(ctx: Ctx, direct: (RangeVarLike | string)[]): (RangeVarLike | string)[] {
  const out: (RangeVarLike | string)[] = [...direct];
  const maps = ctx.maps;
  if ((!maps || maps.viewSources.size === 0) && ctx.plan.viewSources.size === 0) return out;
  const seen = new Set<string>();
  const queue = direct.map((d) => (typeof d === 'string' ? (d.includes('.') ? d : `public.${d}`) : keyOfRange(d))).filter((k): k is string => !!k);
  while (queue.length) {
    const k = queue.shift()!;
    if (seen.has(k)) continue;
    seen.add(k);
    // a view (re)defined by the plan reads what its new query reads, not what the catalog says
    const planned = ctx.plan.viewSources.get(k);
    for (const src of planned ?? maps?.viewSources.get(k) ?? []) {
      out.push(src);
      if (maps?.relations.get(src) === 'v' || ctx.plan.relations.get(src) === 'v') queue.push(src);
    }
  }
  return out;
}

function hasOption(list: unknown, name: string): boolean {
  return Array.isArray(list) && list.some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === name);
}

function keyOfRange(rv: RangeVarLike | null | undefined): string | null {
  return rv?.relname ? `${rv.schemaname ?? 'public'}.${rv.relname}` : null;
}

function keyOfParts(parts: string[]): string | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? `public.${parts[0]}` : parts.slice(-2).join('.');
}

type Cmd = { subtype?: string; name?: string; def?: Record<string, unknown>; behavior?: string; missing_ok?: boolean };

/** Columns a CHECK expression proves NOT NULL (`col IS NOT NULL`, possibly AND-ed). */
function notNullColumns(expr: unknown): string[] {
  const out: string[] = [];
  const top = expr as { NullTest?: unknown; BoolExpr?: { boolop?: string; args?: unknown[] } } | undefined;
  const parts = top?.BoolExpr?.boolop === 'AND_EXPR' ? (top.BoolExpr.args ?? []) : [expr];
  for (const p of parts) {
    const nt = (p as { NullTest?: { nulltesttype?: string; arg?: { ColumnRef?: { fields?: { String?: { sval?: string } }[] } } } }).NullTest;
    const col = nt?.nulltesttype === 'IS_NOT_NULL' ? nt.arg?.ColumnRef?.fields?.at(-1)?.String?.sval : undefined;
    if (col) out.push(col);
  }
  return out;
}

function normaliseCheck(def: string): string {
  return def.replace(/^CHECK\s*/i, '').replace(/[()]/g, '').replace(/"/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The current type of a column: the plan (this file or earlier migrations), then the catalog. */
function columnType(ctx: Ctx, table: string, column: string): TypeRef | null {
  const planned = ctx.plan.columns.get(table)?.get(column);
  if (planned) return planned;
  const t = ctx.maps?.tables.get(table)?.columns.find((c) => c.name === column);
  return t ? parseFormatType(t.type) : null;
}

/** Foreign keys of a table (catalog and plan): name, its columns, the other table, referenced columns. */
interface KnownForeignKey {
  name: string;
  /** referencing table */
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[] | null;
  /** ON DELETE / ON UPDATE action (`a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default); null: unknown */
  onDelete: string | null;
  onUpdate: string | null;
  deferred: boolean | null;
}

/** Foreign keys of a table (catalog and plan): name, its columns, the other table, referenced columns, actions. */
function foreignKeysOf(ctx: Ctx, table: string): KnownForeignKey[] {
  const out: KnownForeignKey[] = (ctx.maps?.fksByTable.get(table) ?? []).filter((f) => !ctx.droppedFks.has(`${f.table}.${f.name}`)).map((f) => ({ name: f.name, table: f.table, columns: f.columns, references: f.references, referencedColumns: f.referencedColumns ?? null, onDelete: f.onDelete ?? null, onUpdate: f.onUpdate ?? null, deferred: f.deferred ?? null }));
  for (const f of ctx.plan.foreignKeys) if (f.table === table && !out.some((o) => o.name === f.name)) out.push(planFk(f));
  return out;
}

function planFk(f: PlanForeignKey): KnownForeignKey {
  return { name: f.name, table: f.table, columns: f.columns, references: f.references, referencedColumns: f.referencedColumns ?? null, onDelete: f.onDelete ?? null, onUpdate: f.onUpdate ?? null, deferred: f.deferred ?? null };
}

function foreignKeysReferencing(ctx: Ctx, table: string): KnownForeignKey[] {
  const out: KnownForeignKey[] = (ctx.maps?.fksByReferenced.get(table) ?? []).filter((f) => !ctx.droppedFks.has(`${f.table}.${f.name}`)).map((f) => ({ name: f.name, table: f.table, columns: f.columns, references: f.references, referencedColumns: f.referencedColumns ?? null, onDelete: f.onDelete ?? null, onUpdate: f.onUpdate ?? null, deferred: f.deferred ?? null }));
  for (const f of ctx.plan.foreignKeys) if (f.references === table && !out.some((o) => o.name === f.name && o.table === f.table)) out.push(planFk(f));
  return out;
}

/** Whether a foreign key's trigger fires for a DML statement: surely, perhaps (rows / values unknown), or not. */
type Fire = 'yes' | 'maybe' | 'no';

/** The rows an INSERT writes, as far as the statement spells them. */
interface InsertShape {
  /** per row: column → datum of what is written (explicit values only); null when rows come from a query */
  rows: Map<string, Datum>[] | null;
  /** INSERT … SELECT: column → datum of the select list (constants only), for every row alike */
  pattern: Map<string, Datum>;
  /** the columns values are given for, in order (the written list, else the table's columns); null when unknown */
  named: string[] | null;
}

/** The table's column names in order (catalog, else the plan), or null. */
function tableColumns(ctx: Ctx, table: string): string[] | null {
  const planned = ctx.plan.columns.get(table);
  if (planned && ctx.created.has(table)) return [...planned.keys()];
  const t = ctx.maps?.tables.get(table);
  if (t && t.columns.length) return t.columns.map((c) => c.name);
  return planned ? [...planned.keys()] : null;
}

/** What an INSERT writes into an omitted column (or DEFAULT): NULL when the column has no default, else unknown. */
function defaultDatum(ctx: Ctx, table: string, column: string): Datum {
  if (ctx.plan.columns.get(table)?.has(column)) return ctx.plan.defaults?.has(`${table}.${column}`) ? { kind: 'unknown' } : { kind: 'null' };
  const c = ctx.maps?.tables.get(table)?.columns.find((x) => x.name === column);
  if (c && c.hasDefault !== undefined) return c.hasDefault ? { kind: 'unknown' } : { kind: 'null' };
  return { kind: 'unknown' };
}

function insertShape(ctx: Ctx, table: string, n: Record<string, unknown>): InsertShape {
  const named = ((n.cols as { ResTarget?: { name?: string; indirection?: unknown } }[] | undefined) ?? []).map((c) => (c.ResTarget?.indirection ? '' : (c.ResTarget?.name ?? '')));
  const order = named.length ? named : tableColumns(ctx, table);
  const sel = (n.selectStmt as { SelectStmt?: Record<string, unknown> } | undefined)?.SelectStmt;
  const toMap = (exprs: unknown[]): Map<string, Datum> => {
    const m = new Map<string, Datum>();
    exprs.forEach((e, i) => {
      const col = order?.[i];
      if (!col) return;
      m.set(col, (e as { SetToDefault?: unknown }).SetToDefault ? defaultDatum(ctx, table, col) : datumOf(e));
    });
    return m;
  };
  // DEFAULT VALUES: one row of defaults
  if (!sel) return { rows: [new Map()], pattern: new Map(), named: [] };
  const simple = !sel.withClause && (sel.op === undefined || sel.op === 'SETOP_NONE');
  const values = sel.valuesLists as { List?: { items?: unknown[] } }[] | undefined;
  if (simple && values?.length) return { rows: values.map((v) => toMap(v.List?.items ?? [])), pattern: new Map(), named: order };
  // a query over empty tables inserts nothing
  if (simple && selectIsEmpty(ctx, sel)) return { rows: [], pattern: new Map(), named: order };
  const targets = ((sel.targetList as { ResTarget?: { val?: unknown } }[] | undefined) ?? []).map((t) => t.ResTarget?.val);
  // `SELECT *` spreads over several columns: positions after it are not known
  if (targets.some((t) => JSON.stringify(t ?? null).includes('"A_Star"'))) return { rows: null, pattern: new Map(), named: order };
  // SELECT without FROM/WHERE/… writes exactly one row
  const oneRow = simple && !sel.fromClause && !sel.whereClause && !sel.havingClause && !sel.groupClause && !sel.limitCount && !sel.limitOffset && !sel.distinctClause && targets.length > 0 && !targets.some((t) => t === undefined);
  if (oneRow) return { rows: [toMap(targets)], pattern: new Map(), named: order };
  return { rows: null, pattern: toMap(targets), named: order };
}

/** The datum written into `column` by one row of the shape (an omitted column gets its default). */
function writtenDatum(ctx: Ctx, table: string, shape: InsertShape, row: Map<string, Datum> | null, column: string): Datum {
  const explicit = (row ?? shape.pattern).get(column);
  if (explicit) return explicit;
  return shape.named ? defaultDatum(ctx, table, column) : { kind: 'unknown' };
}

/** Does an INSERT of this shape fire the foreign key's check (a row whose key has no NULL)? */
function insertFires(ctx: Ctx, table: string, shape: InsertShape, columns: string[]): Fire {
  const rows = shape.rows ?? [null];
  let out: Fire = 'no';
  for (const row of rows) {
    const ds = columns.map((c) => writtenDatum(ctx, table, shape, row, c));
    if (ds.some((d) => d.kind === 'null')) continue;
    const sure = shape.rows !== null && ds.every((d) => d.kind === 'const');
    if (sure) return 'yes';
    out = 'maybe';
  }
  return out;
}

const FK_ACTION_MODE = (action: string | null): LockMode => (action === 'c' || action === 'n' || action === 'd' ? 'RowExclusiveLock' : 'RowShareLock');

/** Locks one foreign key's trigger takes on the other table: surely, or with the condition stated as unknown. */
function fkLock(b: Binder, ctx: Ctx, other: string, mode: LockMode, fire: Fire, fk: KnownForeignKey, why: string): void {
  if (fire === 'no') return;
  const r = b.resolve(other);
  if (fk.deferred) {
    b.notes.push(`${fk.name} is INITIALLY DEFERRED: its check takes ${mode} on ${r?.display ?? other} at COMMIT, not in this statement`);
    return;
  }
  b.lock(other, mode, 'referenced');
  if (fire === 'maybe') b.unknown('locks', `${r?.display ?? other} is locked ${mode} by foreign key ${fk.name} only ${why}`, true);
  const t = ctx.maps?.tables.get(other);
  if (t && (t.relkind === 'p' || t.parent)) b.unknown('locks', `${r?.display ?? other} is partitioned: which of its partitions the foreign-key check of ${fk.name} locks is not modelled`);
}

/** INSERT/UPDATE/DELETE: the locks the foreign-key triggers take on the other tables (RI_FKey_check, cascades). */
function dmlForeignKeyLocks(b: Binder, ctx: Ctx, kind: 'insert' | 'update' | 'delete', table: string, n: Record<string, unknown>, shape: InsertShape | null): void {
  const display = b.resolve(table)?.display ?? table;
  if (kind === 'insert' && shape) {
    const conflict = n.onConflictClause as { action?: string; targetList?: unknown[] } | undefined;
    for (const fk of foreignKeysOf(ctx, table)) {
      let fire = insertFires(ctx, table, shape, fk.columns);
      if (fire === 'yes' && conflict) fire = 'maybe';
      fkLock(b, ctx, fk.references, 'RowShareLock', fire, fk, conflict ? 'for the rows inserted (ON CONFLICT may skip them)' : shape.rows ? 'if a row has a non-NULL key' : 'if the query returns rows with a non-NULL key');
    }
    // ON CONFLICT DO UPDATE updates the conflicting rows
    if (conflict?.action === 'ONCONFLICT_UPDATE') dmlUpdateLocks(b, ctx, table, conflict.targetList ?? [], 'if a conflicting row is updated');
  } else if ((kind === 'update' || kind === 'delete') && knownEmpty(ctx, table)) {
    // no row to update or delete: no key check, no cascade
    b.notes.push(`${display} has no rows yet: no foreign-key check or cascade runs`);
  } else if (kind === 'update') {
    dmlUpdateLocks(b, ctx, table, (n.targetList as unknown[] | undefined) ?? [], 'if rows are updated and the key changes');
  } else if (kind === 'delete') {
    const seen = new Set([table]);
    const walkDeletes = (t: string, how: string) => {
      for (const fk of foreignKeysReferencing(ctx, t)) {
        fkLock(b, ctx, fk.table, FK_ACTION_MODE(fk.onDelete), 'maybe', fk, how);
        // ON DELETE CASCADE deletes rows there too: their own referencing tables follow
        if (fk.onDelete === 'c' && !fk.deferred && !seen.has(fk.table)) {
          seen.add(fk.table);
          walkDeletes(fk.table, `if rows of ${displayOf(t)} are deleted and cascade to ${displayOf(fk.table)}`);
        }
        if (fk.onDelete === null) b.unknown('locks', `the ON DELETE action of ${fk.name} is unknown: ${displayOf(fk.table)} gets RowExclusiveLock for CASCADE / SET NULL, RowShareLock otherwise`);
      }
    };
    walkDeletes(table, `if rows of ${display} are deleted`);
  }
  if (!knowsTable(ctx, table) && ctx.maps === null) b.unknown('locks', `tables linked to ${display} by a foreign key may be locked too (RowShareLock by the key check, RowExclusiveLock by a cascade; unknown without a catalog)`, true);
}

function dmlUpdateLocks(b: Binder, ctx: Ctx, table: string, targetList: unknown[], how: string): void {
  const set = new Map<string, Datum>();
  for (const t of targetList as { ResTarget?: { name?: string; val?: unknown } }[]) if (t.ResTarget?.name) set.set(t.ResTarget.name, datumOf(t.ResTarget.val));
  if (set.size === 0) return;
  for (const fk of foreignKeysOf(ctx, table)) {
    if (!fk.columns.some((c) => set.has(c))) continue;
    const fire: Fire = fk.columns.some((c) => set.get(c)?.kind === 'null') ? 'no' : 'maybe';
    fkLock(b, ctx, fk.references, 'RowShareLock', fire, fk, `${how} to a non-NULL value`);
  }
  for (const fk of foreignKeysReferencing(ctx, table)) {
    // the referenced columns: the catalog's, else the primary key the plan knows, else `id` (a
    // hand-made snapshot may not list them)
    const refCols = fk.referencedColumns ?? ctx.plan.primaryKeys?.get(table) ?? ['id'];
    if (!refCols.some((c) => set.has(c))) continue;
    fkLock(b, ctx, fk.table, FK_ACTION_MODE(fk.onUpdate), 'maybe', fk, `${how} (a referenced key of ${displayOf(table)} changes)`);
  }
}

/** The partition key and bounds of a partitioned table (catalog, else the plan), or null when some bound is unknown. */
function routingTableOf(ctx: Ctx, table: string, root: string = table): RoutingTable | null {
  const t = ctx.maps?.tables.get(table);
  const key = (t?.partitionKey ? parsePartitionKey(t.partitionKey) : null) ?? ctx.plan.partitionKeys?.get(table) ?? null;
  if (!key) return null;
  const names = [...new Set([...(t?.partitions ?? []), ...(ctx.plan.partitions.get(table) ?? [])])];
  const partitions: { name: string; bound: PartitionBound }[] = [];
  for (const name of names) {
    const pt = ctx.maps?.tables.get(name);
    const bound = ctx.plan.partitionBounds?.get(name) ?? (pt?.partitionBound ? parsePartitionBound(pt.partitionBound) : null);
    if (!bound) return null;
    partitions.push({ name, bound });
  }
  // a partition created with PARTITION OF has its parent's columns: read their types from the root
  return { key, partitions, types: key.columns.map((c) => (c ? (columnType(ctx, table, c) ?? columnType(ctx, root, c)) : null)) };
}

/**
 * The WHERE clause's restrictions on one key column, AND-ed `col <op> constant` (either side), or
 * null when the column appears in anything else (OR, IN, functions, parameters…).
 */
function keyPredicates(where: unknown, column: string): KeyPredicate[] | null {
  const top = where as { BoolExpr?: { boolop?: string; args?: unknown[] } } | undefined;
  const conjuncts = top?.BoolExpr?.boolop === 'AND_EXPR' ? (top.BoolExpr.args ?? []) : [where];
  const isKey = (x: unknown) => namesOf((x as { ColumnRef?: { fields?: unknown } } | undefined)?.ColumnRef?.fields).at(-1) === column;
  const flip: Record<string, KeyPredicate['op']> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  const out: KeyPredicate[] = [];
  for (const c of conjuncts) {
    let mentions = false;
    walk({ root: c }, (type, body) => {
      if (type === 'ColumnRef' && namesOf(body.fields).at(-1) === column) mentions = true;
    });
    if (!mentions) continue;
    const e = (c as { A_Expr?: { kind?: string; name?: unknown; lexpr?: unknown; rexpr?: unknown } }).A_Expr;
    const op = e?.kind === 'AEXPR_OP' ? namesOf(e.name) : [];
    if (!e || op.length !== 1 || !(op[0]! in flip)) return null;
    const [col, other, o] = isKey(e.lexpr) ? [e.lexpr, e.rexpr, op[0]!] : isKey(e.rexpr) ? [e.rexpr, e.lexpr, flip[op[0]!]!] : [null, null, ''];
    if (!col) return null;
    const d = datumOf(other);
    if (d.kind !== 'const') return null;
    out.push({ op: o as KeyPredicate['op'], value: d.text });
  }
  return out;
}

const isPartitioned = (ctx: Ctx, table: string) => ctx.maps?.tables.get(table)?.relkind === 'p' || ctx.plan.relations.get(table) === 'p';

/**
 * INSERT into a partitioned table: the partitions its rows are routed to (each RowExclusiveLock),
 * or, where routing cannot be decided, the candidates named as unknown.
 */
function routedPartitions(ctx: Ctx, table: string, shape: InsertShape): { partitions: string[]; open: string | null; candidates: string[] } {
  const out = { partitions: [] as string[], open: null as string | null, candidates: [] as string[] };
  const level = (t: string, rows: Map<string, Datum>[] | null) => {
    if (rows && rows.length === 0) return;
    const rt = routingTableOf(ctx, t, table);
    const all = [...new Set([...(ctx.maps?.tables.get(t)?.partitions ?? []), ...(ctx.plan.partitions.get(t) ?? [])])];
    if (!rt || rows === null) {
      out.open ??= !rt ? `the partition bounds of ${displayOf(t)} are unknown` : 'the rows come from a query';
      for (const p of all) if (!out.candidates.includes(p)) out.candidates.push(p);
      return;
    }
    const next = new Map<string, Map<string, Datum>[]>();
    for (const row of rows) {
      const values = new Map<string, Datum>();
      for (const c of rt.key.columns) if (c) values.set(c, writtenDatum(ctx, table, shape, row, c));
      const r = routeRow(rt, values);
      if ('partition' in r) next.set(r.partition, [...(next.get(r.partition) ?? []), row]);
      else if ('open' in r) {
        out.open ??= r.open;
        for (const p of all) if (!out.candidates.includes(p)) out.candidates.push(p);
      }
    }
    for (const [p, prow] of next) {
      if (!out.partitions.includes(p)) out.partitions.push(p);
      if (isPartitioned(ctx, p)) level(p, prow);
    }
  };
  level(table, shape.rows);
  out.candidates = out.candidates.filter((c) => !out.partitions.includes(c));
  return out;
}

/**
 * A table certainly without rows when the statement runs: created earlier in this file, or empty
 * in the catalog snapshot (no heap page at all), and not written since by this file.
 */
function knownEmpty(ctx: Ctx, table: string): boolean {
  if (!ctx.written || ctx.written.has(table)) return false;
  if (ctx.created.has(table)) return ctx.plan.relations.get(table) === 'r' || ctx.plan.relations.get(table) === 'p';
  const t = ctx.maps?.tables.get(table);
  return !!t && t.relkind === 'r' && (t.heapBytes ?? t.sizeBytes) === 0;
}

const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bool_and', 'bool_or', 'every', 'bit_and', 'bit_or', 'xmlagg']);

/** A SELECT that returns no row because every table it reads is empty (and nothing aggregates them into one row). */
function selectIsEmpty(ctx: Ctx, sel: Record<string, unknown> | undefined): boolean {
  if (!sel || !Array.isArray(sel.fromClause) || sel.fromClause.length === 0 || sel.groupClause || sel.havingClause || sel.withClause) return false;
  if (sel.op && sel.op !== 'SETOP_NONE') return false;
  let aggregates = false;
  walk({ root: sel.targetList }, (type, body) => {
    if (type === 'FuncCall') {
      const name = namesOf(body.funcname).at(-1)?.toLowerCase() ?? '';
      if (AGGREGATES.has(name) || body.agg_star || body.over) aggregates = true;
    }
  });
  if (aggregates) return false;
  // every relation of the FROM clause (not of sub-queries elsewhere) is empty
  const from: RangeVarLike[] = [];
  let other = false;
  for (const f of sel.fromClause as Record<string, unknown>[]) {
    if (f.RangeVar) from.push(f.RangeVar as RangeVarLike);
    else if (f.JoinExpr) walk({ root: f }, (type, body) => { if (type === 'RangeVar') from.push(body as RangeVarLike); else if (type === 'RangeSubselect' || type === 'RangeFunction') other = true; });
    else other = true;
  }
  if (other || from.length === 0) return false;
  return from.every((r) => { const k = keyOfRange(r); return !!k && knownEmpty(ctx, k); });
}

/** Views and materialized views whose query reads `relation`, directly or through other views (catalog and plan). */
function viewsBuiltOn(ctx: Ctx, relation: string): string[] {
  const out: string[] = [];
  const queue = [relation];
  while (queue.length) {
    const cur = queue.shift()!;
    const readers = new Set<string>();
    for (const [v, srcs] of ctx.maps?.viewSources ?? []) if (srcs.includes(cur) && !ctx.plan.viewSources.has(v)) readers.add(v);
    for (const [v, srcs] of ctx.plan.viewSources) if (srcs.includes(cur)) readers.add(v);
    for (const v of readers) {
      if (v === relation || out.includes(v)) continue;
      out.push(v);
      queue.push(v);
    }
  }
  return out;
}

/** How deep trigger bodies are followed (a trigger writing a table with triggers of its own…). */
const MAX_TRIGGER_DEPTH = 3;

/**
 * The locks the user triggers of a table take when a DML statement fires them: each trigger whose
 * events match, its plpgsql function's statements analysed as if they ran (their locks become the
 * statement's, role `trigger`). What decides whether they run — FOR EACH ROW with rows not known,
 * a WHEN condition or UPDATE OF columns, IF/loops in the body — is said as an unknown naming the
 * relations; a body that cannot be read (another language, dynamic SQL) is said as not modelled.
 */
function userTriggerLocks(b: Binder, ctx: Ctx, id: 'insert' | 'update' | 'delete' | 'merge' | 'truncate', table: string, display: string, rowsCertain: boolean, setColumns: string[] | null = null): void {
  const fromPlan = ctx.plan.triggers.filter((t) => t.table === table);
  type Trigger = { function: string; events?: TriggerEvent[]; forEachRow?: boolean; when?: boolean; columns?: string[]; language?: string; body?: string | null };
  const all: Trigger[] = [...(ctx.maps?.triggersOn.get(table) ?? []).filter((t) => !fromPlan.some((p) => p.function === t.function)), ...fromPlan];
  const notModelled: string[] = [];
  for (const t of all) {
    if (t.events && id !== 'merge' && !t.events.includes(id)) continue;
    if (t.events && id === 'merge' && !t.events.some((e) => e !== 'truncate')) continue;
    // UPDATE OF columns: an UPDATE fires it only when it sets one of them (whether the value changes or not)
    if (id === 'update' && t.columns?.length && setColumns && !setColumns.some((c) => t.columns!.includes(c))) continue;
    const byColumns = !!t.columns?.length && id === 'merge';
    const planBody = ctx.plan.functionBodies.get(t.function);
    const source = planBody ?? (t.body !== undefined ? { language: t.language ?? '', body: t.body } : null);
    const name = `${displayOf(t.function)}()`;
    if (!t.events || !source || source.language !== 'plpgsql' || !source.body || ctx.triggerDepth >= MAX_TRIGGER_DEPTH) {
      notModelled.push(name);
      continue;
    }
    const body = plpgsqlStatements(source.body, 'trigger');
    if (!body) {
      notModelled.push(name);
      continue;
    }
    const relations = new Set<string>();
    ctx.triggerDepth++;
    try {
      for (const inner of body.statements) {
        const r = analyzeStatement(inner, ctx);
        for (const l of r.locks) {
          if (!l.unresolved) relations.add(l.relation);
          b.lockResolved(l.relation, l.existing, l.mode, 'trigger', l.unresolved === true);
        }
        for (const u of r.unknowns ?? []) b.unknown(u.fact, `${name}: ${u.reason}`, r.certainty === 'exact');
      }
    } finally {
      ctx.triggerDepth--;
    }
    if (body.dynamic) b.unknown('locks', `the trigger function ${name} runs dynamic SQL (EXECUTE): those statements are not analysed — rehearse it`);
    const why = [
      t.forEachRow && !rowsCertain && id !== 'truncate' ? `it runs FOR EACH ROW, for the rows ${id === 'insert' ? 'inserted' : id === 'update' ? 'updated' : id === 'delete' ? 'deleted' : 'written'}, if any` : null,
      t.when ? 'a WHEN condition decides whether it fires' : null,
      byColumns ? `its UPDATE fires only when the MERGE sets ${t.columns!.join(', ')}` : null,
      body.conditional ? 'its statements sit under IF, loops or exception handlers' : null,
      id === 'merge' ? 'MERGE fires it only for the actions that run' : null,
    ].filter((x): x is string => x !== null);
    if (why.length && relations.size) b.unknown('locks', `the trigger ${name} on ${display} takes locks on ${[...relations].join(', ')} only when it runs: ${why.join('; ')}`, true);
  }
  if (notModelled.length) b.unknown('locks', `${display} has triggers (${notModelled.join(', ')}) that may run for the rows written: the locks their functions take are not modelled (not plpgsql, or unknown without a catalog)`, true);
}

/** Functions of the user triggers on a table (catalog and plan). */
function triggerFunctionsOn(ctx: Ctx, table: string): string[] {
  const out: string[] = [];
  for (const t of ctx.maps?.triggersOn.get(table) ?? []) if (!out.includes(t.function)) out.push(t.function);
  for (const t of ctx.plan.triggers) if (t.table === table && !out.includes(t.function)) out.push(t.function);
  return out;
}

/** CREATE … IF NOT EXISTS of a relation the catalog or the plan already has: a no-op. */
function relationExistsForIfNotExists(ctx: Ctx, key: string | null): boolean {
  if (!key) return false;
  return !!ctx.maps?.tables.has(key) || !!ctx.maps?.relations.has(key) || !!ctx.maps?.indexes.has(key) || ctx.plan.relations.has(key);
}

/** Does this catalog/plan know the table well enough to say it has no other foreign keys? */
function knowsTable(ctx: Ctx, table: string): boolean {
  return !!ctx.maps?.tables.has(table) || ctx.plan.relations.has(table) || ctx.created.has(table);
}

/** A column type a constrained domain could hide: decides a rewrite on ADD COLUMN. */
function domainVerdict(ctx: Ctx, type: TypeRef | null): 'constrained' | 'plain' | 'unknown' {
  if (!type) return 'plain';
  const name = canonicalTypeName(type.name);
  if (!type.schema && BUILTIN_TYPES.has(name)) return 'plain';
  const key = `${type.schema ?? 'public'}.${type.name}`;
  const planned = ctx.plan.types.get(key);
  if (planned) return planned === 'constrained_domain' ? 'constrained' : 'plain';
  if (ctx.maps?.has.domains) {
    const d = ctx.maps.domains.get(key);
    return d ? 'constrained' : 'plain';
  }
  return 'unknown';
}

/** Records what a column definition tells the plan: its type, and an inline REFERENCES. */
function recordColumn(ctx: Ctx, table: string, tableName: string, col: { colname?: string; typeName?: unknown; constraints?: { Constraint?: Record<string, unknown> }[] }): void {
  if (!col.colname) return;
  const type = typeRefOf(col.typeName);
  if (type) {
    const cols = ctx.plan.columns.get(table) ?? new Map<string, TypeRef>();
    cols.set(col.colname, { ...type, name: SERIAL_TYPES.has(type.name) ? (type.name.includes('big') || type.name === 'serial8' ? 'int8' : type.name.includes('small') || type.name === 'serial2' ? 'int2' : 'int4') : canonicalTypeName(type.name) });
    ctx.plan.columns.set(table, cols);
  }
  if (type && SERIAL_TYPES.has(type.name)) (ctx.plan.defaults ??= new Set()).add(`${table}.${col.colname}`);
  for (const c of col.constraints ?? []) {
    const con = c.Constraint ?? {};
    if (con.contype === 'CONSTR_PRIMARY') (ctx.plan.primaryKeys ??= new Map()).set(table, [col.colname]);
    if (con.contype === 'CONSTR_DEFAULT' || con.contype === 'CONSTR_GENERATED' || con.contype === 'CONSTR_IDENTITY') (ctx.plan.defaults ??= new Set()).add(`${table}.${col.colname}`);
    if (con.contype === 'CONSTR_FOREIGN' && con.pktable && con.is_enforced !== false) {
      const ref = keyOfRange(con.pktable as RangeVarLike);
      if (ref) ctx.plan.foreignKeys.push({ name: typeof con.conname === 'string' ? con.conname : defaultConstraintName(tableName, [col.colname], 'fkey'), table, columns: [col.colname], references: ref, ...referencedColumnsOf(ctx, ref, con), ...fkActions(con, (col.constraints ?? []).map((x) => x.Constraint ?? {})) });
    }
  }
}

/** ON DELETE / ON UPDATE actions and INITIALLY DEFERRED of a parsed FOREIGN KEY constraint. */
function fkActions(con: Record<string, unknown>, siblings: Record<string, unknown>[] = []): Pick<PlanForeignKey, 'onDelete' | 'onUpdate' | 'deferred'> {
  // on a column, INITIALLY DEFERRED is a constraint node of its own after the REFERENCES
  const deferred = con.initdeferred === true || siblings.some((c) => c.contype === 'CONSTR_ATTR_DEFERRED');
  return { onDelete: typeof con.fk_del_action === 'string' ? con.fk_del_action : 'a', onUpdate: typeof con.fk_upd_action === 'string' ? con.fk_upd_action : 'a', deferred };
}

/** The columns a foreign key points at: written, else the primary key the plan created for the referenced table (else unknown). */
function referencedColumnsOf(ctx: Ctx, ref: string, con: Record<string, unknown>): { referencedColumns?: string[] } {
  const written = namesOf(con.pk_attrs);
  if (written.length) return { referencedColumns: written };
  const planned = ctx.plan.primaryKeys?.get(ref);
  return planned ? { referencedColumns: planned } : {};
}

function recordTableConstraint(ctx: Ctx, table: string, tableName: string, con: Record<string, unknown>): void {
  if (con.contype === 'CONSTR_PRIMARY') {
    const keys = namesOf(con.keys);
    if (keys.length) (ctx.plan.primaryKeys ??= new Map()).set(table, keys);
    return;
  }
  if (con.contype !== 'CONSTR_FOREIGN' || !con.pktable) return;
  const ref = keyOfRange(con.pktable as RangeVarLike);
  const cols = namesOf(con.fk_attrs);
  if (ref && con.is_enforced !== false) ctx.plan.foreignKeys.push({ name: typeof con.conname === 'string' ? con.conname : defaultConstraintName(tableName, cols, 'fkey'), table, columns: cols, references: ref, ...referencedColumnsOf(ctx, ref, con), ...fkActions(con) });
}

/** ALTER TABLE on a partitioned table reaches every partition with the same lock (unless ONLY). */
const RECURSING = new Set([
  'AT_AddColumn', 'AT_DropColumn', 'AT_AlterColumnType', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_AddConstraint', 'AT_DropConstraint',
  'AT_ValidateConstraint', 'AT_SetStatistics', 'AT_SetStorage', 'AT_SetCompression', 'AT_SetOptions', 'AT_ResetOptions',
]);

function analyzeAddColumn(b: Binder, ctx: Ctx, target: RangeVarLike, tkey: string | null, table: CatalogTable | null, cmd: Cmd): string {
  const col = (cmd.def?.ColumnDef ?? {}) as { colname?: string; typeName?: unknown; constraints?: { Constraint?: Record<string, unknown> }[] };
  const cons = (col.constraints ?? []).map((c) => c.Constraint ?? {});
  const type = typeRefOf(col.typeName);
  const def = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
  const gen = cons.find((c) => c.contype === 'CONSTR_GENERATED');
  const fk = cons.find((c) => c.contype === 'CONSTR_FOREIGN');
  const check = cons.find((c) => c.contype === 'CONSTR_CHECK');
  const unique = cons.find((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
  const applied: string[] = [];
  const use = (id: string, extra?: Parameters<Binder['apply']>[2]) => {
    b.apply(id, target, extra);
    applied.push(id);
  };
  let rewrite = false;
  if (cons.some((c) => c.contype === 'CONSTR_IDENTITY')) {
    use('alter_table.add_column.identity');
    rewrite = true;
  } else if (gen) {
    const virtual = gen.generated_kind === 'v' || (gen.generated_kind !== 's' && ctx.major >= 18);
    use(virtual ? 'alter_table.add_column.virtual_generated' : 'alter_table.add_column.stored_generated');
    rewrite = !virtual;
  } else if (type && SERIAL_TYPES.has(type.name)) {
    use('alter_table.add_column.serial');
    rewrite = true;
  } else if (def) {
    const v = defaultVolatility(def.raw_expr, ctx.maps, ctx.plan);
    if (v.verdict === 'volatile') {
      use('alter_table.add_column.default_volatile');
      if (v.why) b.notes.push(v.why);
      rewrite = true;
    } else {
      use('alter_table.add_column.default_constant');
      if (v.verdict === 'unknown') b.unknown('rewrite', `${v.why ?? 'the DEFAULT calls a function of unknown volatility'}: a VOLATILE default rewrites the table`);
    }
  }
  if (!rewrite) {
    const domain = domainVerdict(ctx, type);
    if (domain === 'constrained') {
      use('alter_table.add_column.constrained_domain');
      rewrite = true;
    } else if (domain === 'unknown' && type) {
      b.unknown('rewrite', `${type.schema ? `${type.schema}.` : ''}${type.name} is not a built-in type: if it is a domain with constraints, the table is rewritten (unknown without a catalog)`);
    }
  }
  if (fk) {
    // an all-NULL new column skips the validation scan; a non-NULL DEFAULT validates every row
    use(def && !rewrite ? 'alter_table.add_column.references_default' : 'alter_table.add_column.references', { referenced: [fk.pktable as RangeVarLike] });
  }
  if (check) use('alter_table.add_column.check');
  if (unique) use('alter_table.add_column.unique');
  if (cons.some((c) => c.contype === 'CONSTR_NOTNULL') && !def && !rewrite && !cons.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) use('alter_table.add_column.not_null_no_default');
  if (applied.length === 0) use('alter_table.add_column');
  // ADD COLUMN IF NOT EXISTS adds nothing when the column exists, and its type there may be another:
  // the plan learns the type only when the catalog shows the column does not exist yet (offline a
  // later ALTER COLUMN TYPE then says unknown; with the column in the catalog, the catalog's type counts)
  const surelyAdded = !cmd.missing_ok || (!!ctx.maps && !table?.columns.some((c) => c.name === col.colname));
  if (tkey && surelyAdded) recordColumn(ctx, tkey, target.relname ?? '', col);
  else if (tkey && col.colname) (ctx.plan.uncertainColumns ??= new Set()).add(`${tkey}.${col.colname}`);
  // the most telling rule decides the sub-command (rewrite > index build > scan > catalog)
  return applied.reduce((best, id) => (OPERATION_WEIGHT[lockRule(id).operation] > OPERATION_WEIGHT[lockRule(best).operation] ? id : best), applied[0]!);
}

function analyzeAlterTableCmd(b: Binder, ctx: Ctx, target: RangeVarLike, cmd: Cmd): string {
  const tkey = keyOfRange(target);
  const table = tkey ? (ctx.maps?.tables.get(tkey) ?? null) : null;
  switch (cmd.subtype) {
    case 'AT_AddColumn':
    case 'AT_AddColumnToView':
      return analyzeAddColumn(b, ctx, target, tkey, table, cmd);
    case 'AT_ColumnDefault':
    case 'AT_CookedColumnDefault':
      b.apply('alter_table.column_default', target);
      return 'alter_table.column_default';
    case 'AT_AlterColumnType': {
      const def = (cmd.def?.ColumnDef ?? {}) as { typeName?: unknown; raw_default?: unknown };
      const to = typeRefOf(def.typeName);
      const from = tkey && cmd.name ? columnType(ctx, tkey, cmd.name) : null;
      let id = 'alter_table.alter_type.rewrite';
      if (from && to && !def.raw_default) {
        const v = typeChangeVerdict(from, to, ctx.major, ctx.timeZone);
        if (v.coercible === true) id = 'alter_table.alter_type.coercible';
        if (v.coercible === 'unknown') b.unknown('rewrite', v.note ?? 'whether this type change rewrites the table is unknown without a catalog');
        else if (v.note && v.note !== 'same type') b.notes.push(v.note);
        if (v.coercible === true && to) recordColumn(ctx, tkey!, target.relname ?? '', { colname: cmd.name, typeName: def.typeName });
      } else if (!def.raw_default && (b.resolve(target)?.existing || (tkey && cmd.name && ctx.plan.uncertainColumns?.has(`${tkey}.${cmd.name}`)))) {
        b.unknown('rewrite', `the current type of ${cmd.name ?? 'the column'} is unknown without a catalog: a rewrite is assumed (varchar widening, varchar→text, numeric precision increases and, under TimeZone UTC, timestamp↔timestamptz do not rewrite)`);
      }
      b.apply(id, target);
      if (id === 'alter_table.alter_type.rewrite' && tkey && cmd.name) recordColumn(ctx, tkey, target.relname ?? '', { colname: cmd.name, typeName: def.typeName });
      // a foreign key on either side of the column is re-checked: the other table is locked too
      if (tkey && cmd.name) {
        for (const fk of foreignKeysOf(ctx, tkey)) if (fk.columns.includes(cmd.name)) b.lock(fk.references, 'AccessExclusiveLock', 'referenced');
        for (const fk of foreignKeysReferencing(ctx, tkey)) if (!fk.referencedColumns || fk.referencedColumns.includes(cmd.name)) b.lock(fk.table, 'AccessExclusiveLock', 'referenced');
        if (!knowsTable(ctx, tkey)) b.unknown('locks', `if ${cmd.name} is part of a foreign key, the other table is locked ACCESS EXCLUSIVE too (unknown without a catalog)`);
      }
      return id;
    }
    case 'AT_SetNotNull': {
      const proven = table?.checks.some((c) => c.validated && normaliseCheck(c.def) === `${cmd.name ?? ''} is not null`) || (!!tkey && ctx.plan.proven.has(`${tkey}.${cmd.name ?? ''}`));
      const id = proven && ctx.major >= 12 ? 'alter_table.set_not_null.proven' : 'alter_table.set_not_null';
      b.apply(id, target);
      return id;
    }
    case 'AT_DropNotNull':
      b.apply('alter_table.drop_not_null', target);
      return 'alter_table.drop_not_null';
    case 'AT_DropColumn': {
      b.apply('alter_table.drop_column', target);
      if (tkey && cmd.name) {
        const cascade = cmd.behavior === 'DROP_CASCADE';
        // dropping a foreign-key column drops the key, and with it its triggers on the referenced table
        for (const fk of foreignKeysOf(ctx, tkey)) {
          if (!fk.columns.includes(cmd.name)) continue;
          b.lock(fk.references, 'AccessExclusiveLock', 'referenced');
          ctx.droppedFks.add(`${tkey}.${fk.name}`);
        }
        if (cascade) {
          for (const fk of foreignKeysReferencing(ctx, tkey)) if (!fk.referencedColumns || fk.referencedColumns.includes(cmd.name)) b.lock(fk.table, 'AccessExclusiveLock', 'dependent');
          // the views reading this column are dropped with it
          const views = ctx.maps?.has.viewColumns ? (ctx.maps.viewsOfColumn.get(`${tkey}.${cmd.name}`) ?? []) : (table?.dependentViews ?? []);
          for (const v of views) b.lock(v, 'AccessExclusiveLock', 'dependent');
          // and the views built on those
          for (const v of views) for (const w of viewsBuiltOn(ctx, v)) b.lock(w, 'AccessExclusiveLock', 'dependent');
        }
        if (!knowsTable(ctx, tkey)) b.unknown('locks', `if ${cmd.name} is part of a foreign key, the referenced table is locked ACCESS EXCLUSIVE too (unknown without a catalog)`);
      }
      return 'alter_table.drop_column';
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
      b.apply('alter_table.set_statistics', target);
      return 'alter_table.set_statistics';
    case 'AT_SetStorage':
    case 'AT_SetCompression':
      b.apply('alter_table.set_storage', target);
      return 'alter_table.set_storage';
    case 'AT_DropExpression':
      b.apply('alter_table.drop_expression', target);
      return 'alter_table.drop_expression';
    case 'AT_SetExpression':
      b.apply('alter_table.set_expression', target);
      return 'alter_table.set_expression';
    case 'AT_AddIdentity':
    case 'AT_SetIdentity':
    case 'AT_DropIdentity': {
      b.apply('alter_table.identity', target);
      // the identity's sequence (named <table>_<column>_seq unless that name was taken): SET
      // changes it, DROP drops it
      if (cmd.subtype !== 'AT_AddIdentity' && target.relname && cmd.name) {
        const seq = `${target.schemaname ?? 'public'}.${defaultConstraintName(target.relname, [cmd.name], 'seq')}`;
        if (!ctx.maps?.has.relations || ctx.maps.relations.has(seq)) b.lock(seq, cmd.subtype === 'AT_DropIdentity' ? 'AccessExclusiveLock' : 'ShareRowExclusiveLock', 'dependent');
        else b.unknown('locks', `the identity sequence of ${cmd.name} is locked too (its name is not ${displayOf(seq)})`);
      }
      return 'alter_table.identity';
    }
    case 'AT_AddConstraint': {
      const c = (cmd.def?.Constraint ?? {}) as Record<string, unknown>;
      const notValid = c.skip_validation === true;
      switch (c.contype) {
        case 'CONSTR_CHECK': {
          const id = notValid ? 'alter_table.add_check.not_valid' : 'alter_table.add_check';
          b.apply(id, target);
          if (tkey) {
            for (const col of notNullColumns(c.raw_expr)) {
              if (!notValid) ctx.plan.proven.add(`${tkey}.${col}`);
              else if (typeof c.conname === 'string') ctx.plan.pending.set(`${tkey}.${c.conname}`, `${tkey}.${col}`);
            }
          }
          return id;
        }
        case 'CONSTR_FOREIGN': {
          const id = notValid ? 'alter_table.add_fk.not_valid' : 'alter_table.add_fk';
          b.apply(id, target, { referenced: [c.pktable as RangeVarLike] });
          if (tkey) recordTableConstraint(ctx, tkey, target.relname ?? '', c);
          return id;
        }
        case 'CONSTR_UNIQUE':
        case 'CONSTR_PRIMARY':
          if (c.indexname) {
            b.apply('alter_table.add_constraint_using_index', target);
            if (c.contype === 'CONSTR_PRIMARY') b.notes.push('PRIMARY KEY USING INDEX sets NOT NULL on the key columns, which scans the table if they are nullable');
            return 'alter_table.add_constraint_using_index';
          }
          b.apply('alter_table.add_unique', target);
          return 'alter_table.add_unique';
        case 'CONSTR_EXCLUSION':
          b.apply('alter_table.add_exclude', target);
          return 'alter_table.add_exclude';
        case 'CONSTR_NOTNULL': {
          const id = notValid ? 'alter_table.add_not_null_not_valid' : 'alter_table.set_not_null';
          b.apply(id, target);
          return id;
        }
        default:
          b.apply('alter_table.other', target);
          return 'alter_table.other';
      }
    }
    case 'AT_AlterConstraint':
      b.apply('alter_table.alter_constraint', target);
      return 'alter_table.alter_constraint';
    case 'AT_ValidateConstraint': {
      const pendingCheck = tkey ? ctx.plan.pending.get(`${tkey}.${cmd.name ?? ''}`) : undefined;
      if (pendingCheck) ctx.plan.proven.add(pendingCheck);
      const fk = tkey ? foreignKeysOf(ctx, tkey).find((f) => f.name === cmd.name) : undefined;
      if (fk) {
        b.apply('alter_table.validate_constraint.fk', target, { referenced: [fk.references] });
        return 'alter_table.validate_constraint.fk';
      }
      b.apply('alter_table.validate_constraint', target);
      if (!pendingCheck && tkey && !knowsTable(ctx, tkey)) b.unknown('locks', 'if this is a foreign key, the referenced table also gets RowShareLock (unknown without a catalog)');
      return 'alter_table.validate_constraint';
    }
    case 'AT_DropConstraint': {
      const fk = tkey ? foreignKeysOf(ctx, tkey).find((f) => f.name === cmd.name) : undefined;
      if (fk) {
        b.apply('alter_table.drop_constraint.fk', target, { referenced: [fk.references] });
        // later statements no longer see it (the catalog snapshot still lists it)
        ctx.plan.foreignKeys = ctx.plan.foreignKeys.filter((f) => !(f.table === tkey && f.name === fk.name));
        ctx.droppedFks.add(`${tkey}.${fk.name}`);
        return 'alter_table.drop_constraint.fk';
      }
      b.apply('alter_table.drop_constraint', target);
      if (tkey && cmd.behavior === 'DROP_CASCADE') for (const r of foreignKeysReferencing(ctx, tkey)) b.lock(r.table, 'AccessExclusiveLock', 'dependent');
      if (tkey && !knowsTable(ctx, tkey)) b.unknown('locks', 'if this is a foreign key, the referenced table is also locked ACCESS EXCLUSIVE (unknown without a catalog)');
      return 'alter_table.drop_constraint';
    }
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ReplaceRelOptions':
      b.apply('alter_table.set_reloptions', target);
      return 'alter_table.set_reloptions';
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
      b.apply('alter_table.cluster_on', target);
      return 'alter_table.cluster_on';
    case 'AT_SetTableSpace':
      b.apply('alter_table.set_tablespace', target);
      return 'alter_table.set_tablespace';
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      b.apply('alter_table.set_logged', target);
      return 'alter_table.set_logged';
    case 'AT_SetAccessMethod':
      b.apply('alter_table.set_access_method', target);
      return 'alter_table.set_access_method';
    case 'AT_AttachPartition': {
      const pc = (cmd.def?.PartitionCmd ?? {}) as { name?: RangeVarLike; bound?: unknown };
      b.apply('alter_table.attach_partition', target, { partitions: pc.name ? [pc.name] : [] });
      const pkey = keyOfRange(pc.name ?? null);
      if (tkey && pkey) ctx.plan.partitions.set(tkey, [...(ctx.plan.partitions.get(tkey) ?? []).filter((x) => x !== pkey), pkey]);
      const bound = boundFromSpec(pc.bound);
      if (pkey && bound) (ctx.plan.partitionBounds ??= new Map()).set(pkey, bound);
      // the duration is the scan of the partition being attached, not of the (empty) parent
      const part = b.resolve(pc.name);
      const parentDisplay = b.resolve(target)?.display;
      b.tables.splice(0, b.tables.length, ...b.tables.filter((x) => x !== parentDisplay), ...(part ? [part.display] : []));
      return 'alter_table.attach_partition';
    }
    case 'AT_DetachPartition':
    case 'AT_DetachPartitionFinalize': {
      const pc = (cmd.def?.PartitionCmd ?? {}) as { name?: RangeVarLike; concurrent?: boolean };
      const conc = pc.concurrent === true || cmd.subtype === 'AT_DetachPartitionFinalize';
      const id = conc ? 'alter_table.detach_partition_concurrently' : 'alter_table.detach_partition';
      b.apply(id, target, { partitions: pc.name ? [pc.name] : [] });
      const pkey = keyOfRange(pc.name ?? null);
      if (tkey && pkey && ctx.plan.partitions.has(tkey)) ctx.plan.partitions.set(tkey, ctx.plan.partitions.get(tkey)!.filter((x) => x !== pkey));
      if (pkey && !conc) ctx.plan.partitionBounds?.delete(pkey);
      return id;
    }
    case 'AT_AddInherit':
    case 'AT_DropInherit': {
      const parent = cmd.def?.RangeVar as RangeVarLike | undefined;
      const id = cmd.subtype === 'AT_AddInherit' ? 'alter_table.inherit' : 'alter_table.no_inherit';
      b.apply(id, target, { parent: parent ?? null });
      return id;
    }
    case 'AT_ChangeOwner':
      b.apply('alter_table.owner', target);
      return 'alter_table.owner';
    case 'AT_EnableRowSecurity':
    case 'AT_DisableRowSecurity':
    case 'AT_ForceRowSecurity':
    case 'AT_NoForceRowSecurity':
      b.apply('alter_table.row_security', target);
      return 'alter_table.row_security';
    case 'AT_ReplicaIdentity':
      b.apply('alter_table.replica_identity', target);
      return 'alter_table.replica_identity';
    case 'AT_EnableRule':
    case 'AT_EnableAlwaysRule':
    case 'AT_EnableReplicaRule':
    case 'AT_DisableRule':
      b.apply('alter_table.rule_toggle', target);
      return 'alter_table.rule_toggle';
    case 'AT_AddOf':
    case 'AT_DropOf':
      b.apply('alter_table.of_type', target);
      return 'alter_table.of_type';
    default:
      if (cmd.subtype && /^AT_(Enable|Disable)(Always|Replica)?Trig/.test(cmd.subtype)) {
        b.apply('alter_table.trigger_toggle', target);
        return 'alter_table.trigger_toggle';
      }
      b.apply('alter_table.other', target);
      b.notes.push(`${cmd.subtype ?? 'this sub-command'} is not in the lock table`);
      return 'alter_table.other';
  }
}

const NO_LOCK_NODES = new Set([
  'CompositeTypeStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CreateSeqStmt', 'CreateSchemaStmt', 'CreateExtensionStmt', 'AlterExtensionStmt',
  'CreateDomainStmt', 'VariableShowStmt', 'TransactionStmt', 'GrantRoleStmt', 'AlterOwnerStmt', 'AlterFunctionStmt', 'DefineStmt', 'CreateRoleStmt',
  'AlterRoleStmt', 'DropRoleStmt', 'AlterDefaultPrivilegesStmt', 'CreateCastStmt', 'CreateOpClassStmt', 'CreateConversionStmt', 'DiscardStmt',
  'CheckPointStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterDatabaseStmt', 'AlterDatabaseSetStmt', 'AlterSystemStmt',
  'CreateTableSpaceStmt', 'DropTableSpaceStmt', 'AlterRoleSetStmt', 'CreateFdwStmt', 'CreateForeignServerStmt', 'CreateUserMappingStmt', 'AlterTSConfigurationStmt',
  'AlterTSDictionaryStmt', 'CreateOpFamilyStmt', 'AlterOpFamilyStmt', 'CreateAmStmt', 'CreateTransformStmt', 'CreateEventTrigStmt', 'AlterEventTrigStmt',
  'CreatePLangStmt', 'AlterCollationStmt', 'CreateConversionStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'AlterTypeStmt', 'AlterOperatorStmt',
  'ExplainStmt', 'DeallocateStmt', 'PrepareStmt', 'AlterStatsStmt',
]);

/** The relations a DROP … CASCADE of a function, schema or type removes or changes, from the catalog and the plan. */
function cascadeTargets(ctx: Ctx, removeType: string, names: string[]): { tables: string[]; resolved: boolean } {
  const out = new Set<string>();
  const maps = ctx.maps;
  if (removeType === 'OBJECT_FUNCTION' || removeType === 'OBJECT_PROCEDURE') {
    const key = keyOfParts(names)!;
    for (const t of maps?.triggerTables.get(key) ?? []) out.add(t);
    for (const t of ctx.plan.triggers) if (t.function === key) out.add(t.table);
    return { tables: [...out], resolved: !!maps?.has.triggers };
  }
  if (removeType === 'OBJECT_SCHEMA') {
    const schema = names[names.length - 1]!;
    for (const r of maps?.bySchema.get(schema) ?? []) out.add(r);
    for (const r of ctx.plan.relations.keys()) if (r.startsWith(`${schema}.`) && ctx.plan.relations.get(r) !== 'i') out.add(r);
    // tables elsewhere whose triggers call a function of the schema, or linked by a foreign key
    for (const [fn, tables] of maps?.triggerTables ?? []) if (fn.startsWith(`${schema}.`)) for (const t of tables) out.add(t);
    for (const t of ctx.plan.triggers) if (t.function.startsWith(`${schema}.`)) out.add(t.table);
    for (const fk of maps ? [...maps.fksByTable.values()].flat() : []) {
      if (fk.table.startsWith(`${schema}.`) && !fk.references.startsWith(`${schema}.`)) out.add(fk.references);
      if (fk.references.startsWith(`${schema}.`) && !fk.table.startsWith(`${schema}.`)) out.add(fk.table);
    }
    return { tables: [...out], resolved: !!maps?.has.triggers && !!maps.has.relations };
  }
  if (removeType === 'OBJECT_TYPE' || removeType === 'OBJECT_DOMAIN') {
    const key = keyOfParts(names)!;
    const name = key.slice(key.indexOf('.') + 1);
    for (const t of maps?.tables.values() ?? []) {
      if (t.columns.some((c) => { const ft = parseFormatType(c.type); return ft.name === name && (ft.schema ?? 'public') === key.slice(0, key.indexOf('.')); })) out.add(`${t.schema}.${t.name}`);
    }
    for (const [table, cols] of ctx.plan.columns) for (const c of cols.values()) if (c.name === name && (c.schema ?? 'public') === key.slice(0, key.indexOf('.'))) out.add(table);
    return { tables: [...out], resolved: !!maps };
  }
  return { tables: [], resolved: true };
}

function analyzeDrop(b: Binder, ctx: Ctx, n: Record<string, unknown>): void {
  const objects = ((n.objects as unknown[] | undefined) ?? []).map((o) => {
    const list = (o as { List?: { items?: unknown } }).List?.items;
    if (list) return namesOf(list);
    const s = (o as { String?: { sval?: string } }).String?.sval;
    if (s) return [s];
    const tn = (o as { TypeName?: unknown }).TypeName;
    if (tn) return namesOf((tn as { names?: unknown }).names);
    const fn = (o as { ObjectWithArgs?: { objname?: unknown } }).ObjectWithArgs;
    if (fn) return namesOf(fn.objname);
    return [];
  });
  const cascade = n.behavior === 'DROP_CASCADE';
  const removeType = String(n.removeType);
  switch (removeType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      for (const names of objects) {
        const r = b.resolve(names.join('.'));
        const linked = r ? foreignKeysOf(ctx, r.key).map((f) => f.references) : [];
        if (cascade && r) {
          linked.push(...foreignKeysReferencing(ctx, r.key).map((f) => f.table));
          for (const v of r.table?.dependentViews ?? []) b.lock(v, 'AccessExclusiveLock', 'dependent');
          for (const v of viewsBuiltOn(ctx, r.key)) b.lock(v, 'AccessExclusiveLock', 'dependent');
        }
        b.apply('drop_table', names.join('.'), { referenced: linked.filter((x) => x !== r?.key) });
        if (r?.existing) b.tables.push(r.display);
        if (r && !knowsTable(ctx, r.key)) b.unknown('locks', `tables linked to ${r.display} by a foreign key are locked ACCESS EXCLUSIVE too (unknown without a catalog)`);
      }
      return;
    case 'OBJECT_INDEX':
      for (const names of objects) {
        const r = b.resolve(names.join('.'));
        const parent = r?.index?.table ?? (r ? ctx.plan.indexTables.get(r.key) : undefined) ?? null;
        const id = n.concurrent === true ? 'drop_index.concurrently' : 'drop_index';
        const rule = b.apply(id, names.join('.'), { parent });
        if (!parent && r?.existing) b.lockUnresolved(`(table of index ${r.display})`, rule.parent!, 'parent', `the table of index ${r.display} is locked ${rule.parent} too (unknown without a catalog)`);
      }
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      for (const names of objects) {
        b.apply('drop_view', names.join('.'));
        // CASCADE drops the views and materialized views built on it (and on those), each ACCESS EXCLUSIVE
        const key = keyOfParts(names);
        if (cascade && key) {
          for (const v of viewsBuiltOn(ctx, key)) b.lock(v, 'AccessExclusiveLock', 'dependent');
          if (!ctx.maps?.viewSources.size && !ctx.maps?.has.viewColumns && ![...ctx.plan.viewSources.values()].some((srcs) => srcs.includes(key))) b.unknown('locks', `CASCADE also drops the views built on ${displayOf(key)}: they are locked ACCESS EXCLUSIVE (unknown without a catalog)`);
        }
      }
      if (cascade) b.notes.push('CASCADE also drops the views that depend on it');
      return;
    case 'OBJECT_SEQUENCE':
      for (const names of objects) b.apply('drop_sequence', names.join('.'));
      return;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      for (const names of objects) b.apply(removeType === 'OBJECT_TRIGGER' ? 'drop_trigger' : removeType === 'OBJECT_POLICY' ? 'drop_policy' : 'drop_rule', names.slice(0, -1).join('.'));
      return;
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_SCHEMA':
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      if (!cascade) {
        b.apply('no_table_lock', null);
        return;
      }
      b.apply('drop_cascade', null);
      for (const names of objects) {
        if (names.length === 0) continue;
        const { tables, resolved } = cascadeTargets(ctx, removeType, names);
        for (const t of tables) b.lock(t, 'AccessExclusiveLock', 'dependent');
        const what = removeType === 'OBJECT_SCHEMA' ? `every relation of schema ${names.join('.')}, and tables whose triggers call its functions` : removeType === 'OBJECT_TYPE' || removeType === 'OBJECT_DOMAIN' ? `tables with a column of type ${names.join('.')}` : `tables whose triggers call ${names.join('.')}()`;
        if (!resolved) b.lockUnresolved(`(${what})`, 'AccessExclusiveLock', 'dependent', `CASCADE locks ${what} ACCESS EXCLUSIVE (unknown without a catalog)`);
      }
      return;
    }
    case 'OBJECT_STATISTIC_EXT':
      // the table of an extended statistics object: from the catalog (pg_statistic_ext) or the plan; else named, never silently missed
      for (const names of objects) {
        const key = keyOfParts(names);
        const table = key ? (ctx.plan.statistics?.get(key) ?? ctx.maps?.statistics.get(key) ?? null) : null;
        if (table) {
          b.apply('drop_statistics', table);
          if (key) ctx.plan.statistics?.delete(key);
        } else if (ctx.maps?.has.statistics && !n.missing_ok) {
          // the catalog lists every statistics object: this one does not exist (the statement fails)
          b.apply('no_table_lock', null);
          b.notes.push(`statistics ${names.join('.')} is not in the catalog snapshot`);
        } else if (ctx.maps?.has.statistics) b.apply('no_table_lock', null);
        else {
          b.apply('no_table_lock', null);
          b.lockUnresolved(`(table of statistics ${names.join('.')})`, 'ShareUpdateExclusiveLock', 'target', `the table of statistics ${names.join('.')} is locked SHARE UPDATE EXCLUSIVE (unknown without a catalog)`);
        }
      }
      return;
    case 'OBJECT_EXTENSION':
      b.apply('no_table_lock', null);
      if (cascade) b.unknown('locks', 'DROP EXTENSION … CASCADE drops every object that uses the extension: locks on their tables are not modelled');
      return;
    default:
      b.apply('no_table_lock', null);
      if (cascade) b.unknown('locks', 'CASCADE may drop dependent tables, views or columns: locks on them are not modelled');
  }
}

/**
 * The SQL statements a PL/pgSQL body runs (a DO block, a trigger function), read with libpg-query's
 * PL/pgSQL parser: whether some sit under a condition, loop or exception handler, and whether it
 * runs dynamic SQL. Null when the body cannot be read.
 */
/** PL/pgSQL statements whose children run only when a condition holds (or as many times as a loop says). */
const PLPGSQL_BRANCHES = new Set(['PLpgSQL_stmt_if', 'PLpgSQL_stmt_case', 'PLpgSQL_stmt_loop', 'PLpgSQL_stmt_while', 'PLpgSQL_stmt_fori', 'PLpgSQL_stmt_fors', 'PLpgSQL_stmt_foreach_a']);

function plpgsqlStatements(body: string, returns: 'void' | 'trigger'): { statements: ParsedStatement[]; conditional: boolean; dynamic: boolean; conditionalAt: boolean[] } | null {
  const tree = parsePlpgsqlBody(body, returns);
  if (!tree) return null;
  const statements: ParsedStatement[] = [];
  /** per statement: whether it sits under IF/CASE/a loop or in an exception handler */
  const conditionalAt: boolean[] = [];
  let conditional = false;
  let dynamic = false;
  let unreadable = false;
  // one walk: the static SQL statements in body order, each with whether a branch or a handler
  // decides it; and whether the body has any branch, EXIT or handler, or runs dynamic SQL
  const visit = (node: unknown, underBranch: boolean): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, underBranch);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const k in node as Record<string, unknown>) {
      const v = (node as Record<string, unknown>)[k];
      if (!v || typeof v !== 'object') continue;
      if (k === 'PLpgSQL_stmt_dynexecute' || k === 'PLpgSQL_stmt_dynfors' || k === 'PLpgSQL_stmt_open') dynamic = true;
      if (PLPGSQL_BRANCHES.has(k) || k === 'PLpgSQL_stmt_exit' || (k === 'PLpgSQL_stmt_block' && (v as { exceptions?: unknown }).exceptions)) conditional = true;
      if (k === 'PLpgSQL_stmt_execsql') {
        const query = ((v as { sqlstmt?: { PLpgSQL_expr?: { query?: string } } }).sqlstmt)?.PLpgSQL_expr?.query;
        const parsed = query ? parseSql(query).statements : [];
        if (parsed.length === 1) {
          statements.push(parsed[0]!);
          conditionalAt.push(underBranch);
        } else unreadable = true;
      }
      visit(v, underBranch || PLPGSQL_BRANCHES.has(k) || k === 'exceptions');
    }
  };
  visit(tree, false);
  return unreadable ? null : { statements, conditional, dynamic, conditionalAt };
}

/**
 * The statements of a DO block (LANGUAGE plpgsql, the default): each static SQL statement of its
 * body, parsed by the real parser; whether any sits under IF/loops/exception handlers; whether it
 * runs dynamic SQL. Null for another language or a body that cannot be read.
 */
export function doBlockStatements(n: Record<string, unknown>): DoBlockStatements | null {
  // lint and the locks service both read the same DO node: its body is parsed once
  if (doBlockCache.has(n)) return doBlockCache.get(n)!;
  const r = readDoBlock(n);
  doBlockCache.set(n, r);
  return r;
}
type DoBlockStatements = { statements: ParsedStatement[]; conditional: boolean; dynamic: boolean; conditionalAt: boolean[] };
const doBlockCache = new WeakMap<Record<string, unknown>, DoBlockStatements | null>();

function readDoBlock(n: Record<string, unknown>): DoBlockStatements | null {
  const opts = (n.args as { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }[] | undefined) ?? [];
  const lang = opts.find((o) => o.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval?.toLowerCase() ?? 'plpgsql';
  const body = opts.find((o) => o.DefElem?.defname === 'as')?.DefElem?.arg?.String?.sval;
  if (lang !== 'plpgsql' || !body) return null;
  return plpgsqlStatements(body, 'void');
}

/** CREATE FUNCTION's LANGUAGE clause (null when absent) and its string body (`AS '…'`, the first item). */
function functionBodyOf(n: Record<string, unknown>): { language: string | null; body: string | null } {
  const opts = (n.options as { DefElem?: { defname?: string; arg?: unknown } }[] | undefined) ?? [];
  const lang = (opts.find((o) => o.DefElem?.defname === 'language')?.DefElem?.arg as { String?: { sval?: string } } | undefined)?.String?.sval?.toLowerCase() ?? null;
  const as = opts.find((o) => o.DefElem?.defname === 'as')?.DefElem?.arg as { List?: { items?: { String?: { sval?: string } }[] } } | undefined;
  return { language: lang, body: as?.List?.items?.[0]?.String?.sval ?? null };
}

/** Tables a LANGUAGE sql function body reads (string body or BEGIN ATOMIC), by the real parser. */
function sqlBodyTables(n: Record<string, unknown>): RangeVarLike[] {
  const { language, body } = functionBodyOf(n);
  if (language !== 'sql') return [];
  if (n.sql_body) return rangeVars(n.sql_body);
  if (!body) return [];
  try {
    return parseSql(body).statements.flatMap((s) => rangeVars(s.node));
  } catch {
    return [];
  }
}

function functionVolatilityOf(n: Record<string, unknown>): 'i' | 's' | 'v' {
  for (const o of (n.options as { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }[] | undefined) ?? []) {
    if (o.DefElem?.defname === 'volatility') {
      const v = o.DefElem.arg?.String?.sval;
      return v === 'immutable' ? 'i' : v === 'stable' ? 's' : 'v';
    }
  }
  return 'v';
}

function analyzeStatement(stmt: ParsedStatement, ctx: Ctx): StatementLocks {
  const b = new Binder(ctx);
  const n = stmt.node;
  switch (stmt.nodeType) {
    case 'CreateStmt': {
      const rel = n.relation as RangeVarLike;
      if (relationExistsForIfNotExists(ctx, n.if_not_exists === true ? keyOfRange(rel) : null)) {
        // PostgreSQL checks the name first and skips: nothing is locked, not even a referenced table
        b.apply('no_table_lock', null);
        b.notes.push(`${displayOf(keyOfRange(rel)!)} already exists: IF NOT EXISTS makes this a no-op`);
        break;
      }
      const inh = (n.inhRelations as { RangeVar?: RangeVarLike }[] | undefined) ?? [];
      const refs: RangeVarLike[] = [];
      const likes: RangeVarLike[] = [];
      walk({ root: n.tableElts }, (type, body) => {
        if (type === 'Constraint' && body.contype === 'CONSTR_FOREIGN' && body.pktable) refs.push(body.pktable as RangeVarLike);
        if (type === 'TableLikeClause' && body.relation) likes.push(body.relation as RangeVarLike);
      });
      if (n.partbound && inh[0]?.RangeVar) {
        b.apply('create_table.partition_of', null, { parent: inh[0].RangeVar });
        const parent = keyOfRange(inh[0].RangeVar);
        const k = keyOfRange(rel);
        if (parent && k) ctx.plan.partitions.set(parent, [...(ctx.plan.partitions.get(parent) ?? []), k]);
        const bound = boundFromSpec(n.partbound);
        if (k && bound) (ctx.plan.partitionBounds ??= new Map()).set(k, bound);
      }
      else if (inh.length) b.apply('create_table.inherits', null, { parent: inh[0]!.RangeVar ?? null });
      else if (refs.length) b.apply('create_table.references', null, { referenced: refs });
      else b.apply('create_table', null);
      if (refs.length && (n.partbound || inh.length)) for (const r of refs) b.lock(r, 'ShareRowExclusiveLock', 'referenced');
      for (const l of likes) b.lock(l, 'AccessShareLock', 'source');
      const k = keyOfRange(rel);
      if (k) {
        // IF NOT EXISTS without a catalog: the table may already exist with rows (an upgrade path
        // re-running its schema), so later locks on it still count as locks on an existing table
        const surelyNew = !(n.if_not_exists === true && !ctx.maps);
        if (surelyNew) ctx.created.add(k);
        ctx.plan.relations.set(k, n.partspec ? 'p' : 'r');
        const key = n.partspec ? keyFromSpec(n.partspec) : null;
        if (key) (ctx.plan.partitionKeys ??= new Map()).set(k, key);
        for (const e of (n.tableElts as Record<string, unknown>[] | undefined) ?? []) {
          if (e.ColumnDef) recordColumn(ctx, k, rel.relname ?? '', e.ColumnDef as never);
          if (e.Constraint) recordTableConstraint(ctx, k, rel.relname ?? '', e.Constraint as Record<string, unknown>);
        }
        // ... nor are the column types written here: a later ALTER COLUMN TYPE cannot trust them
        if (!surelyNew) {
          for (const c of ctx.plan.columns.get(k)?.keys() ?? []) (ctx.plan.uncertainColumns ??= new Set()).add(`${k}.${c}`);
          ctx.plan.columns.delete(k);
        }
      }
      break;
    }
    case 'CreateTableAsStmt': {
      const mat = n.objtype === 'OBJECT_MATVIEW';
      const intoRel = (n.into as { IntoClause?: { rel?: RangeVarLike } } | undefined)?.IntoClause?.rel ?? (n.into as { rel?: RangeVarLike } | undefined)?.rel;
      if (relationExistsForIfNotExists(ctx, n.if_not_exists === true ? keyOfRange(intoRel) : null)) {
        b.apply('no_table_lock', null);
        b.notes.push(`${displayOf(keyOfRange(intoRel)!)} already exists: IF NOT EXISTS makes this a no-op`);
        break;
      }
      b.apply(mat ? 'create_materialized_view' : 'create_table_as', null, { sources: executedSources(ctx, rangeVars(n.query)) });
      const into = (n.into as { IntoClause?: { rel?: RangeVarLike } } | undefined)?.IntoClause?.rel ?? (n.into as { rel?: RangeVarLike } | undefined)?.rel;
      const k = keyOfRange(into);
      if (k) {
        if (!(n.if_not_exists === true && !ctx.maps)) ctx.created.add(k);
        ctx.plan.relations.set(k, mat ? 'm' : 'r');
        if (mat) ctx.plan.viewSources.set(k, rangeVars(n.query).map(keyOfRange).filter((x): x is string => !!x));
      }
      for (const s of rangeVars(n.query)) {
        const r = b.resolve(s);
        if (r?.existing && !b.tables.includes(r.display)) b.tables.push(r.display);
      }
      break;
    }
    case 'ViewStmt': {
      const view = n.view as RangeVarLike;
      const k = keyOfRange(view);
      const r = b.resolve(view);
      // CREATE OR REPLACE of an existing view locks it: its readers wait
      // a view created earlier in the same file or plan is replaced (and locked) too
      const exists = n.replace === true && !!k && ((ctx.created.has(k) && ctx.plan.relations.get(k) === 'v') || (!ctx.created.has(k) && (!ctx.maps?.has.relations || !!r?.relkind || ctx.plan.relations.has(k))));
      if (exists) {
        b.apply('create_or_replace_view', view, { sources: rangeVars(n.query) });
        if (!ctx.maps?.has.relations && !ctx.plan.relations.has(k)) b.notes.push(`${r?.display ?? 'the view'} is assumed to exist (OR REPLACE)`);
      } else {
        b.apply('create_view', null, { sources: rangeVars(n.query) });
        if (k) ctx.created.add(k);
      }
      if (k && !ctx.plan.relations.has(k)) ctx.plan.relations.set(k, 'v');
      if (k) ctx.plan.viewSources.set(k, rangeVars(n.query).map(keyOfRange).filter((x): x is string => !!x));
      break;
    }
    case 'IndexStmt': {
      const rel = n.relation as RangeVarLike;
      const r = b.resolve(rel);
      const ikey = keyOfRange(rel);
      const partitions = rel.inh === true ? (r?.table?.relkind === 'p' ? r.table.partitions : ikey ? (ctx.plan.partitions.get(ikey) ?? []) : []) : [];
      const partitioned = r?.table?.relkind === 'p' || r?.relkind === 'p';
      // libpg-query omits `inh` for ONLY (false is its default): only `inh: true` means "and its partitions"
      if (n.concurrent === true) b.apply('create_index.concurrently', rel);
      else if (rel.inh !== true && (partitioned || (!r?.table && !r?.relkind))) {
        // ON ONLY: catalog-only on a partitioned parent; without a catalog ONLY is read as naming one
        b.apply('create_index.only', rel);
        if (!partitioned) b.notes.push(`${r?.display ?? 'the table'} is assumed to be partitioned (ON ONLY); on a plain table this is an ordinary index build`);
      } else if (partitioned) {
        b.apply('create_index.partitioned', rel, { partitions });
        b.tables.splice(0, b.tables.length, ...partitions.map(displayOf));
      } else b.apply('create_index', rel);
      const tkey = keyOfRange(rel);
      if (typeof n.idxname === 'string' && tkey) {
        const ikey = `${rel.schemaname ?? 'public'}.${n.idxname}`;
        ctx.created.add(ikey);
        ctx.plan.relations.set(ikey, 'i');
        ctx.plan.indexTables.set(ikey, tkey);
      }
      break;
    }
    case 'CreateTrigStmt': {
      b.apply('create_trigger', n.relation as RangeVarLike);
      const t = keyOfRange(n.relation as RangeVarLike);
      const fn = keyOfParts(namesOf(n.funcname));
      // CreateTrigStmt.events uses pg_trigger.tgtype's event bits
      const { events } = triggerShape(Number(n.events ?? 0));
      const columns = ((n.columns as { String?: { sval?: string } }[] | undefined) ?? []).map((c) => c.String?.sval ?? '').filter(Boolean);
      if (t && fn) ctx.plan.triggers.push({ table: t, function: fn, events, forEachRow: n.row === true, when: !!n.whenClause, columns });
      break;
    }
    case 'CreatePolicyStmt':
      b.apply('create_policy', n.table as RangeVarLike);
      break;
    case 'AlterPolicyStmt':
      b.apply('alter_policy', n.table as RangeVarLike);
      break;
    case 'RuleStmt':
      b.apply('create_rule', n.relation as RangeVarLike);
      break;
    case 'CreateStatsStmt': {
      const rel = ((n.relations as { RangeVar?: RangeVarLike }[] | undefined) ?? [])[0]?.RangeVar;
      b.apply('create_statistics', rel ?? null);
      // unqualified, the object goes to the current schema (public here), not the table's
      const skey = keyOfParts(namesOf(n.defnames));
      const tkey = keyOfRange(rel);
      if (skey && tkey) (ctx.plan.statistics ??= new Map()).set(skey, tkey);
      break;
    }
    case 'CreatePublicationStmt':
    case 'AlterPublicationStmt': {
      const tables = ((n.pubobjects as { PublicationObjSpec?: { pubtable?: { relation?: RangeVarLike } } }[] | undefined) ?? [])
        .map((o) => o.PublicationObjSpec?.pubtable?.relation)
        .filter((r): r is RangeVarLike => !!r);
      if (tables.length === 0) b.apply('no_table_lock', null);
      for (const t of tables) b.apply('publication_table', t);
      break;
    }
    case 'AlterTableStmt': {
      const rel = n.relation as RangeVarLike;
      const cmds = ((n.cmds as { AlterTableCmd?: Cmd }[] | undefined) ?? []).map((c) => c.AlterTableCmd ?? {});
      if (n.objtype === 'OBJECT_INDEX') {
        for (const c of cmds) {
          if (c.subtype === 'AT_AttachPartition') {
            const child = ((c.def as { PartitionCmd?: { name?: RangeVarLike } } | undefined)?.PartitionCmd ?? {}).name ?? null;
            const tableOf = (x: RangeVarLike | null) => {
              const r = b.resolve(x);
              return { r, table: r?.index?.table ?? (r ? ctx.plan.indexTables.get(r.key) : undefined) ?? null };
            };
            const rule = b.apply('alter_index.attach_partition', rel, { partitions: child ? [child] : [] });
            for (const { r, table } of [tableOf(rel), tableOf(child)]) {
              if (table) b.lock(table, rule.parent!, 'parent');
              else if (r?.existing) b.lockUnresolved(`(table of index ${r.display})`, rule.parent!, 'parent', `the table of index ${r.display} is locked ${rule.parent} (unknown without a catalog)`);
            }
            b.commands.push(rule.id);
            continue;
          }
          const id = c.subtype === 'AT_SetRelOptions' || c.subtype === 'AT_ResetRelOptions' || c.subtype === 'AT_SetStatistics' ? 'alter_index.set' : c.subtype === 'AT_SetTableSpace' ? 'alter_index.set_tablespace' : 'alter_table.other';
          b.apply(id, rel);
          b.commands.push(id);
        }
      } else if (n.objtype === 'OBJECT_TYPE') {
        b.apply('no_table_lock', null);
        b.notes.push('ALTER TYPE on a composite type changes no table unless a table uses the type');
      } else {
        const tkey = keyOfRange(rel);
        const partitions = tkey && rel.inh === true ? [...(ctx.maps?.tables.get(tkey)?.partitions ?? []), ...(ctx.plan.partitions.get(tkey) ?? [])] : [];
        for (const c of cmds) {
          const id = analyzeAlterTableCmd(b, ctx, rel, c);
          b.commands.push(id);
          const mode = lockRule(id).target;
          if (partitions.length && mode && c.subtype && RECURSING.has(c.subtype)) for (const p of partitions) b.lock(p, mode, 'partition');
        }
      }
      const distinct = new Set(cmds.map((c) => c.subtype));
      if (cmds.length > 1) b.notes.push(`${cmds.length} sub-commands (${[...distinct].join(', ')}) share one lock and at most one rewrite`);
      break;
    }
    case 'RenameStmt': {
      const rel = n.relation as RangeVarLike | undefined;
      switch (n.renameType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
        case 'OBJECT_FOREIGN_TABLE':
        case 'OBJECT_SEQUENCE': {
          b.apply('rename_table', rel ?? null);
          const k = keyOfRange(rel);
          if (k && ctx.plan.relations.has(k)) {
            ctx.plan.relations.set(`${rel!.schemaname ?? 'public'}.${String(n.newname)}`, ctx.plan.relations.get(k)!);
            ctx.plan.relations.delete(k);
          }
          break;
        }
        case 'OBJECT_COLUMN':
          b.apply('rename_column', rel ?? null);
          break;
        case 'OBJECT_TABCONSTRAINT':
          b.apply('rename_constraint', rel ?? null);
          break;
        case 'OBJECT_INDEX':
          b.apply('rename_index', rel ?? null);
          break;
        case 'OBJECT_TRIGGER':
          b.apply('rename_trigger', rel ?? null);
          break;
        case 'OBJECT_POLICY':
          b.apply('alter_policy', rel ?? null);
          break;
        default:
          b.apply('no_table_lock', null);
      }
      break;
    }
    case 'AlterObjectSchemaStmt': {
      const rel = n.relation as RangeVarLike | undefined;
      if (rel && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(String(n.objectType))) b.apply('set_schema', rel);
      else b.apply('no_table_lock', null);
      break;
    }
    case 'AlterSeqStmt':
      b.apply('alter_sequence', n.sequence as RangeVarLike);
      walk({ root: n.options }, (type, body) => {
        if (type === 'DefElem' && body.defname === 'owned_by') {
          const parts = namesOf((body.arg as { List?: { items?: unknown } } | undefined)?.List?.items);
          if (parts.length > 1) b.lock(parts.slice(0, -1).join('.'), 'AccessShareLock', 'source');
        }
      });
      break;
    case 'CreateSeqStmt': {
      b.apply('no_table_lock', null);
      const k = keyOfRange(n.sequence as RangeVarLike);
      if (k) {
        ctx.created.add(k);
        ctx.plan.relations.set(k, 'S');
      }
      walk({ root: n.options }, (type, body) => {
        if (type === 'DefElem' && body.defname === 'owned_by') {
          const parts = namesOf((body.arg as { List?: { items?: unknown } } | undefined)?.List?.items);
          if (parts.length > 1) b.lock(parts.slice(0, -1).join('.'), 'AccessShareLock', 'source');
        }
      });
      break;
    }
    case 'DropStmt': {
      analyzeDrop(b, ctx, n);
      // views dropped (with CASCADE, the views built on them too) no longer read anything
      if (n.removeType === 'OBJECT_VIEW' || n.removeType === 'OBJECT_MATVIEW' || (n.removeType === 'OBJECT_TABLE' && n.behavior === 'DROP_CASCADE')) {
        for (const o of (n.objects as unknown[] | undefined) ?? []) {
          const key = keyOfParts(namesOf((o as { List?: { items?: unknown } }).List?.items));
          if (!key) continue;
          const gone = n.behavior === 'DROP_CASCADE' ? viewsBuiltOn(ctx, key) : [];
          for (const v of [key, ...gone]) {
            ctx.plan.viewSources.delete(v);
            ctx.plan.relations.delete(v);
          }
        }
      }
      // a dropped relation no longer exists for later statements (CREATE … IF NOT EXISTS), nor its keys
      if (['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_INDEX'].includes(String(n.removeType))) {
        for (const o of (n.objects as unknown[] | undefined) ?? []) {
          const key = keyOfParts(namesOf((o as { List?: { items?: unknown } }).List?.items));
          if (!key) continue;
          ctx.plan.relations.delete(key);
          if (n.removeType === 'OBJECT_TABLE') {
            for (const f of [...foreignKeysOf(ctx, key), ...(n.behavior === 'DROP_CASCADE' ? foreignKeysReferencing(ctx, key) : [])]) ctx.droppedFks.add(`${f.table}.${f.name}`);
            ctx.plan.foreignKeys = ctx.plan.foreignKeys.filter((f) => f.table !== key && (n.behavior !== 'DROP_CASCADE' || f.references !== key));
          }
        }
      }
      break;
    }
    case 'TruncateStmt': {
      const rels = ((n.relations as { RangeVar?: RangeVarLike }[] | undefined) ?? []).map((r) => r.RangeVar).filter((r): r is RangeVarLike => !!r);
      const cascade = n.behavior === 'DROP_CASCADE';
      for (const rel of rels) {
        const r = b.resolve(rel);
        const referencing: string[] = [];
        if (cascade && r) {
          const queue = [r.key];
          const seen = new Set(queue);
          while (queue.length) {
            const cur = queue.shift()!;
            for (const fk of foreignKeysReferencing(ctx, cur)) {
              if (seen.has(fk.table)) continue;
              seen.add(fk.table);
              referencing.push(fk.table);
              queue.push(fk.table);
            }
          }
        }
        b.apply(cascade ? 'truncate.cascade' : 'truncate', rel, { referenced: referencing });
        if (cascade && r && !knowsTable(ctx, r.key)) b.lockUnresolved(`(tables referencing ${r.display})`, 'AccessExclusiveLock', 'referenced', 'CASCADE also truncates every referencing table (unknown without a catalog)');
        // ON TRUNCATE triggers (statement level) run their SQL
        for (const key of r ? [r.key, ...referencing] : []) userTriggerLocks(b, ctx, 'truncate', key, displayOf(key), true);
      }
      break;
    }
    case 'VacuumStmt': {
      const rels = ((n.rels as { VacuumRelation?: { relation?: RangeVarLike } }[] | undefined) ?? []).map((r) => r.VacuumRelation?.relation ?? null);
      const full = hasOption(n.options, 'full');
      const id = n.is_vacuumcmd ? (full ? 'vacuum_full' : 'vacuum') : 'analyze';
      if (rels.length === 0) {
        const rule = b.apply(id, null);
        b.notes.push('no table named: every table of the database is processed, one at a time');
        // ANALYZE in a transaction block holds each table's lock until the end; VACUUM runs outside one
        if (ctx.maps && rule.target) {
          for (const t of ctx.maps.tables.values()) if (t.relkind === 'r' || t.relkind === 'm' || t.relkind === 'p') b.lock(`${t.schema}.${t.name}`, rule.target, 'target');
        } else if (rule.target) b.unknown('locks', `every table of the database is locked ${rule.target} (unknown without a catalog)`);
      }
      for (const rel of rels) b.apply(id, rel);
      break;
    }
    case 'ClusterStmt':
      b.apply('cluster', (n.relation as RangeVarLike | undefined) ?? null);
      break;
    case 'ReindexStmt': {
      const rel = n.relation as RangeVarLike | undefined;
      if (hasOption(n.params, 'concurrently')) b.apply('reindex.concurrently', rel ?? null);
      else if (n.kind === 'REINDEX_OBJECT_TABLE') b.apply('reindex_table', rel ?? null);
      else if (n.kind === 'REINDEX_OBJECT_INDEX') {
        const r = b.resolve(rel);
        const parent = r?.index?.table ?? (r ? ctx.plan.indexTables.get(r.key) : undefined) ?? null;
        const rule = b.apply('reindex_index', rel ?? null, { parent });
        if (parent) b.tables.push(displayOf(parent));
        else if (r?.existing) b.lockUnresolved(`(table of index ${r.display})`, rule.parent!, 'parent', `the table of index ${r.display} is locked ${rule.parent} and scanned (unknown without a catalog)`);
      } else {
        b.apply('unknown', null);
        b.notes.push('REINDEX SCHEMA/DATABASE/SYSTEM rebuilds many indexes one table at a time');
      }
      break;
    }
    case 'RefreshMatViewStmt': {
      const rel = n.relation as RangeVarLike;
      const r = b.resolve(rel);
      const sources = r && (ctx.maps || ctx.plan.viewSources.has(r.key)) ? (ctx.maps?.viewSources.size || ctx.plan.viewSources.has(r.key) ? executedSources(ctx, [r.key]).slice(1) : (ctx.maps?.sourcesOfView.get(r.key) ?? [])) : [];
      b.apply(n.concurrent === true ? 'refresh_materialized_view.concurrently' : 'refresh_materialized_view', rel, { sources });
      break;
    }
    case 'CommentStmt': {
      const parts = namesOf((n.object as { List?: { items?: unknown } } | undefined)?.List?.items);
      switch (n.objtype) {
        case 'OBJECT_TABLE':
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
        case 'OBJECT_INDEX':
        case 'OBJECT_SEQUENCE':
        case 'OBJECT_FOREIGN_TABLE':
          b.apply('comment', parts.join('.'));
          break;
        case 'OBJECT_COLUMN':
          b.apply('comment', parts.slice(0, -1).join('.'));
          break;
        case 'OBJECT_TABCONSTRAINT':
        case 'OBJECT_TRIGGER':
        case 'OBJECT_POLICY':
        case 'OBJECT_RULE':
          b.apply('comment_on_table_object', parts.slice(0, -1).join('.'));
          break;
        default:
          b.apply('no_table_lock', null);
      }
      break;
    }
    case 'GrantStmt': {
      const rels = n.targtype === 'ACL_TARGET_OBJECT' && n.objtype === 'OBJECT_TABLE' ? ((n.objects as { RangeVar?: RangeVarLike }[] | undefined) ?? []).map((o) => o.RangeVar).filter((r): r is RangeVarLike => !!r) : [];
      if (rels.length === 0 || ctx.major < 18) b.apply('no_table_lock', null);
      else for (const r of rels) b.apply('grant', r);
      break;
    }
    case 'AlterDomainStmt': {
      const key = keyOfParts(namesOf(n.typeName));
      const validates = n.subtype === 'V';
      const adds = n.subtype === 'C' || n.subtype === 'O' || validates;
      if (!adds || !key) {
        b.apply('no_table_lock', null);
        break;
      }
      const name = key.slice(key.indexOf('.') + 1);
      const users: string[] = [];
      for (const t of ctx.maps?.tables.values() ?? []) if (t.columns.some((c) => parseFormatType(c.type).name === name)) users.push(`${t.schema}.${t.name}`);
      for (const [table, cols] of ctx.plan.columns) for (const c of cols.values()) if (c.name === name && !users.includes(table)) users.push(table);
      const notValid = ((n.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint?.skip_validation ?? false) === true;
      if (users.length === 0) b.apply('no_table_lock', null);
      for (const u of users) b.apply(validates ? 'alter_domain.validate_constraint' : notValid ? 'alter_domain.add_constraint.not_valid' : 'alter_domain.add_constraint', u);
      // without a catalog the tables are named, never silently missed (lint's timeout rules see the lock)
      if (!ctx.maps && !notValid && !ctx.plan.types.has(key)) b.lockUnresolved(`(tables with a column of domain ${name})`, 'ShareLock', 'target', `every table with a column of domain ${name} is locked SHARE and scanned to check the ${validates ? 'constraint' : 'new constraint'} (unknown without a catalog)`);
      break;
    }
    case 'CreateDomainStmt': {
      const key = keyOfParts(namesOf(n.domainname));
      const constrained = ((n.constraints as { Constraint?: { contype?: string } }[] | undefined) ?? []).some((c) => c.Constraint?.contype === 'CONSTR_CHECK' || c.Constraint?.contype === 'CONSTR_NOTNULL');
      if (key) ctx.plan.types.set(key, constrained ? 'constrained_domain' : 'domain');
      b.apply('no_table_lock', null);
      break;
    }
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateRangeStmt': {
      const key = keyOfParts(namesOf(stmt.nodeType === 'CompositeTypeStmt' ? [] : n.typeName)) ?? keyOfRange((n.typevar as RangeVarLike) ?? null);
      if (key) ctx.plan.types.set(key, 'type');
      b.apply('no_table_lock', null);
      break;
    }
    case 'CreateFunctionStmt': {
      const key = keyOfParts(namesOf(n.funcname));
      if (key) ctx.plan.functions.set(key, functionVolatilityOf(n));
      if (key) {
        const f = functionBodyOf(n);
        ctx.plan.functionBodies.set(key, { language: f.language ?? 'sql', body: f.body });
      }
      // a LANGUAGE sql body is parsed and checked at creation (check_function_bodies): the tables it reads get ACCESS SHARE
      const sources = sqlBodyTables(n);
      if (sources.length) b.apply('create_sql_function', null, { sources });
      else b.apply('no_table_lock', null);
      break;
    }
    case 'VariableSetStmt': {
      if (String(n.name ?? '').toLowerCase() === 'timezone') {
        const v = ((n.args as { A_Const?: { sval?: { sval?: string } } }[] | undefined) ?? [])[0]?.A_Const?.sval?.sval;
        // SET TimeZone decides later timestamp ↔ timestamptz changes; RESET returns to the server's
        ctx.timeZone = n.kind === 'VAR_SET_VALUE' ? (v ?? null) : ctx.serverTimeZone;
      }
      b.apply('no_table_lock', null);
      break;
    }
    case 'LockStmt': {
      const mode = lockModeFromNumber(Number(n.mode ?? 8));
      for (const r of ((n.relations as { RangeVar?: RangeVarLike }[] | undefined) ?? [])) b.apply('lock_table', r.RangeVar ?? null, { mode });
      break;
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt': {
      const rel = n.relation as RangeVarLike;
      const id = stmt.nodeType === 'InsertStmt' ? 'insert' : stmt.nodeType === 'UpdateStmt' ? 'update' : stmt.nodeType === 'DeleteStmt' ? 'delete' : 'merge';
      const others = rangeVars({ ...n, relation: undefined }).filter((r) => !(r.relname === rel.relname && r.schemaname === rel.schemaname));
      const dmlRule = b.apply(id, rel, { sources: others });
      // a partitioned target: rows are routed to (INSERT) or planned over (UPDATE/DELETE) its partitions
      const tkey = keyOfRange(rel);
      const parts = tkey ? [...new Set([...(ctx.maps?.tables.get(tkey)?.partitions ?? []), ...(ctx.plan.partitions.get(tkey) ?? [])])] : [];
      const shape = id === 'insert' && tkey ? insertShape(ctx, tkey, n) : null;
      if (parts.length && rel.inh === true && dmlRule.target) {
        const display = b.resolve(rel)?.display ?? 'the table';
        if (shape && tkey) {
          // INSERT locks only the partitions its rows are routed to
          const routed = routedPartitions(ctx, tkey, shape);
          for (const p of routed.partitions) b.lock(p, dmlRule.target, 'partition');
          if (routed.open) b.unknown('locks', `which partitions of ${display} get ${dmlRule.target} depends on the rows (${routed.open})${routed.candidates.length ? `: any of ${routed.candidates.map(displayOf).join(', ')}` : ''}`);
        } else if (id !== 'insert' && !n.whereClause) for (const p of parts) b.lock(p, dmlRule.target, 'partition');
        else {
          // UPDATE/DELETE with a WHERE: plan-time pruning on constant restrictions of the key
          const rt = tkey ? routingTableOf(ctx, tkey) : null;
          const preds = rt?.key.columns.length === 1 && rt.key.columns[0] ? keyPredicates(n.whereClause, rt.key.columns[0]) : null;
          const pruned = rt && preds && rt.partitions.every((p) => !isPartitioned(ctx, p.name)) ? prunePartitions(rt, preds) : null;
          if (pruned) for (const p of pruned) b.lock(p, dmlRule.target, 'partition');
          else b.unknown('locks', `which partitions of ${display} are locked ${dmlRule.target} depends on partition pruning of the WHERE clause: any of ${parts.map(displayOf).join(', ')}`);
        }
      }
      // a partition written directly: PostgreSQL reads its partition constraint through the parent
      // (ACCESS SHARE), once per session (the relcache keeps it afterwards)
      const parentOf = tkey ? (ctx.maps?.tables.get(tkey)?.parent ?? [...ctx.plan.partitions].find(([, ps]) => ps.includes(tkey))?.[0] ?? null) : null;
      if (parentOf && (id === 'insert' || id === 'update' || id === 'merge')) {
        b.lock(parentOf, 'AccessShareLock', 'parent');
        b.unknown('locks', `${displayOf(parentOf)} (the parent) gets AccessShareLock the first time this session checks the partition constraint of ${b.resolve(rel)?.display ?? tkey}`, true);
      }
      // foreign keys: the key check locks the referenced table, a delete/update of a key the referencing ones
      if (tkey && (id === 'insert' || id === 'update' || id === 'delete')) dmlForeignKeyLocks(b, ctx, id, tkey, n, shape);
      // user triggers run the SQL of their functions: read from the plpgsql body (catalog or plan)
      if (tkey) {
        const rowsCertain = id === 'insert' && shape?.rows != null && !n.onConflictClause;
        const setColumns = id === 'update' ? ((n.targetList as { ResTarget?: { name?: string } }[] | undefined) ?? []).map((t) => t.ResTarget?.name ?? '').filter(Boolean) : null;
        userTriggerLocks(b, ctx, id, tkey, b.resolve(rel)?.display ?? tkey, rowsCertain, setColumns);
      }
      if (tkey && id === 'merge' && (foreignKeysOf(ctx, tkey).length || foreignKeysReferencing(ctx, tkey).length)) b.unknown('locks', `MERGE fires the foreign-key checks of ${b.resolve(rel)?.display ?? tkey} for the rows it inserts, updates or deletes: their tables are locked RowShareLock (RowExclusiveLock for cascades); not modelled`);
      if ((id === 'update' || id === 'delete') && n.whereClause) b.scans = false;
      if (id === 'insert' && others.length) for (const o of others) b.lock(o, 'AccessShareLock', 'source');
      if (id === 'insert' || id === 'update' || id === 'delete') b.tables.splice(0, b.tables.length, ...(b.resolve(rel)?.existing ? [b.resolve(rel)!.display] : []));
      if ((id === 'update' || id === 'delete') && !n.whereClause) b.notes.push('no WHERE clause: every row is touched in one transaction');
      break;
    }
    case 'SelectStmt':
      for (const r of rangeVars(n)) b.apply('select', r);
      if (!b.rules.length) b.apply('no_table_lock', null);
      break;
    case 'DoStmt': {
      b.apply('no_table_lock', null);
      const body = doBlockStatements(n);
      if (!body) {
        b.unknown('locks', 'a DO block can take any lock; its body is not analysed — rehearse it');
        break;
      }
      // the SQL statements of the block, analysed as if they ran: their locks are the block's
      const innerRelations = new Set<string>();
      b.doBlock = [];
      for (const inner of body.statements) {
        const r = analyzeStatement(inner, ctx);
        b.doBlock.push(r);
        for (const l of r.locks) if (!l.unresolved) innerRelations.add(l.relation);
        for (const l of r.locks) b.lockResolved(l.relation, l.existing, l.mode, l.role, l.unresolved === true);
        for (const t of r.tables) if (!b.tables.includes(t)) b.tables.push(t);
        b.rewrites ||= r.rewrites;
        b.scans ||= r.scans;
        for (const u of r.unknowns ?? []) b.unknown(u.fact, u.reason, r.certainty === 'exact');
      }
      if (body.dynamic) b.unknown('locks', 'the DO block runs dynamic SQL (EXECUTE): those statements are not analysed — rehearse it');
      if (body.conditional) b.unknown('locks', `statements of the DO block under IF, loops or exception handlers run only when their condition holds: their locks${innerRelations.size ? ` (on ${[...innerRelations].join(', ')})` : ''} are claimed`, true);
      break;
    }
    case 'CallStmt':
      b.apply('no_table_lock', null);
      b.unknown('locks', 'a procedure can take any lock; its body is not analysed — rehearse it');
      break;
    default:
      if (NO_LOCK_NODES.has(stmt.nodeType)) b.apply('no_table_lock', null);
      else {
        const rels = rangeVars(n);
        if (rels.length === 0) b.apply('no_table_lock', null);
        for (const r of rels) b.apply('unknown', r);
      }
  }
  return b.result(stmt);
}

/** Which tables a statement may have put rows into, for the statements after it (see knownEmpty). */
function noteWrites(stmt: ParsedStatement, ctx: Ctx): void {
  if (!ctx.written) return;
  const n = stmt.node;
  switch (stmt.nodeType) {
    case 'InsertStmt':
    case 'MergeStmt':
    case 'CopyStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const k = keyOfRange(n.relation as RangeVarLike);
      // triggers (and cascades of triggers) may write anywhere
      if (k && triggerFunctionsOn(ctx, k).length) ctx.written = null;
      else if (k && stmt.nodeType !== 'UpdateStmt' && stmt.nodeType !== 'DeleteStmt') ctx.written.add(k);
      return;
    }
    case 'CreateTableAsStmt': {
      const k = keyOfRange((n.into as { IntoClause?: { rel?: RangeVarLike } } | undefined)?.IntoClause?.rel ?? (n.into as { rel?: RangeVarLike } | undefined)?.rel);
      if (k) ctx.written.add(k);
      return;
    }
    case 'RefreshMatViewStmt': {
      const k = keyOfRange(n.relation as RangeVarLike);
      if (k) ctx.written.add(k);
      return;
    }
    case 'DoStmt':
    case 'CallStmt':
    case 'SelectStmt':
      // a function or a block can write any table
      ctx.written = null;
      return;
    default:
  }
}

/** Per statement: locks, rewrites, scans, what it blocks, the safer pattern, and what is unknown. */
export function analyzeLocks(file: Pick<ParsedFile, 'statements'>, opts: AnalyzeLocksOptions): LockAnalysis {
  const major = majorVersion(opts.pgVersion);
  const catalog = opts.catalog ?? null;
  const ctx: Ctx = {
    major,
    maps: catalog ? catalogMaps(catalog) : null,
    created: new Set(),
    createdBefore: opts.createdBefore ?? new Set(),
    plan: opts.plan ?? newPlanChecks(),
    notFound: [],
    timeZone: catalog?.settings.TimeZone ?? null,
    serverTimeZone: catalog?.settings.TimeZone ?? null,
    written: new Set(),
    droppedFks: new Set(),
    triggerDepth: 0,
  };
  const statements = file.statements.map((s) => {
    const before = ctx.notFound.length;
    const r = analyzeStatement(s, ctx);
    noteWrites(s, ctx);
    for (const k of ctx.notFound.slice(before)) r.notes.push(`${k} is not in the catalog snapshot: treated as an existing table of unknown size`);
    return r;
  });
  return { pgVersion: major, statements, created: [...ctx.created], notInCatalog: ctx.notFound };
}
