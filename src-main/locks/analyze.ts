/**
 * analyzeLocks: the parsed model (+ an optional catalog snapshot) → per statement, the locks
 * taken on each relation, rewrite/scan facts and what they block. Pure; never touches a server.
 */
import type { CatalogForeignKey, CatalogIndex, CatalogSnapshot, CatalogTable } from '../../src-shared/domain/catalog';
import type { LockAnalysis, LockMode, LockRole, OperationClass, RelationLock, StatementLocks } from '../../src-shared/domain/locks';
import type { ParsedFile, ParsedStatement } from '../parse';
import { blocksOf, lockModeFromNumber, strength } from './modes';
import { lockRule, ruleAppliesTo, type LockRule } from './rules';

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
   * CHECK (col IS NOT NULL) constraints added/validated by earlier migrations of the plan; the
   * analyzer reads it and records this file's own into it (pass the same object for every file)
   */
  plan?: PlanChecks;
}

/** NOT NULL proofs that build up over a plan: `schema.table.column` → proven by a validated CHECK. */
export interface PlanChecks {
  proven: Set<string>;
  /** NOT VALID checks by `schema.table.constraint` → `schema.table.column`, waiting for VALIDATE */
  pending: Map<string, string>;
}

export function newPlanChecks(): PlanChecks {
  return { proven: new Set(), pending: new Map() };
}

export function majorVersion(v: number): number {
  return v >= 1000 ? Math.floor(v / 10000) : v;
}

/** `orders` for public.orders, `sales.orders` otherwise. */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

interface RangeVarLike {
  relname?: string;
  schemaname?: string;
}

/** Lookup maps over a catalog, built once per snapshot. */
export interface CatalogIndexMaps {
  tables: Map<string, CatalogTable>;
  indexes: Map<string, CatalogIndex>;
  indexesByTable: Map<string, CatalogIndex[]>;
  fksByTable: Map<string, CatalogForeignKey[]>;
  fksByReferenced: Map<string, CatalogForeignKey[]>;
  sourcesOfView: Map<string, string[]>;
}

const mapsCache = new WeakMap<CatalogSnapshot, CatalogIndexMaps>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function catalogMaps(catalog: CatalogSnapshot): CatalogIndexMaps {
  const cached = mapsCache.get(catalog);
  if (cached) return cached;
  const maps: CatalogIndexMaps = {
    tables: new Map(),
    indexes: new Map(),
    indexesByTable: new Map(),
    fksByTable: new Map(),
    fksByReferenced: new Map(),
    sourcesOfView: new Map(),
  };
  for (const t of catalog.tables) {
    maps.tables.set(`${t.schema}.${t.name}`, t);
    for (const v of t.dependentViews) push(maps.sourcesOfView, v, `${t.schema}.${t.name}`);
  }
  for (const i of catalog.indexes) {
    maps.indexes.set(`${i.schema}.${i.name}`, i);
    push(maps.indexesByTable, i.table, i);
  }
  for (const fk of catalog.foreignKeys) {
    push(maps.fksByTable, fk.table, fk);
    push(maps.fksByReferenced, fk.references, fk);
  }
  mapsCache.set(catalog, maps);
  return maps;
}

const VOLATILE_FUNCTIONS = new Set([
  'random', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuidv4', 'uuidv7', 'nextval', 'txid_current', 'pg_current_xact_id', 'random_normal', 'setseed',
]);
const STABLE_OR_IMMUTABLE_FUNCTIONS = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_date', 'lower', 'upper', 'coalesce', 'to_jsonb', 'jsonb_build_object',
  'json_build_object', 'array', 'make_interval', 'to_timestamp', 'to_date', 'length', 'abs', 'round', 'concat',
]);

/** Walks an AST value, calling `visit` on every `{ Type: body }` node. */
function walk(value: unknown, visit: (type: string, body: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (/^[A-Z]/.test(k) && v && typeof v === 'object' && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
    walk(v, visit);
  }
}

/** 'volatile' | 'safe' | 'unknown' for a DEFAULT expression. */
function defaultVolatility(expr: unknown): 'volatile' | 'safe' | 'unknown' {
  let result: 'volatile' | 'safe' | 'unknown' = 'safe';
  walk({ root: expr }, (type, body) => {
    if (type === 'FuncCall') {
      const names = (body.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
      const name = names[names.length - 1]?.String?.sval?.toLowerCase() ?? '';
      if (VOLATILE_FUNCTIONS.has(name)) result = 'volatile';
      else if (!STABLE_OR_IMMUTABLE_FUNCTIONS.has(name) && result === 'safe') result = 'unknown';
    } else if (type === 'SubLink' && result === 'safe') result = 'unknown';
  });
  return result;
}

function typeNameOf(typeName: unknown): { name: string; mods: number[] } {
  const t = typeName as { names?: { String?: { sval?: string } }[]; typmods?: { A_Const?: { ival?: { ival?: number } } }[]; arrayBounds?: unknown[] } | undefined;
  const names = (t?.names ?? []).map((n) => n.String?.sval ?? '').filter((n) => n !== 'pg_catalog');
  const mods = (t?.typmods ?? []).map((m) => m.A_Const?.ival?.ival ?? 0);
  return { name: (names[names.length - 1] ?? '').toLowerCase() + (t?.arrayBounds ? '[]' : ''), mods };
}

/** Normalises `character varying(20)` / `varchar` / `numeric(10,2)` into {family, a, b}. */
function normaliseType(name: string, mods: number[]): { family: string; a: number | null; b: number | null } {
  const alias: Record<string, string> = {
    'character varying': 'varchar', varchar: 'varchar', text: 'text', numeric: 'numeric', decimal: 'numeric', int4: 'int4', integer: 'int4', int: 'int4',
    int8: 'int8', bigint: 'int8', int2: 'int2', smallint: 'int2', 'bit varying': 'varbit', varbit: 'varbit', bpchar: 'bpchar', character: 'bpchar', char: 'bpchar',
  };
  return { family: alias[name] ?? name, a: mods[0] ?? null, b: mods[1] ?? null };
}

function parseFormattedType(formatted: string): { family: string; a: number | null; b: number | null } {
  const m = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?(\[\])?$/.exec(formatted.trim().toLowerCase());
  if (!m) return { family: formatted, a: null, b: null };
  const t = normaliseType(m[1]! + (m[4] ?? ''), []);
  return { family: t.family, a: m[2] ? Number(m[2]) : null, b: m[3] ? Number(m[3]) : null };
}

/** Binary-coercible changes PostgreSQL applies without rewriting the table. */
export function isCoercibleTypeChange(fromFormatted: string, toName: string, toMods: number[]): boolean {
  const from = parseFormattedType(fromFormatted);
  const to = normaliseType(toName, toMods);
  if (from.family === 'varchar' && to.family === 'varchar') return to.a === null || (from.a !== null && to.a >= from.a);
  if (from.family === 'varchar' && to.family === 'text') return true;
  if (from.family === 'text' && to.family === 'varchar') return to.a === null;
  if (from.family === 'varbit' && to.family === 'varbit') return to.a === null || (from.a !== null && to.a >= from.a);
  if (from.family === 'numeric' && to.family === 'numeric') {
    if (to.a === null) return true;
    if (from.a === null) return false;
    return (to.b ?? 0) === (from.b ?? 0) && to.a >= from.a;
  }
  return from.family === to.family && from.a === to.a && from.b === to.b;
}

const OPERATION_WEIGHT: Record<OperationClass, number> = { none: 0, catalog: 1, dml: 2, scan: 3, refresh: 4, index_build: 5, rewrite: 6 };

interface Ctx {
  major: number;
  maps: CatalogIndexMaps | null;
  /** qualified names created earlier in this file */
  created: Set<string>;
  createdBefore: ReadonlySet<string>;
  plan: PlanChecks;
  notFound: string[];
}

class Binder {
  readonly locks = new Map<string, RelationLock>();
  readonly rules: string[] = [];
  readonly notes: string[] = [];
  readonly docs = new Set<string>();
  readonly tables: string[] = [];
  rewrites = false;
  scans = false;
  operation: OperationClass = 'none';
  certainty: 'exact' | 'assumed' = 'exact';
  transactional = true;
  safe: string[] = [];
  constructor(private readonly ctx: Ctx) {}

  /** Resolves a name to `schema.name` (null schema when unknown) and whether it pre-exists. */
  resolve(name: string | RangeVarLike | null | undefined): { key: string; display: string; existing: boolean; table: CatalogTable | null; index: CatalogIndex | null } | null {
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
    const candidates = schema ? [`${schema}.${rel}`] : [`public.${rel}`];
    const maps = this.ctx.maps;
    for (const key of candidates) {
      const table = maps?.tables.get(key) ?? null;
      const index = maps?.indexes.get(key) ?? null;
      if (table || index) {
        const [s, n] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
        return { key, display: displayName(s, n), existing: !this.ctx.created.has(key), table, index };
      }
    }
    const key = candidates[0]!;
    const created = this.ctx.created.has(key);
    // created by an earlier migration of the plan: committed (and usable by others) before this
    // file runs, so it exists for the lock analysis; the risk model knows it starts empty.
    // Not in the catalog and not created by this plan: it may live in another schema of the
    // search_path — treat it as existing (size unknown) rather than as harmless
    if (maps && !created && !this.ctx.createdBefore.has(key) && !this.ctx.notFound.includes(key)) this.ctx.notFound.push(key);
    return { key, display: schema ? displayName(schema, rel) : rel, existing: !created, table: null, index: null };
  }

  lock(name: string | RangeVarLike | null | undefined, mode: LockMode, role: LockRole): void {
    const r = this.resolve(name);
    if (!r) return;
    this.lockResolved(r.display, r.existing, mode, role);
  }

  lockResolved(display: string, existing: boolean, mode: LockMode, role: LockRole): void {
    const prev = this.locks.get(display);
    if (!prev || strength(mode) > strength(prev.mode)) this.locks.set(display, { relation: display, mode, role: prev && prev.role === 'target' ? 'target' : role, existing });
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
      transactional: this.transactional && stmt.transactional,
      safeAlternative: this.safe.length ? [...new Set(this.safe)].join('; ') : null,
      notes: [...new Set(this.notes)],
      docs: [...this.docs],
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

function namesOf(list: unknown): string[] {
  return ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? '').filter(Boolean);
}

function hasOption(list: unknown, name: string): boolean {
  return Array.isArray(list) && list.some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === name);
}

type Cmd = { subtype?: string; name?: string; def?: Record<string, unknown> };

function keyOf(b: Binder, name: RangeVarLike | string | null | undefined): string | null {
  return b.resolve(name)?.key ?? null;
}

function analyzeAlterTableCmd(b: Binder, ctx: Ctx, target: RangeVarLike, cmd: Cmd): void {
  const tkey = keyOf(b, target);
  const table = tkey ? (ctx.maps?.tables.get(tkey) ?? null) : null;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const col = (cmd.def?.ColumnDef ?? {}) as { colname?: string; typeName?: unknown; constraints?: { Constraint?: Record<string, unknown> }[] };
      const cons = (col.constraints ?? []).map((c) => c.Constraint ?? {});
      const type = typeNameOf(col.typeName).name;
      const def = cons.find((c) => c.contype === 'CONSTR_DEFAULT');
      const gen = cons.find((c) => c.contype === 'CONSTR_GENERATED');
      const fk = cons.find((c) => c.contype === 'CONSTR_FOREIGN');
      if (cons.some((c) => c.contype === 'CONSTR_IDENTITY')) b.apply('alter_table.add_column.identity', target);
      else if (gen) {
        const virtual = gen.generated_kind === 'v' || (gen.generated_kind !== 's' && ctx.major >= 18);
        b.apply(virtual ? 'alter_table.add_column.virtual_generated' : 'alter_table.add_column.stored_generated', target);
      } else if (['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'].includes(type)) b.apply('alter_table.add_column.serial', target);
      else if (fk) b.apply('alter_table.add_column.references', target, { referenced: [fk.pktable as RangeVarLike] });
      else if (def) {
        const v = defaultVolatility(def.raw_expr);
        b.apply(v === 'volatile' ? 'alter_table.add_column.default_volatile' : 'alter_table.add_column.default_constant', target);
        if (v === 'unknown') {
          b.certainty = 'assumed';
          b.notes.push('the DEFAULT calls a function whose volatility is unknown here: a VOLATILE one rewrites the table');
        }
      } else if (cons.some((c) => c.contype === 'CONSTR_NOTNULL')) b.apply('alter_table.add_column.not_null_no_default', target);
      else b.apply('alter_table.add_column', target);
      if (!table && !ctx.maps) {
        /* a user-defined domain type with constraints would rewrite; needs the catalog */
      }
      return;
    }
    case 'AT_ColumnDefault':
    case 'AT_CookedColumnDefault':
      b.apply('alter_table.column_default', target);
      return;
    case 'AT_AlterColumnType': {
      const def = (cmd.def?.ColumnDef ?? {}) as { typeName?: { typmods?: unknown }; raw_default?: unknown };
      const to = typeNameOf(def.typeName);
      const toMods = to.mods;
      const col = table?.columns.find((c) => c.name === cmd.name);
      if (col && !def.raw_default && isCoercibleTypeChange(col.type, to.name, toMods)) {
        b.apply('alter_table.alter_type.coercible', target);
      } else {
        b.apply('alter_table.alter_type.rewrite', target);
        if (!col && b.resolve(target)?.existing) {
          b.certainty = 'assumed';
          b.notes.push('current column type unknown without a catalog: a rewrite is assumed (varchar widening, varchar→text and numeric precision increases do not rewrite)');
        }
      }
      return;
    }
    case 'AT_SetNotNull': {
      const proven = table?.checks.some((c) => c.validated && normaliseCheck(c.def) === `${cmd.name ?? ''} is not null`) || (!!tkey && ctx.plan.proven.has(`${tkey}.${cmd.name ?? ''}`));
      b.apply(proven && ctx.major >= 12 ? 'alter_table.set_not_null.proven' : 'alter_table.set_not_null', target);
      return;
    }
    case 'AT_DropNotNull':
      b.apply('alter_table.drop_not_null', target);
      return;
    case 'AT_DropColumn':
      b.apply('alter_table.drop_column', target);
      return;
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
      b.apply('alter_table.set_statistics', target);
      return;
    case 'AT_SetStorage':
    case 'AT_SetCompression':
      b.apply('alter_table.set_storage', target);
      return;
    case 'AT_DropExpression':
      b.apply('alter_table.drop_expression', target);
      return;
    case 'AT_SetExpression':
      b.apply('alter_table.set_expression', target);
      return;
    case 'AT_AddIdentity':
    case 'AT_SetIdentity':
    case 'AT_DropIdentity':
      b.apply('alter_table.identity', target);
      return;
    case 'AT_AddConstraint': {
      const c = (cmd.def?.Constraint ?? {}) as Record<string, unknown>;
      const notValid = c.skip_validation === true;
      switch (c.contype) {
        case 'CONSTR_CHECK':
          b.apply(notValid ? 'alter_table.add_check.not_valid' : 'alter_table.add_check', target);
          if (tkey) {
            for (const col of notNullColumns(c.raw_expr)) {
              if (!notValid) ctx.plan.proven.add(`${tkey}.${col}`);
              else if (typeof c.conname === 'string') ctx.plan.pending.set(`${tkey}.${c.conname}`, `${tkey}.${col}`);
            }
          }
          return;
        case 'CONSTR_FOREIGN':
          b.apply(notValid ? 'alter_table.add_fk.not_valid' : 'alter_table.add_fk', target, { referenced: [c.pktable as RangeVarLike] });
          return;
        case 'CONSTR_UNIQUE':
        case 'CONSTR_PRIMARY':
          if (c.indexname) {
            b.apply('alter_table.add_constraint_using_index', target);
            if (c.contype === 'CONSTR_PRIMARY') b.notes.push('PRIMARY KEY USING INDEX sets NOT NULL on the key columns, which scans the table if they are nullable');
          } else b.apply('alter_table.add_unique', target);
          return;
        case 'CONSTR_EXCLUSION':
          b.apply('alter_table.add_exclude', target);
          return;
        case 'CONSTR_NOTNULL':
          b.apply(notValid ? 'alter_table.add_not_null_not_valid' : 'alter_table.set_not_null', target);
          return;
        default:
          b.apply('alter_table.other', target);
          return;
      }
    }
    case 'AT_ValidateConstraint': {
      const pendingCheck = tkey ? ctx.plan.pending.get(`${tkey}.${cmd.name ?? ''}`) : undefined;
      if (pendingCheck) ctx.plan.proven.add(pendingCheck);
      const fk = tkey ? ctx.maps?.fksByTable.get(tkey)?.find((f) => f.name === cmd.name) : undefined;
      if (fk) b.apply('alter_table.validate_constraint.fk', target, { referenced: [fk.references] });
      else {
        b.apply('alter_table.validate_constraint', target);
        if (!ctx.maps) b.notes.push('if this is a foreign key, the referenced table also gets RowShareLock');
      }
      return;
    }
    case 'AT_DropConstraint': {
      const fk = tkey ? ctx.maps?.fksByTable.get(tkey)?.find((f) => f.name === cmd.name) : undefined;
      if (fk) b.apply('alter_table.drop_constraint.fk', target, { referenced: [fk.references] });
      else {
        b.apply('alter_table.drop_constraint', target);
        if (!ctx.maps) b.notes.push('if this is a foreign key, the referenced table is also locked ACCESS EXCLUSIVE');
      }
      return;
    }
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ReplaceRelOptions':
      b.apply('alter_table.set_reloptions', target);
      return;
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
      b.apply('alter_table.cluster_on', target);
      return;
    case 'AT_SetTableSpace':
      b.apply('alter_table.set_tablespace', target);
      return;
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      b.apply('alter_table.set_logged', target);
      return;
    case 'AT_SetAccessMethod':
      b.apply('alter_table.set_access_method', target);
      return;
    case 'AT_AttachPartition': {
      const pc = (cmd.def?.PartitionCmd ?? {}) as { name?: RangeVarLike };
      b.apply('alter_table.attach_partition', target, { partitions: pc.name ? [pc.name] : [] });
      // the duration is the scan of the partition being attached, not of the (empty) parent
      const part = b.resolve(pc.name);
      const parentDisplay = b.resolve(target)?.display;
      b.tables.splice(0, b.tables.length, ...b.tables.filter((x) => x !== parentDisplay), ...(part ? [part.display] : []));
      return;
    }
    case 'AT_DetachPartition':
    case 'AT_DetachPartitionFinalize': {
      const pc = (cmd.def?.PartitionCmd ?? {}) as { name?: RangeVarLike; concurrent?: boolean };
      const conc = pc.concurrent === true || cmd.subtype === 'AT_DetachPartitionFinalize';
      b.apply(conc ? 'alter_table.detach_partition_concurrently' : 'alter_table.detach_partition', target, { partitions: pc.name ? [pc.name] : [] });
      return;
    }
    case 'AT_ChangeOwner':
      b.apply('alter_table.owner', target);
      return;
    case 'AT_EnableRowSecurity':
    case 'AT_DisableRowSecurity':
    case 'AT_ForceRowSecurity':
    case 'AT_NoForceRowSecurity':
      b.apply('alter_table.row_security', target);
      return;
    case 'AT_ReplicaIdentity':
      b.apply('alter_table.replica_identity', target);
      return;
    default:
      if (cmd.subtype && /^AT_(Enable|Disable)(Always|Replica)?Trig/.test(cmd.subtype)) {
        b.apply('alter_table.trigger_toggle', target);
        return;
      }
      b.apply('alter_table.other', target);
      b.notes.push(`${cmd.subtype ?? 'this sub-command'} is not in the lock table`);
  }
}

/** `CHECK ((status IS NOT NULL))` → `status is not null`. */
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

const NO_LOCK_NODES = new Set([
  'CreateFunctionStmt', 'CompositeTypeStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'CreateSchemaStmt',
  'CreateExtensionStmt', 'AlterExtensionStmt', 'CreateDomainStmt', 'AlterDomainStmt', 'VariableSetStmt', 'VariableShowStmt', 'TransactionStmt', 'GrantStmt', 'GrantRoleStmt',
  'AlterOwnerStmt', 'AlterFunctionStmt', 'DefineStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'DropRoleStmt', 'AlterDefaultPrivilegesStmt',
  'CreateCastStmt', 'CreateOpClassStmt', 'CreateConversionStmt', 'AlterObjectSchemaStmt', 'DiscardStmt', 'CheckPointStmt', 'NotifyStmt', 'ListenStmt',
  'CreatedbStmt', 'DropdbStmt', 'AlterDatabaseStmt', 'AlterDatabaseSetStmt', 'AlterSystemStmt', 'CreatePublicationStmt', 'AlterPublicationStmt',
]);

function analyzeStatement(stmt: ParsedStatement, ctx: Ctx): StatementLocks {
  const b = new Binder(ctx);
  const n = stmt.node;
  switch (stmt.nodeType) {
    case 'CreateStmt': {
      const rel = n.relation as RangeVarLike;
      const inh = (n.inhRelations as { RangeVar?: RangeVarLike }[] | undefined) ?? [];
      const refs: RangeVarLike[] = [];
      walk({ root: n.tableElts }, (type, body) => {
        if (type === 'Constraint' && body.contype === 'CONSTR_FOREIGN' && body.pktable) refs.push(body.pktable as RangeVarLike);
      });
      if (n.partbound && inh[0]?.RangeVar) b.apply('create_table.partition_of', null, { parent: inh[0].RangeVar });
      else if (refs.length) b.apply('create_table.references', null, { referenced: refs });
      else b.apply('create_table', null);
      const k = keyOf(b, rel);
      if (k) ctx.created.add(k);
      break;
    }
    case 'CreateTableAsStmt': {
      const mat = n.objtype === 'OBJECT_MATVIEW';
      b.apply(mat ? 'create_materialized_view' : 'create_table_as', null, { sources: rangeVars(n.query) });
      const into = (n.into as { IntoClause?: { rel?: RangeVarLike } } | undefined)?.IntoClause?.rel ?? (n.into as { rel?: RangeVarLike } | undefined)?.rel;
      const k = keyOf(b, into);
      if (k) ctx.created.add(k);
      for (const s of rangeVars(n.query)) {
        const r = b.resolve(s);
        if (r?.existing && !b.tables.includes(r.display)) b.tables.push(r.display);
      }
      break;
    }
    case 'ViewStmt': {
      b.apply('create_view', null, { sources: rangeVars(n.query) });
      const k = keyOf(b, n.view as RangeVarLike);
      if (k) ctx.created.add(k);
      break;
    }
    case 'IndexStmt': {
      const rel = n.relation as RangeVarLike;
      const r = b.resolve(rel);
      if (n.concurrent === true) b.apply('create_index.concurrently', rel);
      else if (r?.table?.relkind === 'p') {
        b.apply('create_index.partitioned', rel, { partitions: r.table.partitions });
        b.tables.splice(0, b.tables.length, ...r.table.partitions.map(displayOf));
      }
      else b.apply('create_index', rel);
      if (typeof n.idxname === 'string') ctx.created.add(`${rel.schemaname ?? 'public'}.${n.idxname}`);
      break;
    }
    case 'CreateTrigStmt':
      b.apply('create_trigger', n.relation as RangeVarLike);
      break;
    case 'CreatePolicyStmt':
      b.apply('create_policy', n.table as RangeVarLike);
      break;
    case 'AlterTableStmt': {
      const rel = n.relation as RangeVarLike;
      const cmds = ((n.cmds as { AlterTableCmd?: Cmd }[] | undefined) ?? []).map((c) => c.AlterTableCmd ?? {});
      if (n.objtype === 'OBJECT_INDEX') {
        for (const c of cmds) {
          if (c.subtype === 'AT_SetRelOptions' || c.subtype === 'AT_ResetRelOptions') b.apply('alter_table.set_reloptions', rel);
          else b.apply('alter_table.other', rel);
        }
      } else for (const c of cmds) analyzeAlterTableCmd(b, ctx, rel, c);
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
        case 'OBJECT_SEQUENCE':
          b.apply('rename_table', rel ?? null);
          break;
        case 'OBJECT_COLUMN':
          b.apply('rename_column', rel ?? null);
          break;
        case 'OBJECT_TABCONSTRAINT':
          b.apply('rename_constraint', rel ?? null);
          break;
        case 'OBJECT_INDEX':
          b.apply('rename_index', rel ?? null);
          break;
        default:
          b.apply('no_table_lock', null);
      }
      break;
    }
    case 'DropStmt': {
      const objects = ((n.objects as { List?: { items?: unknown } }[] | undefined) ?? []).map((o) => namesOf(o.List?.items));
      const cascade = n.behavior === 'DROP_CASCADE';
      switch (n.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE':
          for (const names of objects) {
            const r = b.resolve(names.join('.'));
            const referenced = (r && ctx.maps?.fksByTable.get(r.key)?.map((f) => f.references)) ?? [];
            if (cascade && r) referenced.push(...(ctx.maps?.fksByReferenced.get(r.key)?.map((f) => f.table) ?? []));
            b.apply('drop_table', names.join('.'), { referenced: referenced.filter((x) => x !== r?.key) });
            if (r?.existing) b.tables.push(r.display);
          }
          break;
        case 'OBJECT_INDEX':
          for (const names of objects) {
            const r = b.resolve(names.join('.'));
            const parent = r?.index ? r.index.table : null;
            b.apply(n.concurrent === true ? 'drop_index.concurrently' : 'drop_index', names.join('.'), { parent });
            if (!parent && r?.existing) b.notes.push(`the table of ${names.join('.')} is locked too (unknown without a catalog)`);
          }
          break;
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          for (const names of objects) b.apply('drop_view', names.join('.'));
          break;
        case 'OBJECT_TRIGGER':
          for (const names of objects) b.apply('drop_trigger', names.slice(0, -1).join('.'));
          break;
        default:
          b.apply('no_table_lock', null);
          if (cascade) b.notes.push('CASCADE may drop dependent tables, views or columns: locks on them are not modelled');
      }
      break;
    }
    case 'TruncateStmt': {
      const rels = ((n.relations as { RangeVar?: RangeVarLike }[] | undefined) ?? []).map((r) => r.RangeVar).filter((r): r is RangeVarLike => !!r);
      const cascade = n.behavior === 'DROP_CASCADE';
      for (const rel of rels) {
        const r = b.resolve(rel);
        const referencing: string[] = [];
        if (cascade && r && ctx.maps) {
          const queue = [r.key];
          const seen = new Set(queue);
          while (queue.length) {
            const cur = queue.shift()!;
            for (const fk of ctx.maps.fksByReferenced.get(cur) ?? []) {
              if (seen.has(fk.table)) continue;
              seen.add(fk.table);
              referencing.push(fk.table);
              queue.push(fk.table);
            }
          }
        }
        b.apply(cascade ? 'truncate.cascade' : 'truncate', rel, { referenced: referencing });
        if (cascade && !ctx.maps) b.notes.push('CASCADE also truncates every referencing table (unknown without a catalog)');
      }
      break;
    }
    case 'VacuumStmt': {
      const rels = ((n.rels as { VacuumRelation?: { relation?: RangeVarLike } }[] | undefined) ?? []).map((r) => r.VacuumRelation?.relation ?? null);
      const full = hasOption(n.options, 'full');
      const id = n.is_vacuumcmd ? (full ? 'vacuum_full' : 'vacuum') : 'analyze';
      if (rels.length === 0) {
        b.apply(id, null);
        b.notes.push('no table named: every table of the database is processed, one at a time');
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
        b.apply('reindex_index', rel ?? null, { parent: r?.index?.table ?? null });
        if (r?.index) b.tables.push(displayOf(r.index.table));
      } else {
        b.apply('unknown', null);
        b.notes.push('REINDEX SCHEMA/DATABASE/SYSTEM rebuilds many indexes one table at a time');
      }
      break;
    }
    case 'RefreshMatViewStmt': {
      const rel = n.relation as RangeVarLike;
      const r = b.resolve(rel);
      const sources = r && ctx.maps ? (ctx.maps.sourcesOfView.get(r.key) ?? []) : [];
      b.apply(n.concurrent === true ? 'refresh_materialized_view.concurrently' : 'refresh_materialized_view', rel, { sources });
      break;
    }
    case 'CommentStmt': {
      if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_COLUMN') {
        const names = namesOf((n.object as { List?: { items?: unknown } } | undefined)?.List?.items);
        b.apply('comment', (n.objtype === 'OBJECT_COLUMN' ? names.slice(0, -1) : names).join('.'));
      } else b.apply('no_table_lock', null);
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
      const rule = b.apply(id, rel, { sources: others });
      if (id !== 'insert' && !rule.sources) {
        /* unreachable: DML rules list sources */
      }
      if ((id === 'update' || id === 'delete') && n.whereClause) b.scans = false;
      if (id === 'insert' && others.length) for (const o of others) b.lock(o, 'AccessShareLock', 'source');
      if (id === 'insert' || id === 'update' || id === 'delete') b.tables.splice(0, b.tables.length, ...(b.resolve(rel)?.existing ? [b.resolve(rel)!.display] : []));
      if (id === 'update' || id === 'delete') {
        if (!n.whereClause) b.notes.push('no WHERE clause: every row is touched in one transaction');
      }
      break;
    }
    case 'SelectStmt':
      for (const r of rangeVars(n)) b.apply('select', r);
      if (!b.rules.length) b.apply('no_table_lock', null);
      break;
    case 'DoStmt':
      b.apply('no_table_lock', null);
      b.certainty = 'assumed';
      b.notes.push('a DO block can take any lock; its body is not analysed — rehearse it');
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

function displayOf(key: string): string {
  const i = key.indexOf('.');
  return i < 0 ? key : displayName(key.slice(0, i), key.slice(i + 1));
}

/** Per statement: locks, rewrites, scans, what it blocks, and the safer pattern. */
export function analyzeLocks(file: Pick<ParsedFile, 'statements'>, opts: AnalyzeLocksOptions): LockAnalysis {
  const major = majorVersion(opts.pgVersion);
  const ctx: Ctx = { major, maps: opts.catalog ? catalogMaps(opts.catalog) : null, created: new Set(), createdBefore: opts.createdBefore ?? new Set(), plan: opts.plan ?? newPlanChecks(), notFound: [] };
  const statements = file.statements.map((s) => {
    const before = ctx.notFound.length;
    const r = analyzeStatement(s, ctx);
    for (const k of ctx.notFound.slice(before)) r.notes.push(`${k} is not in the catalog snapshot: treated as an existing table of unknown size`);
    return r;
  });
  return { pgVersion: major, statements, created: [...ctx.created], notInCatalog: ctx.notFound };
}
