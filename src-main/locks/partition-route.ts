/**
 * Tuple routing of INSERT … VALUES into a partitioned table, as PostgreSQL does it
 * (partbounds.c): which partition each constant row lands in, from the partition key and the
 * partitions' bounds (the catalog's pg_get_partkeydef / pg_get_expr(relpartbound), or the plan's
 * CREATE TABLE … PARTITION OF). Only what can be decided exactly is decided: a key value that is
 * not a constant, an expression key, a HASH key, a type whose ordering depends on a collation or
 * a time zone — each leaves the partitions open (the caller lists the candidates as unknown).
 * Both the key and the bounds are read by the real parser, never by pattern.
 */
import { parseSql } from '../parse';
import { canonicalTypeName, type TypeRef } from './column-types';

/** A bound datum or a key value. */
export type Datum = { kind: 'null' } | { kind: 'min' } | { kind: 'max' } | { kind: 'const'; text: string } | { kind: 'unknown' };

export interface PartitionKey {
  strategy: 'range' | 'list' | 'hash';
  /** key columns; null for an expression key part */
  columns: (string | null)[];
}

export interface PartitionBound {
  isDefault: boolean;
  strategy: 'range' | 'list' | 'hash' | null;
  list: Datum[];
  lower: Datum[];
  upper: Datum[];
}

type Node = Record<string, unknown>;

/** A parse-tree constant (A_Const, a cast of one, MINVALUE/MAXVALUE) → datum. libpg-query omits zero/false/empty values. */
export function datumOf(node: unknown): Datum {
  const n = node as Node | undefined;
  if (!n) return { kind: 'unknown' };
  if (n.A_Const) {
    const c = n.A_Const as { isnull?: boolean; ival?: { ival?: number }; fval?: { fval?: string }; sval?: { sval?: string }; boolval?: { boolval?: boolean }; bsval?: unknown };
    if (c.isnull) return { kind: 'null' };
    if (c.ival) return { kind: 'const', text: String(c.ival.ival ?? 0) };
    if (c.fval) return { kind: 'const', text: c.fval.fval ?? '0' };
    if (c.sval) return { kind: 'const', text: c.sval.sval ?? '' };
    if (c.boolval) return { kind: 'const', text: c.boolval.boolval ? 'true' : 'false' };
    return { kind: 'unknown' };
  }
  if (n.TypeCast) return datumOf((n.TypeCast as { arg?: unknown }).arg);
  if (n.ColumnRef) {
    const f = ((n.ColumnRef as { fields?: { String?: { sval?: string } }[] }).fields ?? []).map((x) => x.String?.sval ?? '');
    if (f.length === 1 && f[0] === 'minvalue') return { kind: 'min' };
    if (f.length === 1 && f[0] === 'maxvalue') return { kind: 'max' };
  }
  return { kind: 'unknown' };
}

const strategyOf = (s: unknown): 'range' | 'list' | 'hash' | null => {
  const v = String(s ?? '').toLowerCase();
  if (v === 'r' || v.endsWith('range')) return 'range';
  if (v === 'l' || v.endsWith('list')) return 'list';
  if (v === 'h' || v.endsWith('hash')) return 'hash';
  return null;
};

/** CreateStmt.partspec → key. */
export function keyFromSpec(spec: unknown): PartitionKey | null {
  const s = spec as { strategy?: unknown; partParams?: { PartitionElem?: { name?: string } }[] } | undefined;
  const strategy = strategyOf(s?.strategy);
  if (!s || !strategy) return null;
  return { strategy, columns: (s.partParams ?? []).map((p) => p.PartitionElem?.name ?? null) };
}

/** CreateStmt.partbound / PartitionCmd.bound → bound. */
export function boundFromSpec(spec: unknown): PartitionBound | null {
  const s = spec as { is_default?: boolean; strategy?: unknown; listdatums?: unknown[]; lowerdatums?: unknown[]; upperdatums?: unknown[] } | undefined;
  if (!s) return null;
  return {
    isDefault: s.is_default === true,
    strategy: strategyOf(s.strategy),
    list: (s.listdatums ?? []).map(datumOf),
    lower: (s.lowerdatums ?? []).map(datumOf),
    upper: (s.upperdatums ?? []).map(datumOf),
  };
}

const keyCache = new Map<string, PartitionKey | null>();
const boundCache = new Map<string, PartitionBound | null>();

/** pg_get_partkeydef output (`RANGE (at)`) → key, by the parser. */
export function parsePartitionKey(def: string): PartitionKey | null {
  if (keyCache.has(def)) return keyCache.get(def)!;
  let key: PartitionKey | null;
  try {
    const st = parseSql(`CREATE TABLE confiture_route () PARTITION BY ${def}`).statements[0];
    key = st?.nodeType === 'CreateStmt' ? keyFromSpec(st.node.partspec) : null;
  } catch {
    return null; // parser not loaded: not cached
  }
  keyCache.set(def, key);
  return key;
}

/** pg_get_expr(relpartbound) output (`FOR VALUES IN ('eu')`, `DEFAULT`) → bound, by the parser. */
export function parsePartitionBound(def: string): PartitionBound | null {
  if (boundCache.has(def)) return boundCache.get(def)!;
  let bound: PartitionBound | null;
  try {
    const st = parseSql(`CREATE TABLE confiture_route PARTITION OF confiture_parent ${def}`).statements[0];
    bound = st?.nodeType === 'CreateStmt' ? boundFromSpec(st.node.partbound) : null;
  } catch {
    return null;
  }
  boundCache.set(def, bound);
  return bound;
}

type Category = 'int' | 'num' | 'date' | 'ts' | 'text' | 'uuid' | 'bool';

function categoryOf(type: TypeRef | null): Category | null {
  if (!type || type.array) return null;
  const name = canonicalTypeName(type.name);
  if (type.schema && type.schema !== 'pg_catalog') return null;
  if (['int2', 'int4', 'int8', 'smallint', 'integer', 'bigint'].includes(name)) return 'int';
  if (name === 'numeric') return 'num';
  if (name === 'date') return 'date';
  if (name === 'timestamp') return 'ts';
  if (name === 'text' || name === 'varchar') return 'text';
  if (name === 'uuid') return 'uuid';
  if (name === 'bool') return 'bool';
  return null;
}

/** A constant's value in a comparable form, or null when we do not read it exactly as PostgreSQL would. */
function normalise(text: string, cat: Category): bigint | number | string | null {
  const t = text.trim();
  switch (cat) {
    case 'int':
      return /^[+-]?\d{1,18}$/.test(t) ? BigInt(t) : null;
    case 'num': {
      // plain decimals that a double holds exactly enough to order (≤ 15 significant digits)
      if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) || t.replace(/[^0-9]/g, '').replace(/^0+/, '').length > 15) return null;
      return Number(t);
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? t : null;
    case 'ts': {
      const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(t);
      return m ? `${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}.${(m[5] ?? '').padEnd(6, '0')}` : null;
    }
    case 'text':
      return text;
    case 'uuid': {
      const hex = t.toLowerCase().replace(/^\{|\}$/g, '').replace(/-/g, '');
      return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
    }
    case 'bool': {
      const v = t.toLowerCase();
      if (['t', 'true', 'y', 'yes', 'on', '1'].includes(v)) return 'true';
      if (['f', 'false', 'n', 'no', 'off', '0'].includes(v)) return 'false';
      return null;
    }
  }
}

/** -1/0/1, or null when the order is not one we reproduce (text under a collation). */
function compare(a: string, b: string, cat: Category, forEquality: boolean): number | null {
  if (cat === 'text' && !forEquality) return null;
  const x = normalise(a, cat);
  const y = normalise(b, cat);
  if (x === null || y === null) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface RoutingTable {
  key: PartitionKey;
  /** each partition with its bound */
  partitions: { name: string; bound: PartitionBound }[];
  /** the key columns' types */
  types: (TypeRef | null)[];
}

/** Where one row goes: a partition, the default, nowhere (an error), or open. */
export type RouteResult = { partition: string } | { none: true } | { open: string };

/** Routes one row (key column → datum) among the partitions of one level. */
export function routeRow(table: RoutingTable, values: Map<string, Datum>): RouteResult {
  const { key } = table;
  if (key.strategy === 'hash') return { open: 'a HASH partition key is routed by a hash of the values' };
  if (key.columns.some((c) => c === null)) return { open: 'the partition key is an expression' };
  const cats = table.types.map(categoryOf);
  const datums = key.columns.map((c) => values.get(c!) ?? ({ kind: 'unknown' } as Datum));
  const unknownAt = datums.findIndex((d) => d.kind === 'unknown');
  if (unknownAt >= 0) return { open: `the value of ${key.columns[unknownAt]} is not a constant` };
  const def = table.partitions.find((p) => p.bound.isDefault)?.name;
  const fallback = (): RouteResult => (def ? { partition: def } : { none: true });
  if (key.strategy === 'list') {
    const d = datums[0]!;
    const cat = cats[0];
    if (!cat) return { open: `the type of ${key.columns[0]} is not one whose values are compared here` };
    for (const p of table.partitions) {
      if (p.bound.isDefault) continue;
      for (const v of p.bound.list) {
        if (d.kind === 'null' && v.kind === 'null') return { partition: p.name };
        if (d.kind === 'const' && v.kind === 'const') {
          const c = compare(d.text, v.text, cat, true);
          if (c === null) return { open: `a value of ${key.columns[0]} is not read exactly here` };
          if (c === 0) return { partition: p.name };
        }
      }
    }
    return fallback();
  }
  // RANGE: NULL goes to the default partition; bounds compare column by column, lower inclusive, upper exclusive
  if (datums.some((d) => d.kind === 'null')) return fallback();
  if (cats.some((c) => !c)) return { open: 'the type of a key column is not one whose values are compared here' };
  const cmpBound = (bound: Datum[]): number | null => {
    // row vs bound: -1 row < bound, 0 equal, 1 row > bound
    for (let i = 0; i < datums.length; i++) {
      const b = bound[i];
      if (!b || b.kind === 'min') return 1;
      if (b.kind === 'max') return -1;
      if (b.kind !== 'const') return null;
      const c = compare((datums[i] as { text: string }).text, b.text, cats[i]!, false);
      if (c === null) return null;
      if (c !== 0) return c;
    }
    return 0;
  };
  for (const p of table.partitions) {
    if (p.bound.isDefault) continue;
    const lo = cmpBound(p.bound.lower);
    const hi = cmpBound(p.bound.upper);
    if (lo === null || hi === null) return { open: `a value of ${key.columns.join(', ')} is not ordered exactly here (collation, time zone or format)` };
    if (lo >= 0 && hi < 0) return { partition: p.name };
  }
  return fallback();
}

/** A restriction of the WHERE clause on the (single) partition key column: `key <op> constant`. */
export interface KeyPredicate {
  op: '=' | '<' | '<=' | '>' | '>=';
  value: string;
}

/**
 * Plan-time partition pruning of UPDATE/DELETE: the partitions whose bounds can hold rows matching
 * every predicate (PostgreSQL locks exactly those), or null when we do not reproduce it (multi-column
 * or HASH keys, text ranges, an unsupported type or value).
 */
export function prunePartitions(table: RoutingTable, preds: KeyPredicate[]): string[] | null {
  const { key } = table;
  if (key.strategy === 'hash' || key.columns.length !== 1 || key.columns[0] === null) return null;
  const cat = categoryOf(table.types[0] ?? null);
  if (!cat) return null;
  const all = table.partitions.map((p) => p.name);
  if (preds.length === 0) return all;
  const def = table.partitions.find((p) => p.bound.isDefault)?.name;
  let lo: { v: string; incl: boolean } | null = null;
  let hi: { v: string; incl: boolean } | null = null;
  let eq: string | null = null;
  for (const p of preds) {
    if (p.op === '=') {
      if (eq !== null && compare(eq, p.value, cat, true) !== 0) return null;
      eq = p.value;
    } else if (key.strategy === 'list') return null;
    else if (p.op === '>' || p.op === '>=') {
      const c = lo ? compare(p.value, lo.v, cat, false) : 1;
      if (c === null) return null;
      if (!lo || c > 0 || (c === 0 && p.op === '>')) lo = { v: p.value, incl: p.op === '>=' };
    } else {
      const c = hi ? compare(p.value, hi.v, cat, false) : -1;
      if (c === null) return null;
      if (!hi || c < 0 || (c === 0 && p.op === '<')) hi = { v: p.value, incl: p.op === '<=' };
    }
  }
  if (key.strategy === 'list') {
    if (eq === null) return null;
    for (const p of table.partitions) {
      if (p.bound.isDefault) continue;
      for (const v of p.bound.list) {
        if (v.kind !== 'const') continue;
        const c = compare(eq, v.text, cat, true);
        if (c === null) return null;
        if (c === 0) return [p.name];
      }
    }
    return def ? [def] : [];
  }
  if (eq !== null) {
    lo = { v: eq, incl: true };
    hi = { v: eq, incl: true };
  }
  const out: string[] = [];
  let within = false;
  for (const p of table.partitions) {
    if (p.bound.isDefault) continue;
    const plo = p.bound.lower[0];
    const phi = p.bound.upper[0];
    if (!plo || !phi || p.bound.lower.length !== 1) return null;
    // the predicate's upper end reaches above the partition's lower bound, its lower end below the upper bound
    const a = hi && plo.kind === 'const' ? compare(hi.v, plo.text, cat, false) : 1;
    const b = lo && phi.kind === 'const' ? compare(lo.v, phi.text, cat, false) : -1;
    if (a === null || b === null) return null;
    const reachesUp = !hi || plo.kind === 'min' || a > 0 || (a === 0 && hi.incl);
    const reachesDown = !lo || phi.kind === 'max' || b < 0;
    if (reachesUp && reachesDown && plo.kind !== 'max' && phi.kind !== 'min') out.push(p.name);
    // the whole predicate inside this one partition: the default cannot hold a match
    const c = lo && plo.kind === 'const' ? compare(lo.v, plo.text, cat, false) : null;
    const d = hi && phi.kind === 'const' ? compare(hi.v, phi.text, cat, false) : null;
    const loInside = !!lo && (plo.kind === 'min' || (c !== null && c >= 0));
    const hiInside = !!hi && (phi.kind === 'max' || (d !== null && (d < 0 || (d === 0 && !hi.incl))));
    if (loInside && hiInside) within = true;
  }
  if (def && !within) out.push(def);
  return out;
}
