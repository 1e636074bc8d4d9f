/**
 * The risk model (docs/reference/risk-model.md). Pure: parsed migrations + catalog snapshot +
 * rehearsal measurements + throughput + history + lint findings → a score per statement and per
 * migration, each factor's value/weight/contribution, a confidence interval for the score and a
 * 90 % prediction interval for the blocking window.
 */
import { formatBytes, formatDuration } from '../../src-shared/format';
import crypto from 'node:crypto';
import type { CatalogSnapshot, CatalogTable, TableTraffic } from '../../src-shared/domain/catalog';
import type { RehearsedStatement } from '../../src-shared/domain/lifecycle';
import type { LockMode, OperationClass, StatementLocks } from '../../src-shared/domain/locks';
import {
  FACTOR_NAMES,
  type BlockingWindow,
  type CatalogFact,
  type FactorName,
  type Finding,
  type MigrationRisk,
  type RiskFactor,
  type RiskLevel,
  type RiskReport,
  type StatementRisk,
  type Throughput,
  type ThroughputRate,
  type Calibration,
} from '../../src-shared/domain/risk';
import { analyzeLocks, catalogMaps, majorVersion, newPlanChecks, strength, type PlanChecks } from '../locks';
import { walk } from '../locks/volatility';
import type { ParsedFile } from '../parse';
import { statsAreStale } from '../catalog';

/** Weights: the seed's five factors re-split into nine (see the doc for the evidence). Sum 1. */
export const DEFAULT_WEIGHTS: Record<FactorName, number> = {
  lock_impact: 0.2,
  blocking_window: 0.2,
  data_volume: 0.1,
  traffic: 0.1,
  lock_queue: 0.05,
  reversibility: 0.15,
  dependencies: 0.05,
  findings: 0.1,
  anomalies: 0.05,
};

/** The seed's cut points (0.25 / 0.5 / 0.75) on a 0–100 scale. */
export const CUT_POINTS = { medium: 25, high: 50, critical: 75 } as const;

/** Conservative defaults (bytes per ms) used until this server is measured. */
export const DEFAULT_THROUGHPUT: Throughput = { seqScan: 200_000, indexBuild: 50_000, rewrite: 40_000, source: 'default', measuredAt: null };

/**
 * How much a calm server's measured rates vary between calibrations (slowest over fastest, ×):
 * 1.14–1.34 across five calibrations at load ~1 (PG 15, 2 cores). The ×2 each side of a measured
 * prediction covers that and the model's own error; a server whose rates varied more gets its
 * intervals widened by the square root of the excess (half of it each side, geometrically).
 */
export const CALM_VARIABILITY = 1.35;

/** Catalog-only statements: a few ms, but up to 50 ms on a busy catalog. */
const CATALOG_MS = { estimate: 5, low: 1, high: 50 };
/** Size assumed for a table we know nothing about (no catalog), and the range around it. */
const UNKNOWN_SIZE = { estimate: 100 * 1024 ** 2, high: 100 * 1024 ** 3 };

export interface MigrationInput {
  version: string;
  name: string;
  checksum: string;
  parsed: Pick<ParsedFile, 'statements' | 'directives' | 'hasNonTransactional' | 'hasTransactionControl'>;
  hasDown: boolean;
}

/** actual / predicted duration ratios of real applies, per operation class. */
export interface RiskHistory {
  ratios: Partial<Record<OperationClass, number[]>>;
  calibration: Calibration;
}

export interface AssessRiskInput {
  migrations: MigrationInput[];
  /** major (13–18) or server_version_num; defaults to the catalog's server */
  pgVersion?: number;
  catalog?: CatalogSnapshot | null;
  /** lint/compliance findings per migration version */
  findings?: Record<string, Finding[]> | null;
  /** the latest rehearsal of each version */
  rehearsals?: Record<string, RehearsedStatement[]> | null;
  throughput?: Throughput | null;
  history?: RiskHistory | null;
  /** the engine's lock_timeout (ms, 0 = none); a file's `-- confiture: lock_timeout=` wins */
  lockTimeoutMs?: number;
  weights?: Partial<Record<FactorName, number>>;
  maxRisk?: number | null;
  /**
   * The transaction the predictions before rehearsal assume: `migration` (default: `migrate up`
   * commits each migration) or `plan` (the whole plan in one transaction, as the engine's dry-run
   * rehearses it). It decides which earlier statements' writes an UPDATE re-checks foreign keys
   * for. A rehearsal is always compared with the `plan` prediction.
   */
  transactionScope?: 'migration' | 'plan';
}

export function levelOf(score: number): RiskLevel {
  if (score >= CUT_POINTS.critical) return 'critical';
  if (score >= CUT_POINTS.high) return 'high';
  if (score >= CUT_POINTS.medium) return 'medium';
  return 'low';
}

const LEVEL_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export function levelRank(l: RiskLevel): number {
  return LEVEL_RANK[l];
}
function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 1);
/** 10 ms → 0, 100 ms → .25, 1 s → .5, 10 s → .75, 100 s → 1 */
export const windowScale = (ms: number) => clamp01((Math.log10(Math.max(ms, 1)) - 1) / 4);
/** 1 MB → 0, 1 GB → .5, 1 TB → 1 */
export const volumeScale = (bytes: number) => clamp01(Math.log10(Math.max(bytes, 1) / 1024 ** 2) / 6);
/** queries queued: 0 → 0, 10 → .35, 100 → .67, 1000 → 1 */
export const trafficScale = (perSec: number) => clamp01(Math.log10(1 + perSec) / 3);

const SEVERITY: Record<LockMode, number> = {
  AccessShareLock: 0,
  RowShareLock: 0.05,
  RowExclusiveLock: 0.1,
  ShareUpdateExclusiveLock: 0.15,
  ShareLock: 0.6,
  ShareRowExclusiveLock: 0.7,
  ExclusiveLock: 0.85,
  AccessExclusiveLock: 1,
};

const DESTRUCTIVE: Record<string, { value: number; why: string }> = {
  'drop_table': { value: 1, why: 'drops a table and its data' },
  'truncate': { value: 1, why: 'empties a table' },
  'truncate.cascade': { value: 1, why: 'empties a table and every table referencing it' },
  'alter_table.drop_column': { value: 1, why: 'drops a column and its data' },
  'delete': { value: 0.8, why: 'deletes rows' },
  'update': { value: 0.5, why: 'overwrites rows' },
  'alter_table.alter_type.rewrite': { value: 0.5, why: 'converts a column to another type (casts can lose data)' },
  'alter_table.alter_type.coercible': { value: 0.2, why: 'changes a column type' },
  'drop_view': { value: 0.3, why: 'drops a view (re-creatable, but clients break)' },
  'drop_index': { value: 0.3, why: 'drops an index (re-creatable, but queries may slow)' },
  'drop_index.concurrently': { value: 0.3, why: 'drops an index (re-creatable, but queries may slow)' },
  'alter_table.drop_constraint': { value: 0.3, why: 'drops a constraint (bad data can enter)' },
  'alter_table.drop_constraint.fk': { value: 0.3, why: 'drops a foreign key (orphans can enter)' },
  'drop_trigger': { value: 0.3, why: 'drops a trigger' },
  'rename_table': { value: 0.4, why: 'renames a table (clients using the old name fail)' },
  'rename_column': { value: 0.4, why: 'renames a column (clients using the old name fail)' },
  'alter_table.detach_partition': { value: 0.3, why: 'detaches a partition (its rows leave the table)' },
};

interface Interval {
  estimate: number;
  low: number;
  high: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 1;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

interface Env {
  major: number;
  catalog: CatalogSnapshot | null;
  tables: Map<string, CatalogTable> | null;
  traffic: Map<string, TableTraffic>;
  trafficMeasured: boolean;
  /** set when a verdict reads the traffic (the traffic factor of a blocking statement, or a fact): see TrafficBasis.used */
  trafficUsed: boolean;
  throughput: Throughput;
  history: RiskHistory | null;
  weights: Record<FactorName, number>;
  heldBy: Map<string, { mode: string; ageMs: number }[]>;
  maxLongTxMs: number;
}

const envCache = new WeakMap<CatalogSnapshot, Pick<Env, 'traffic' | 'heldBy' | 'maxLongTxMs'>>();

function keyOfDisplay(display: string): string {
  return display.includes('.') ? display : `public.${display}`;
}

function tableOf(env: Env, display: string): CatalogTable | null {
  return env.tables?.get(keyOfDisplay(display)) ?? null;
}

function factor(env: Env, name: FactorName, value: number, low: number, high: number, explanation: string): RiskFactor {
  const w = env.weights[name];
  const v = clamp01(value);
  return { name, value: round3(v), low: round3(Math.min(clamp01(low), v)), high: round3(Math.max(clamp01(high), v)), weight: w, contribution: round1(w * v * 100), explanation };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

const fmtMs = formatDuration;
const fmtBytes = formatBytes;
export { fmtMs, fmtBytes };

/**
 * A rewrite that evaluates a function per row (volatile default, identity, stored generated) vs a
 * type-change rewrite: bench/risk-calibration measured 1.0× (clock_timestamp()) to 2.5×
 * (gen_random_uuid()); 1.6 with the ×2 interval covers both. Only for functions the calibration
 * does not price (`PER_ROW_FUNCTIONS`) or tables of unknown row count: the others cost rows × µs.
 */
const REWRITE_PER_ROW_FUNCTION = 1.6;
/** Validating a foreign key joins the table to the referenced one: ≈ 3× a plain scan of it (bench/risk-calibration). */
const FK_JOIN = 3;
/**
 * An UPDATE of rows this transaction wrote itself (a rewrite, an earlier UPDATE) re-checks each
 * outbound foreign key per row even when the key did not change (PostgreSQL's RI trigger
 * `RI_FKey_fk_upd_check_required`): one lookup in the referenced table per row and FK. Measured
 * on PostgreSQL 15 and 18: an UPDATE of every row after a rewrite in the same transaction took
 * 3.2× the same UPDATE alone with one FK (75k rows, 432 → 1380 ms; the demo's 0022 after 0019:
 * 3.2×): + 2.2× the UPDATE per FK.
 */
const FK_RECHECK = 2.2;

/**
 * Bytes a scan pays for, at the calibration's row width: a validation scan (CHECK, SET NOT NULL,
 * a foreign key's join) costs per row, not per byte — the calibration table has narrow rows
 * (~77 bytes with header and line pointer), and bench/risk-calibration measured tables of ~115-byte
 * rows scanned 1.5–2.5× faster per byte than the calibrated rate. A table of rows narrower than the
 * calibration's (or never analyzed) counts its size.
 */
const CALIBRATION_ROW_BYTES = 77;
function scanBytes(t: CatalogTable): number {
  const rows = t.rowEstimate ?? -1;
  return rows > 0 ? Math.min(t.sizeBytes, rows * CALIBRATION_ROW_BYTES) : t.sizeBytes;
}

function outboundForeignKeys(env: Env, display: string): number {
  const k = keyOfDisplay(display);
  return env.catalog ? env.catalog.foreignKeys.filter((f) => f.table === k).length : 0;
}

function indexCount(env: Env, display: string): number {
  const k = keyOfDisplay(display);
  return env.catalog ? env.catalog.indexes.filter((i) => i.table === k).length : 2;
}

/** What of a statement's AST its duration depends on beyond the lock analysis (built by `statementShape`). */
export interface StatementShape {
  /** DML: a WHERE without a FROM/USING join may leave rows untouched (no WHERE, or a join: all rows) */
  filtered: boolean;
  /**
   * ALTER TABLE … ADD COLUMN that rewrites: the functions evaluated once per row (DEFAULT and
   * GENERATED expressions; identity and serial columns call `nextval`), by name, repeated per call
   */
  perRowFunctions?: string[];
  /** CREATE INDEX: each key's column (null for an expression) and its explicit COLLATE, if any */
  indexKeys?: { column: string | null; collation: string | null }[];
}

/**
 * The built-in functions a rewrite may evaluate per row that the throughput calibration prices
 * (µs per call on this server): a table rewritten by `ADD COLUMN … DEFAULT gen_random_uuid()`
 * costs the plain rewrite plus rows × the call (PostgreSQL 15: 2.6 µs, 0.87 s of a 0.94 s rewrite of
 * 300,000 rows; `clock_timestamp()` 0.06 µs, no more than a plain rewrite).
 */
export const PER_ROW_FUNCTIONS = ['gen_random_uuid', 'uuidv4', 'uuidv7', 'clock_timestamp', 'random', 'timeofday', 'nextval'] as const;

const SERIAL_TYPE_NAMES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** A qualified name's last part, without `pg_catalog.` (`["pg_catalog", "now"]` → `now`). */
const nameOf = (names: unknown): string => {
  const parts = ((names ?? []) as { String?: { sval?: string } }[]).map((p) => p.String?.sval ?? '');
  return parts.length === 2 && parts[0] === 'pg_catalog' ? parts[1]! : parts.join('.');
};

/** The names of the functions an expression calls (its FuncCall nodes, outermost first). */
function functionCalls(expr: unknown): string[] {
  const out: string[] = [];
  walk(expr, (type, body) => {
    if (type === 'FuncCall') out.push(nameOf(body.funcname));
  });
  return out;
}

/** The shape of any statement: DML filters, a rewrite's per-row functions, an index's key columns. */
export function statementShape(nodeType: string | undefined, node: Record<string, unknown> | undefined): StatementShape {
  if (!node) return { filtered: false };
  if (nodeType === 'UpdateStmt' || nodeType === 'DeleteStmt') {
    const joined = Array.isArray(node.fromClause) ? node.fromClause.length > 0 : Array.isArray(node.usingClause) ? node.usingClause.length > 0 : false;
    return { filtered: !!node.whereClause && !joined };
  }
  if (nodeType === 'IndexStmt') {
    const params = (node.indexParams ?? []) as { IndexElem?: { name?: string; collation?: unknown[] } }[];
    return { filtered: false, indexKeys: params.map((p) => ({ column: p.IndexElem?.name ?? null, collation: p.IndexElem?.collation?.length ? nameOf(p.IndexElem.collation) : null })) };
  }
  if (nodeType === 'AlterTableStmt') {
    const fns: string[] = [];
    for (const c of (node.cmds ?? []) as { AlterTableCmd?: { subtype?: string; def?: { ColumnDef?: { typeName?: { names?: { String?: { sval?: string } }[] }; constraints?: { Constraint?: Record<string, unknown> }[] } } } }[]) {
      const cmd = c.AlterTableCmd;
      const col = cmd?.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef : undefined;
      if (!col) continue;
      const typeName = col.typeName?.names?.at(-1)?.String?.sval ?? '';
      if (SERIAL_TYPE_NAMES.has(typeName)) fns.push('nextval');
      for (const k of col.constraints ?? []) {
        const con = k.Constraint ?? {};
        if (con.contype === 'CONSTR_IDENTITY') fns.push('nextval');
        if (con.contype === 'CONSTR_DEFAULT' || con.contype === 'CONSTR_GENERATED') fns.push(...functionCalls(con.raw_expr));
      }
    }
    return { filtered: false, perRowFunctions: fns };
  }
  return { filtered: false };
}

/** Collations that compare bytes (memcmp order): a key in one sorts as fast as an integer (the catalog's per-column flag counts the same two). */
const BYTE_ORDER_COLLATIONS = new Set(['C', 'POSIX']);

/**
 * Whether an index key sorts without a collation: a column the catalog marks not collatable
 * (pg_attribute.attcollation: integers, timestamps, uuids, text in "C"), or any column given an
 * explicit byte-order COLLATE. Expressions and columns the catalog does not know: no.
 */
function plainKey(table: CatalogTable, key: { column: string | null; collation: string | null }): boolean {
  const col = key.column === null ? undefined : table.columns.find((x) => x.name === key.column);
  if (!col) return false;
  return key.collation !== null ? BYTE_ORDER_COLLATIONS.has(key.collation) : col.collatable === false;
}

/**
 * The rate of an index build: the plain-key rate (a distinct random integer) when every key needs no
 * collation (a column of a plain type; a catalog index not marked collatable), else the
 * integer/text mean (text keys, expressions, or unknown). Measured on PostgreSQL 15, 300,000 rows
 * (29 MB): a random integer 203 ms, a timestamptz 206 ms, a bigint of 50,000 values 173 ms, the
 * physically sorted primary key 111 ms; text of 4 values 235 ms, random text 435 ms, their mean
 * (the calibration's low-cardinality integer with random text) 260 ms.
 */
function indexRate(tp: Throughput, plain: boolean): { rate: number; key: ThroughputRate } {
  return plain && tp.indexBuildPlain ? { rate: tp.indexBuildPlain, key: 'indexBuildPlain' } : { rate: tp.indexBuild, key: 'indexBuild' };
}

/**
 * Predicted duration of one statement (ms) with its 90 % interval and what it rests on, before
 * any rehearsal. `planned`: relations (`schema.name`) created by this plan (this file or an
 * earlier pending migration). They are absent from the catalog because they do not exist yet, not
 * because their size is unknown: they start empty, so they add no bytes.
 *
 * With a measured throughput and every table's size known, the interval is [estimate ÷ 2,
 * estimate × 2] (high/low = 4): bench/risk-calibration checks it covers ≥ 90 %.
 * DML: the target table (with its indexes) at the measured DML rate (index maintenance, WAL,
 * TOAST), the other tables it reads at the scan rate; a WHERE without a join may touch fewer
 * rows: the low end drops to the scan alone.
 */
function predictStatic(env: Env, s: StatementLocks, planned: ReadonlySet<string>, shape: StatementShape = { filtered: false }, written: ReadonlySet<string> = new Set()): BlockingWindow {
  const tp = env.throughput;
  const measured = tp.source === 'measured';
  // a catalog-only change: milliseconds, dominated by catalog contention and server load, not by
  // data: the measured probe time, with an honest [0.1 ms, max(4 × probe, 50 ms)] interval
  // (bench/risk-calibration measured COMMENT, ADD/DROP COLUMN, CREATE TRIGGER from 0.2 ms on)
  const cat = measured && tp.catalogMs !== undefined ? { estimate: Math.max(tp.catalogMs, 0.5), low: 0.1, high: Math.max(tp.catalogMs * 4, 50) } : CATALOG_MS;
  if (s.operation === 'none') return { estimate: 0, low: 0, high: 1, basis: 'none' };
  if (s.operation === 'catalog') return { ...cat, basis: env.catalog ? 'none' : 'no_catalog' };
  // the fixed part of a data-bound statement (parse, plan, catalog update): this server's catalog
  // probe, capped at 1 ms — the probe commits (a WAL flush: 4 ms on a loaded server) and a statement
  // inside a migration's transaction does not; a fixed 2 ms put 25,000-row validation scans of
  // 1.5 ms below their interval on a quiet server (bench/risk-calibration)
  const overhead = measured ? { estimate: tp.catalogMs !== undefined ? Math.min(Math.max(tp.catalogMs, 0.3), 1) : 2, low: 0.1, high: 50 } : CATALOG_MS;
  const isDelete = s.rules.includes('delete');
  const fk = s.rules.some((r) => r === 'alter_table.add_fk' || r === 'alter_table.validate_constraint.fk' || r.startsWith('alter_table.add_column.references'));
  const perRowFunction = s.rules.some((r) => r === 'alter_table.add_column.default_volatile' || r === 'alter_table.add_column.stored_generated' || r === 'alter_table.add_column.identity' || r === 'alter_table.add_column.serial');
  // DML: the calibration table has two indexes; each row also writes one entry per index
  const dmlRate = isDelete ? (tp.dmlDelete ?? tp.seqScan / 5) : (tp.dml ?? tp.seqScan / 4);
  // a rewrite evaluating only calibrated built-ins per row: the plain rewrite + rows × their cost
  const perRowUs = perRowFunction && shape.perRowFunctions && shape.perRowFunctions.every((f) => tp.perRowUs?.[f] !== undefined) ? shape.perRowFunctions.reduce((a, f) => a + tp.perRowUs![f]!, 0) : null;
  // CREATE INDEX on plain-typed columns (read from the catalog) builds at the integer-key rate
  const keyTable = shape.indexKeys && s.tables.length === 1 ? tableOf(env, s.tables[0]!) : null;
  const plainKeys = !!keyTable && shape.indexKeys!.length > 0 && shape.indexKeys!.every((k) => plainKey(keyTable, k));
  const index = indexRate(tp, plainKeys);
  const rate =
    s.operation === 'index_build' ? index.rate
    : s.operation === 'rewrite' ? (perRowFunction && perRowUs === null ? tp.rewrite / REWRITE_PER_ROW_FUNCTION : tp.rewrite)
    : s.operation === 'dml' ? dmlRate
    : s.operation === 'refresh' ? tp.seqScan / 2
    : fk ? tp.seqScan / FK_JOIN
    : tp.seqScan;
  // time = Σ bytes ÷ rate: the tables the statement writes/builds at `rate`, the ones it only reads at the scan rate
  let ms: Interval;
  let exact: boolean;
  let stale = false;
  if (env.tables) {
    let est = 0;
    let low = 0;
    let high = 0;
    let unknown = 0;
    const read = s.operation === 'dml' || fk ? s.locks.filter((l) => l.existing && (l.role === 'source' || (fk && l.role === 'referenced')) && !s.tables.includes(l.relation)).map((l) => l.relation) : [];
    for (const t of [...s.tables, ...read]) {
      const table = tableOf(env, t);
      if (!table) {
        if (!planned.has(keyOfDisplay(t))) unknown++;
        continue;
      }
      const isRead = !s.tables.includes(t);
      const scanned = isRead || s.operation === 'scan';
      const b = scanned ? scanBytes(table) : table.sizeBytes + (s.operation === 'rewrite' || (s.operation === 'dml' && !isDelete) ? table.indexBytes : 0);
      let t0 = isRead ? b / tp.seqScan : b / rate;
      if (!isRead && s.operation === 'dml' && !isDelete && env.catalog) t0 *= (1 + Math.max(1, indexCount(env, t))) / 3;
      // rows written earlier in this transaction: every outbound foreign key is checked again per row
      if (!isRead && s.operation === 'dml' && !isDelete && written.has(keyOfDisplay(t))) t0 *= 1 + FK_RECHECK * outboundForeignKeys(env, t);
      // REINDEX TABLE builds every index of the table, one after the other, each at its keys' rate
      if (!isRead && s.rules.includes('reindex_table')) {
        const own = env.catalog?.indexes.filter((i) => i.table === keyOfDisplay(t));
        t0 = own && own.length > 0 ? own.reduce((a, i) => a + b / indexRate(tp, i.collatable === false).rate, 0) : t0 * Math.max(1, indexCount(env, t));
      }
      // the per-row functions of a rewrite: rows × their measured cost (unknown rows: the fixed factor)
      if (!isRead && perRowUs !== null) t0 = table.rowEstimate !== null && table.rowEstimate >= 0 ? t0 + (table.rowEstimate * perRowUs) / 1000 : t0 * REWRITE_PER_ROW_FUNCTION;
      if (s.operation === 'refresh') for (const src of catalogSources(env, table)) t0 += src.sizeBytes / tp.seqScan;
      est += t0;
      high += t0;
      low += s.operation === 'dml' && shape.filtered && !isRead ? table.sizeBytes / tp.seqScan : t0;
      stale ||= statsAreStale(table);
    }
    // every table is new (created by this plan): empty, as quick as a catalog change
    if (est === 0 && unknown === 0 && s.tables.length > 0) return { ...cat, basis: 'none' };
    exact = unknown === 0;
    ms = { estimate: est + (unknown * UNKNOWN_SIZE.estimate) / rate, low, high: high + (unknown * UNKNOWN_SIZE.high) / rate };
  } else {
    exact = false;
    ms = { estimate: UNKNOWN_SIZE.estimate / rate, low: 0, high: UNKNOWN_SIZE.high / rate };
  }
  let lowF = measured ? 0.5 : 0.25;
  let highF = measured ? 2 : 4;
  let estF = 1;
  let basis: BlockingWindow['basis'] = env.tables ? (measured ? 'measured_throughput' : 'default_throughput') : 'no_catalog';
  let variability: number | undefined;
  const ratios = env.history?.ratios[s.operation];
  if (ratios && ratios.length >= 5) {
    const sorted = [...ratios].sort((a, b) => a - b);
    estF = quantile(sorted, 0.5);
    lowF = quantile(sorted, 0.05);
    highF = quantile(sorted, 0.95);
    basis = env.tables ? 'history' : basis;
  } else if (measured) {
    // a rate measured on a busy server is a moving target: widen by how much it moved
    const key: ThroughputRate = s.operation === 'index_build' ? index.key : s.operation === 'rewrite' ? 'rewrite' : s.operation === 'dml' ? (isDelete ? 'dmlDelete' : 'dml') : 'seqScan';
    const v = tp.variability?.[key];
    if (v !== undefined && v > CALM_VARIABILITY) {
      const widen = Math.sqrt(v / CALM_VARIABILITY);
      lowF /= widen;
      highF *= widen;
      variability = Math.round(v * 100) / 100;
    }
  }
  if (stale && (s.operation === 'dml' || s.operation === 'index_build')) {
    lowF *= 0.75;
    highF *= 1.5;
  }
  const estimate = (overhead.estimate + ms.estimate) * estF;
  if (measured && exact) {
    // sizes known, throughput measured: the interval is relative to the estimate
    return { estimate, low: Math.min(estimate, overhead.estimate + ms.low * estF) * lowF, high: estimate * highF, basis, ...(variability ? { variability } : {}) };
  }
  return { estimate, low: (overhead.low + ms.low) * lowF, high: (overhead.high + ms.high) * highF, basis, ...(variability ? { variability } : {}) };
}

/** The prediction, replaced by the rehearsal's measurement when there is one. */
function predictDuration(env: Env, s: StatementLocks, rehearsed: RehearsedStatement | undefined, planned: ReadonlySet<string>, shape: StatementShape, written: Written): { duration: BlockingWindow; predicted: BlockingWindow } {
  if (rehearsed?.rehearsed && rehearsed.durationMs !== null && !rehearsed.error) {
    // the dry-run rehearses the whole plan in one transaction: compare with that prediction
    const predicted = predictStatic(env, s, planned, shape, written.plan);
    const d = Math.max(rehearsed.durationMs, 0.1);
    return { duration: { estimate: d, low: d * 0.67, high: d * 1.5, basis: 'rehearsal' }, predicted };
  }
  const predicted = predictStatic(env, s, planned, shape, written.scope);
  return { duration: predicted, predicted };
}

/** Tables (`schema.name`) whose rows were written earlier in the same transaction: in the assumed scope, and in the rehearsal's (the plan). */
interface Written {
  scope: ReadonlySet<string>;
  plan: ReadonlySet<string>;
}

/**
 * Where a rehearsal's measurement fell against the prediction. Far outside = more than ×2 beyond
 * a bound (and more than 50 ms off: catalog noise is not an anomaly).
 */
export function measuredVerdict(measuredMs: number | null, p: BlockingWindow): 'inside' | 'outside' | 'far_outside' | 'not_measured' {
  if (measuredMs === null) return 'not_measured';
  if (measuredMs >= p.low && measuredMs <= p.high) return 'inside';
  const far = (measuredMs > p.high * 2 && measuredMs - p.high > 50) || (measuredMs < p.low / 2 && p.low - measuredMs > 50);
  return far ? 'far_outside' : 'outside';
}

function catalogSources(env: Env, view: CatalogTable): CatalogTable[] {
  if (!env.catalog) return [];
  const key = `${view.schema}.${view.name}`;
  return (catalogMaps(env.catalog).sourcesOfView.get(key) ?? []).map((k) => env.tables!.get(k)).filter((t): t is CatalogTable => !!t);
}

function blockingLocks(s: StatementLocks) {
  return s.locks.filter((l) => l.existing && (strength(l.mode) >= strength('ShareLock')));
}

/** Lock-queue exposure: waiting for a conflicting lock while every later query waits behind us. */
function queueExposure(env: Env, s: StatementLocks, lockTimeoutMs: number): Interval & { why: string } {
  const blocking = blockingLocks(s);
  if (blocking.length === 0) return { estimate: 0, low: 0, high: 0, why: 'takes no lock that ordinary queries wait for' };
  const cap = (ms: number) => (lockTimeoutMs > 0 ? Math.min(ms, lockTimeoutMs) : ms);
  if (!env.catalog) {
    const high = lockTimeoutMs > 0 ? lockTimeoutMs : 60_000;
    return { estimate: 0, low: 0, high, why: `no catalog: long transactions unknown; a queued lock can keep others waiting up to ${lockTimeoutMs > 0 ? `lock_timeout (${fmtMs(lockTimeoutMs)})` : '60 s or more (no lock_timeout)'}` };
  }
  let worst = 0;
  for (const l of blocking) for (const h of env.heldBy.get(keyOfDisplay(l.relation)) ?? []) worst = Math.max(worst, h.ageMs);
  if (worst > 0) {
    return { estimate: cap(worst), low: cap(worst * 0.1), high: cap(worst * 3), why: `a transaction open for ${fmtMs(worst)} holds a lock on ${blocking.map((b) => b.relation).join(', ')}: the statement queues behind it and everyone queues behind the statement` };
  }
  if (env.maxLongTxMs > 0) {
    return { estimate: 0, low: 0, high: cap(env.maxLongTxMs), why: `${env.catalog.longTransactions.length} long transaction(s) open (oldest ${fmtMs(env.maxLongTxMs)}), none on these tables yet` };
  }
  return { estimate: 0, low: 0, high: lockTimeoutMs > 0 ? Math.min(lockTimeoutMs, 1000) : 1000, why: 'no long-running transaction at snapshot time' };
}

/** A lock an earlier statement of the same transaction took on an existing relation: held until COMMIT. */
interface InheritedLock {
  relation: string;
  mode: LockMode;
  since: number;
}

const blocksOf = (mode: LockMode) => ({ reads: mode === 'AccessExclusiveLock', writes: strength(mode) >= strength('ShareLock') });

function statementRisk(env: Env, s: StatementLocks, sql: string, rehearsed: RehearsedStatement | undefined, findings: Finding[] | null, lockTimeoutMs: number, planned: ReadonlySet<string>, inherited: InheritedLock[] = [], shape: StatementShape = { filtered: false }, written: Written = { scope: new Set(), plan: new Set() }): { risk: StatementRisk; queue: Interval; destructive: { value: number; why: string } | null; depsTotal: number } {
  const existingLocks = s.locks.filter((l) => l.existing);
  const strongestOwn = existingLocks.reduce<(typeof existingLocks)[number] | null>((a, l) => (!a || strength(l.mode) > strength(a.mode) ? l : a), null);
  const strongestInherited = inherited.reduce<InheritedLock | null>((a, l) => (!a || strength(l.mode) > strength(a.mode) ? l : a), null);
  // a lock taken earlier in the transaction is still held while this statement runs: others keep waiting on it
  const inheritedWins = !!strongestInherited && (!strongestOwn || strength(strongestInherited.mode) > strength(strongestOwn.mode));
  const strongestLock = inheritedWins ? { relation: strongestInherited.relation, mode: strongestInherited.mode } : strongestOwn;
  const { duration, predicted } = predictDuration(env, s, rehearsed, planned, shape, written);
  const inhBlocks = inherited.reduce((a, l) => ({ reads: a.reads || blocksOf(l.mode).reads, writes: a.writes || blocksOf(l.mode).writes }), { reads: false, writes: false });
  const blocks = { ...s.blocks, reads: s.blocks.reads || inhBlocks.reads, writes: s.blocks.writes || inhBlocks.writes };
  const blocksTraffic = blocks.reads || blocks.writes;
  const queue = queueExposure(env, s, lockTimeoutMs);
  const window: BlockingWindow = blocksTraffic
    ? { estimate: duration.estimate + queue.estimate, low: duration.low + queue.low, high: duration.high + queue.high, basis: duration.basis, ...(duration.variability ? { variability: duration.variability } : {}) }
    : { estimate: 0, low: 0, high: 0, basis: 'none' };

  const factors: RiskFactor[] = [];
  // lock impact
  {
    const sev = strongestLock ? SEVERITY[strongestLock.mode] : 0;
    const blocked = [blocks.reads && 'reads', blocks.writes && 'writes', blocks.ddl && 'DDL'].filter(Boolean).join(' + ') || 'nothing';
    const why = strongestLock
      ? inheritedWins
        ? `runs under ${strongestLock.mode} on ${strongestLock.relation} held since #${strongestInherited!.since} (same transaction): blocks ${blocked}`
        : `${strongestLock.mode} on ${strongestLock.relation} blocks ${blocked}`
      : existingLocks.length === 0 && s.locks.length ? 'locks only relations created in this migration' : 'takes no table lock';
    factors.push(factor(env, 'lock_impact', sev, s.certainty === 'assumed' ? sev * 0.5 : sev, sev, why + (s.certainty === 'assumed' ? ' (assumed)' : '')));
  }
  // blocking window
  factors.push(
    factor(env, 'blocking_window', windowScale(window.estimate), windowScale(window.low), windowScale(window.high),
      blocksTraffic ? `others wait ~${fmtMs(window.estimate)} (90 %: ${fmtMs(window.low)}–${fmtMs(window.high)}; ${basisText(window)})` : 'no query waits on it'),
  );
  // data volume: only the tables whose size drives the duration (scans, builds, rewrites)
  {
    const relevant = s.tables;
    if (relevant.length === 0) factors.push(factor(env, 'data_volume', 0, 0, 0, s.operation === 'none' ? 'touches no table data' : 'catalog-only change: table size does not matter'));
    else if (!env.tables) factors.push(factor(env, 'data_volume', 0.5, 0, 1, `no catalog: size of ${relevant.join(', ')} unknown`));
    else {
      let bytes = 0;
      for (const r of relevant) {
        const t = tableOf(env, r);
        if (t) bytes += t.sizeBytes + t.indexBytes;
      }
      const v = volumeScale(bytes);
      factors.push(factor(env, 'data_volume', v, v, v, `${relevant.join(', ')}: ${fmtBytes(bytes)} with indexes`));
    }
  }
  // traffic: the queries expected to queue = blocked rate × blocking window
  {
    const locked = [...blockingLocks(s), ...inherited.filter((l) => strength(l.mode) >= strength('ShareLock') && !blockingLocks(s).some((b) => b.relation === l.relation))];
    if (!blocksTraffic || locked.length === 0) factors.push(factor(env, 'traffic', 0, 0, 0, 'no traffic is blocked'));
    else {
      env.trafficUsed = true;
      if (!env.catalog || !env.trafficMeasured) {
        const hi = trafficScale(1000 * (window.high / 1000));
        factors.push(factor(env, 'traffic', Math.min(0.3, hi), 0, hi, env.catalog ? 'traffic not measured (window 0)' : 'no catalog: traffic unknown'));
      } else {
        let rate = 0;
        for (const l of locked) {
          const t = env.traffic.get(keyOfDisplay(l.relation));
          if (!t) continue;
          rate += (strength(l.mode) === 8 ? t.readsPerSec : 0) + t.writesPerSec;
        }
        const n = (w: number) => (rate * w) / 1000;
        const v = trafficScale(n(window.estimate));
        // a short window undercounts bursts; statistics reach pg_stat with up to ~1 s delay
        factors.push(factor(env, 'traffic', v, trafficScale(n(window.low) * 0.5), trafficScale(n(window.high) * 2),
          `${rate.toFixed(1)} blocked queries/s (measured over ${fmtMs(env.catalog.traffic.windowMs)}) on ${locked.map((l) => l.relation).join(', ')} → ~${Math.round(n(window.estimate))} queued during the window`));
      }
    }
  }
  // lock queue
  {
    let v = windowScale(queue.estimate);
    let why = queue.why;
    if (blockingLocks(s).length && lockTimeoutMs <= 0) {
      v = Math.max(v, 0.4);
      why = `no lock_timeout: ${why}`;
    }
    factors.push(factor(env, 'lock_queue', v, v, Math.max(v, windowScale(queue.high)), why));
  }
  // reversibility (per statement: destructiveness on existing data)
  let destructive: { value: number; why: string } | null = null;
  for (const id of s.rules) {
    const d = DESTRUCTIVE[id];
    if (!d || !s.locks.some((l) => l.existing)) continue;
    if (id === 'update' || id === 'delete') {
      const t = s.tables[0] ? tableOf(env, s.tables[0]) : null;
      if (t && (t.rowEstimate ?? 1) === 0) continue;
    }
    if (!destructive || d.value > destructive.value) destructive = d;
  }
  factors.push(factor(env, 'reversibility', destructive?.value ?? 0, destructive?.value ?? 0, destructive?.value ?? 0, destructive ? destructive.why : 'additive: nothing is lost'));
  // dependencies
  let depsTotal = 0;
  {
    const relevant = [...new Set(s.locks.filter((l) => l.existing && strength(l.mode) >= 4).map((l) => l.relation))];
    if (relevant.length === 0) factors.push(factor(env, 'dependencies', 0, 0, 0, 'no existing relation changed'));
    else if (!env.catalog) factors.push(factor(env, 'dependencies', 0.2, 0, 1, 'no catalog: dependent objects unknown'));
    else {
      const maps = catalogMaps(env.catalog);
      let fks = 0;
      let views = 0;
      let trig = 0;
      let funcs = 0;
      for (const r of relevant) {
        const k = keyOfDisplay(r);
        const t = env.tables!.get(k);
        fks += (maps.fksByTable.get(k)?.length ?? 0) + (maps.fksByReferenced.get(k)?.length ?? 0);
        views += t?.dependentViews.length ?? 0;
        trig += t?.triggers.length ?? 0;
        funcs += t?.dependentFunctions.length ?? 0;
      }
      depsTotal = fks + views + trig + funcs;
      const v = Math.min(1, depsTotal / 10);
      factors.push(factor(env, 'dependencies', v, v, v, `${fks} foreign key(s), ${views} view(s), ${trig} trigger(s), ${funcs} function(s) depend on ${relevant.join(', ')}`));
    }
  }
  // findings
  {
    if (findings === null) factors.push(factor(env, 'findings', 0, 0, 0.5, 'lint not run for this report'));
    else {
      const mine = findings.filter((f) => f.statementIndex === s.index);
      const v = findingsValue(mine);
      factors.push(factor(env, 'findings', v, v, v, mine.length ? `${mine.length} finding(s): ${[...new Set(mine.map((f) => f.rule))].slice(0, 4).join(', ')}` : 'no lint findings'));
    }
  }
  // anomalies: rehearsal surprises, and statements that fail as soon as the table holds a row
  // (a rehearsal on an empty table cannot rule that out)
  const anomalies: string[] = [];
  let verdict: 'inside' | 'outside' | 'far_outside' | 'not_measured' = 'not_measured';
  {
    const hazard = failsOnRows(env, s, planned);
    if (hazard) anomalies.push(hazard.why);
    if (!rehearsed) factors.push(hazard ? factor(env, 'anomalies', hazard.value, hazard.low, 1, `${hazard.why}; never rehearsed`) : factor(env, 'anomalies', 0, 0, s.transactional ? 0.5 : 0.3, 'never rehearsed'));
    else {
      let v = 0;
      if (rehearsed.error) {
        anomalies.push(`rehearsal failed: ${rehearsed.error}`);
        v = 1;
      }
      const predictedLocks = new Map(s.locks.map((l) => [l.relation, l.mode] as const));
      const maps = env.catalog ? catalogMaps(env.catalog) : null;
      // relations that did not exist before the plan (the new table, its sequence, its indexes):
      // nobody else can be waiting on them, whatever lock the statement takes
      const isNew = (rel: string) => {
        const k = keyOfDisplay(rel);
        return planned.has(k) || (!!maps && !maps.tables.has(k) && !maps.indexes.has(k));
      };
      for (const l of rehearsed.ownLocks ?? rehearsed.locks) {
        const p = predictedLocks.get(l.relation) ?? predictedLocks.get(l.relation.replace(/^public\./, ''));
        const mode = l.mode as LockMode;
        if (SEVERITY[mode] === undefined) continue;
        if (!p && isNew(l.relation)) continue;
        if (!p && strength(mode) >= strength('ShareLock')) anomalies.push(`took ${l.mode} on ${l.relation}, not predicted`);
        else if (p && strength(mode) > strength(p)) anomalies.push(`took ${l.mode} on ${l.relation}, predicted ${p}`);
      }
      for (const r of rehearsed.rewritten) {
        const rel = r.replace(/^public\./, '');
        // an open question (rewrite "unknown without a catalog") answered by the rehearsal is not a surprise
        if (!s.rewrites && !s.unknowns?.some((u) => u.fact === 'rewrite') && s.locks.some((l) => l.relation === rel && l.role === 'target')) anomalies.push(`rewrote ${r}, not predicted`);
      }
      if (anomalies.length > (hazard ? 1 : 0) && v < 1) v = 0.7;
      // the measurement against the prediction made without it
      verdict = rehearsed.rehearsed && !rehearsed.error ? measuredVerdict(rehearsed.durationMs, predicted) : 'not_measured';
      if (verdict === 'far_outside' || verdict === 'outside') {
        const m = rehearsed.durationMs!;
        const beyond = m > predicted.high ? m / Math.max(predicted.high, 0.1) : predicted.low / Math.max(m, 0.1);
        anomalies.push(`measured ${fmtMs(m)}, predicted ${fmtMs(predicted.estimate)} (90 %: ${fmtMs(predicted.low)}–${fmtMs(predicted.high)})${verdict === 'far_outside' ? ': anomaly' : ': outside the interval'}`);
        v = Math.max(v, verdict === 'far_outside' ? Math.min(1, 0.5 + 0.1 * Math.log2(beyond)) : 0.25);
      }
      if (hazard) v = Math.max(v, hazard.value);
      if (!rehearsed.rehearsed) factors.push(factor(env, 'anomalies', 0, 0, 0.3, 'cannot run in a transaction: analysed statically only'));
      else factors.push(factor(env, 'anomalies', v, v, v, anomalies.length ? anomalies.join('; ') : `measured ${fmtMs(rehearsed.durationMs ?? 0)}, predicted ${fmtMs(predicted.estimate)} (90 %: ${fmtMs(predicted.low)}–${fmtMs(predicted.high)}): as predicted`));
    }
  }
  const score = scoreOf(factors);
  return {
    risk: {
      index: s.index,
      kind: s.kind,
      line: s.line,
      sql: sql.length > 400 ? `${sql.slice(0, 400)}…` : sql,
      score: score.score,
      level: levelOf(score.score),
      locks: s.locks,
      rewrites: s.rewrites,
      scans: s.scans,
      blocks,
      operation: s.operation,
      durationMs: roundWindow(duration),
      blockingWindowMs: roundWindow(window),
      factors,
      safeAlternative: s.safeAlternative,
      notes: s.notes,
      rehearsal: rehearsed ? { durationMs: rehearsed.durationMs, anomalies, predictedMs: roundWindow(predicted), verdict } : null,
    },
    queue,
    destructive,
    depsTotal,
  };
}

/** Lock-table rules whose statement errors out on a table that holds any row. */
const FAILS_ON_ROWS = new Set(['alter_table.add_column.not_null_no_default']);

/** A statement that fails once its table holds a row: certain (1) when the catalog counts rows, .5 [0, 1] when the table is new or unknown. */
function failsOnRows(env: Env, s: StatementLocks, planned: ReadonlySet<string>): { value: number; low: number; why: string } | null {
  if (!s.rules.some((r) => FAILS_ON_ROWS.has(r))) return null;
  const target = s.locks.find((l) => l.role === 'target' && l.existing);
  if (!target) return null; // created earlier in this file: empty for sure
  const t = tableOf(env, target.relation);
  if (t && (t.rowEstimate ?? 0) > 0) return { value: 1, low: 1, why: `fails: ${target.relation} has ~${t.rowEstimate} rows (NOT NULL without a default)` };
  if (t && t.rowEstimate === 0) return { value: 0.5, low: 0, why: `fails as soon as ${target.relation} holds a row (empty at snapshot time)` };
  const why = planned.has(keyOfDisplay(target.relation))
    ? `fails as soon as ${target.relation} holds a row: created empty by an earlier migration, but live once that one commits`
    : `fails if ${target.relation} holds any row (row count unknown)`;
  return { value: 0.5, low: 0, why };
}

function basisText(w: BlockingWindow): string {
  const text = basisName(w.basis);
  return w.variability ? `${text}, which varied ×${w.variability.toFixed(2)} between calibrations: interval widened` : text;
}

function basisName(b: BlockingWindow['basis']): string {
  switch (b) {
    case 'rehearsal':
      return 'measured by rehearsal';
    case 'history':
      return 'throughput corrected by past applies';
    case 'measured_throughput':
      return "this server's measured throughput";
    case 'default_throughput':
      return 'default throughput, server not calibrated';
    case 'no_catalog':
      return 'no catalog: table size unknown';
    default:
      return 'catalog change only';
  }
}

function roundWindow(w: BlockingWindow): BlockingWindow {
  const r = (x: number) => (x < 1000 ? Math.round(x * 10) / 10 : Math.round(x));
  return { estimate: r(w.estimate), low: r(w.low), high: r(w.high), basis: w.basis, ...(w.variability ? { variability: w.variability } : {}) };
}

function findingsValue(f: Finding[]): number {
  let v = 0;
  for (const x of f) v += x.severity === 'error' ? 0.5 : x.severity === 'warning' ? 0.25 : 0.05;
  return Math.min(1, v);
}

function scoreOf(factors: RiskFactor[]): { score: number; low: number; high: number } {
  let s = 0;
  let lo = 0;
  let hi = 0;
  for (const f of factors) {
    s += f.weight * f.value;
    lo += f.weight * f.low;
    hi += f.weight * f.high;
  }
  return { score: round1(s * 100), low: round1(lo * 100), high: round1(hi * 100) };
}

function normaliseWeights(over?: Partial<Record<FactorName, number>>): Record<FactorName, number> {
  const w = { ...DEFAULT_WEIGHTS, ...(over ?? {}) };
  const sum = FACTOR_NAMES.reduce((a, n) => a + Math.max(0, w[n]), 0) || 1;
  return Object.fromEntries(FACTOR_NAMES.map((n) => [n, Math.round((Math.max(0, w[n]) / sum) * 10000) / 10000])) as Record<FactorName, number>;
}

function buildEnv(input: AssessRiskInput): Env {
  const catalog = input.catalog ?? null;
  const major = majorVersion(input.pgVersion ?? catalog?.server.versionNum ?? 18);
  let derived = catalog ? envCache.get(catalog) : undefined;
  if (catalog && !derived) {
    const heldBy = new Map<string, { mode: string; ageMs: number }[]>();
    for (const tx of catalog.longTransactions) for (const r of tx.relations) {
      const list = heldBy.get(r.relation) ?? [];
      list.push({ mode: r.mode, ageMs: tx.ageMs });
      heldBy.set(r.relation, list);
    }
    derived = {
      traffic: new Map(catalog.traffic.tables.map((t) => [t.table, t])),
      heldBy,
      maxLongTxMs: catalog.longTransactions.reduce((a, t) => Math.max(a, t.ageMs), 0),
    };
    envCache.set(catalog, derived);
  }
  return {
    major,
    catalog,
    tables: catalog ? catalogMaps(catalog).tables : null,
    traffic: derived?.traffic ?? new Map(),
    trafficMeasured: !!catalog && catalog.traffic.windowMs > 0,
    trafficUsed: false,
    throughput: input.throughput ?? DEFAULT_THROUGHPUT,
    history: input.history ?? null,
    weights: normaliseWeights(input.weights),
    heldBy: derived?.heldBy ?? new Map(),
    maxLongTxMs: derived?.maxLongTxMs ?? 0,
  };
}

function catalogFacts(env: Env, statements: StatementRisk[]): CatalogFact[] {
  if (!env.catalog || !env.tables) return [];
  const maps = catalogMaps(env.catalog);
  const names = new Set<string>();
  for (const s of statements) for (const l of s.locks) if (l.existing) names.add(l.relation);
  const out: CatalogFact[] = [];
  for (const n of names) {
    const k = keyOfDisplay(n);
    const t = env.tables.get(k);
    if (!t) continue;
    env.trafficUsed = true;
    const tr = env.traffic.get(k);
    out.push({
      table: n,
      sizeBytes: t.sizeBytes,
      indexBytes: t.indexBytes,
      rowEstimate: t.rowEstimate,
      lastAnalyze: t.lastAnalyze,
      staleStats: statsAreStale(t),
      readsPerSec: env.trafficMeasured ? round1(tr?.readsPerSec ?? 0) : null,
      writesPerSec: env.trafficMeasured ? round1(tr?.writesPerSec ?? 0) : null,
      foreignKeys: (maps.fksByTable.get(k)?.length ?? 0) + (maps.fksByReferenced.get(k)?.length ?? 0),
      views: t.dependentViews.length,
      triggers: t.triggers.length,
      functions: t.dependentFunctions.length,
      heldByLongTransactions: env.heldBy.get(k)?.length ?? 0,
    });
  }
  return out;
}

/** Tables whose rows a statement writes (new row versions carrying this transaction's id): rewrites and UPDATEs of existing tables. */
function writtenBy(s: StatementLocks): string[] {
  if (s.operation !== 'rewrite' && !(s.operation === 'dml' && s.rules.includes('update'))) return [];
  return s.tables.map(keyOfDisplay);
}

function assessMigration(env: Env, m: MigrationInput, input: AssessRiskInput, createdBefore: Set<string>, plan: PlanChecks, planWritten: Set<string>): MigrationRisk {
  const analysis = analyzeLocks(m.parsed, { pgVersion: env.major, catalog: env.catalog, createdBefore, plan });
  for (const c of analysis.created ?? []) createdBefore.add(c);
  const planned: ReadonlySet<string> = createdBefore;
  const lockTimeoutMs = m.parsed.directives.lockTimeoutMs ?? input.lockTimeoutMs ?? 0;
  const rehearsal = input.rehearsals?.[m.version] ?? null;
  const findings = input.findings ? (input.findings[m.version] ?? []) : null;
  // in one transaction every lock is held to COMMIT: a statement runs under the locks of the
  // statements before it and inherits their blocking impact
  const transactional = !m.parsed.hasNonTransactional && !m.parsed.hasTransactionControl;
  const held = new Map<string, InheritedLock>();
  // rows written earlier in the transaction: this file's (migrate up commits each migration), or
  // the plan's (the dry-run rehearses it in one transaction; `transactionScope: 'plan'`)
  const fileWritten = new Set<string>();
  const written: Written = { scope: input.transactionScope === 'plan' ? planWritten : fileWritten, plan: planWritten };
  const results = analysis.statements.map((s) => {
    const parsedStmt = m.parsed.statements[s.index];
    const inherited = transactional ? [...held.values()].filter((h) => !s.locks.some((l) => l.relation === h.relation && strength(l.mode) >= strength(h.mode))) : [];
    const r = statementRisk(env, s, parsedStmt?.sql ?? '', rehearsal?.find((x) => x.index === s.index), findings, lockTimeoutMs, planned, inherited, statementShape(parsedStmt?.nodeType, parsedStmt?.node), { scope: new Set(written.scope), plan: new Set(written.plan) });
    for (const t of writtenBy(s)) {
      planWritten.add(t);
      if (transactional) fileWritten.add(t);
    }
    for (const l of s.locks) {
      if (!l.existing || SEVERITY[l.mode] === undefined) continue;
      const cur = held.get(l.relation);
      if (!cur || strength(l.mode) > strength(cur.mode)) held.set(l.relation, { relation: l.relation, mode: l.mode, since: s.index });
    }
    return r;
  });
  const statements = results.map((r) => r.risk);

  // blocking window of the migration: in one transaction every lock is held to COMMIT,
  // so from the first blocking statement on, every later statement's duration counts
  let window: BlockingWindow = { estimate: 0, low: 0, high: 0, basis: 'none' };
  const firstBlocking = statements.findIndex((s) => s.blocks.reads || s.blocks.writes);
  if (firstBlocking >= 0) {
    if (transactional) {
      for (let i = firstBlocking; i < statements.length; i++) {
        const d = statements[i]!.durationMs;
        const q = statements[i]!.blocks.reads || statements[i]!.blocks.writes ? results[i]!.queue : { estimate: 0, low: 0, high: 0 };
        const variability = Math.max(window.variability ?? 0, d.variability ?? 0);
        window = {
          estimate: window.estimate + d.estimate + q.estimate,
          low: window.low + d.low + q.low,
          high: window.high + d.high + q.high,
          basis: window.basis === 'none' || d.basis === 'no_catalog' ? d.basis : window.basis,
          ...(variability ? { variability } : {}),
        };
      }
    } else {
      for (const s of statements) if (s.blockingWindowMs.estimate > window.estimate) window = s.blockingWindowMs;
    }
  }
  window = roundWindow(window);

  // factors of the migration: the worst statement's statement-scoped factors
  // factors of the migration: each statement-scoped factor at its worst over every statement
  const pick = (name: FactorName): { f: RiskFactor; at: number } | null => {
    let best: { f: RiskFactor; at: number } | null = null;
    for (const st of statements) {
      const f = st.factors.find((x) => x.name === name);
      if (f && (!best || f.value > best.f.value || (f.value === best.f.value && f.high > best.f.high))) best = { f, at: st.index };
    }
    return best;
  };
  const factors: RiskFactor[] = [];
  for (const name of ['lock_impact', 'data_volume', 'traffic', 'lock_queue', 'dependencies'] as const) {
    const p = pick(name);
    factors.push(p ? { ...p.f, explanation: statements.length > 1 ? `#${p.at}: ${p.f.explanation}` : p.f.explanation } : factor(env, name, 0, 0, 0, 'no statements'));
  }
  const blockingStmt = statements.filter((s) => s.blocks.reads || s.blocks.writes).map((s) => `#${s.index}`);
  factors.splice(1, 0, factor(env, 'blocking_window', windowScale(window.estimate), windowScale(window.low), windowScale(window.high),
    firstBlocking < 0 ? 'no query waits on this migration' : `others wait ~${fmtMs(window.estimate)} (90 %: ${fmtMs(window.low)}–${fmtMs(window.high)}) on ${blockingStmt.join(', ')}${transactional && statements.length > 1 ? ', locks held to COMMIT' : ''}; ${basisText(window)}`));
  // reversibility: worst destructive statement, and whether a down migration exists
  {
    const d = results.reduce<{ value: number; why: string; index: number } | null>((a, r) => (r.destructive && (!a || r.destructive.value > a.value) ? { ...r.destructive, index: r.risk.index } : a), null);
    let v = 0.8 * (d?.value ?? 0);
    let why = d ? `#${d.index} ${d.why}` : 'additive: nothing is lost';
    if (!m.hasDown) {
      v = Math.min(1, v + 0.2);
      why += '; no down migration';
    } else if (d && d.value >= 1) why += '; a down migration cannot bring the data back';
    factors.push(factor(env, 'reversibility', v, v, v, why));
  }
  factors.push(factors.splice(factors.findIndex((f) => f.name === 'dependencies'), 1)[0]!);
  // findings over the whole file
  if (findings === null) factors.push(factor(env, 'findings', 0, 0, 0.5, 'lint not run for this report'));
  else {
    const v = findingsValue(findings);
    const errors = findings.filter((f) => f.severity === 'error').length;
    factors.push(factor(env, 'findings', v, v, v, findings.length ? `${findings.length} finding(s), ${errors} error(s): ${[...new Set(findings.map((f) => f.rule))].slice(0, 5).join(', ')}` : 'lint clean'));
  }
  // anomalies: the worst statement's
  {
    const fs = statements.map((s) => s.factors.find((f) => f.name === 'anomalies')!);
    const w = fs.reduce<RiskFactor | null>((a, f) => (!a || f.value > a.value || (f.value === a.value && f.high > a.high) ? f : a), null);
    const at = w && statements.length > 1 ? `#${statements[fs.indexOf(w)]!.index}: ` : '';
    factors.push(w ? { ...w, explanation: !rehearsal && w.value === 0 ? 'never rehearsed: run a dry-run to measure it' : at + w.explanation } : factor(env, 'anomalies', 0, 0, 0, 'no statements'));
  }
  const sc = scoreOf(factors);
  let level = levelOf(sc.score);
  const floors: string[] = [];
  const destroys = results.find((r) => r.destructive && r.destructive.value >= 1);
  if (destroys) {
    const t = destroys.risk.locks.find((l) => l.role === 'target' && l.existing);
    const table = t ? tableOf(env, t.relation) : null;
    if (!env.catalog || (table && (table.rowEstimate ?? 1) !== 0)) {
      if (levelRank(level) < levelRank('high')) floors.push(`#${destroys.risk.index} destroys data in ${t?.relation ?? 'an existing table'}: at least high`);
      level = maxLevel(level, 'high');
    }
  }
  const lintErrors = (findings ?? []).filter((f) => f.severity === 'error');
  if (lintErrors.length) {
    if (levelRank(level) < levelRank('medium')) floors.push(`lint error (${[...new Set(lintErrors.map((f) => f.rule))].slice(0, 3).join(', ')}): the project's rules say it must not ship as is: at least medium`);
    level = maxLevel(level, 'medium');
  }
  if (window.estimate >= 60_000) {
    if (level !== 'critical') floors.push(`others are predicted to wait ${fmtMs(window.estimate)}: critical`);
    level = 'critical';
  }
  const staleStats = env.tables ? [...new Set(statements.flatMap((s) => s.locks.filter((l) => l.existing).map((l) => l.relation)))].filter((n) => {
    const t = tableOf(env, n);
    return t ? statsAreStale(t) : false;
  }) : [];
  const facts = catalogFacts(env, statements);
  const core = {
    version: m.version,
    name: m.name,
    checksum: m.checksum,
    score: sc.score,
    level,
    interval: [sc.low, sc.high] as [number, number],
    blockingWindowMs: window,
    factors,
    statements,
    facts,
    inputs: {
      catalog: !!env.catalog,
      staleStats,
      rehearsed: !!rehearsal,
      throughput: env.throughput.source,
      historySamples: Object.values(env.history?.ratios ?? {}).reduce((a, r) => a + (r?.length ?? 0), 0),
      findings: findings !== null,
      lockTimeoutMs,
      pgVersion: env.major,
      transactional,
    },
    floors,
  };
  return { ...core, hash: riskHash(core) };
}

/** The hash an approval is bound to: the migration, the locks and the assessment (not timestamps). */
export function riskHash(r: Pick<MigrationRisk, 'version' | 'checksum' | 'level' | 'score' | 'interval' | 'statements' | 'factors'>): string {
  const canonical = JSON.stringify({
    version: r.version,
    checksum: r.checksum,
    level: r.level,
    score: r.score,
    interval: r.interval,
    factors: r.factors.map((f) => [f.name, f.value, f.weight]),
    statements: r.statements.map((s) => [s.index, s.kind, s.locks.map((l) => [l.relation, l.mode]), s.rewrites, s.scans]),
  });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Scores migrations. Pure and fast: 1,000 migrations against 10,000 tables in well under 2 s. */
export function assessRisk(input: AssessRiskInput): RiskReport {
  const env = buildEnv(input);
  const createdBefore = new Set<string>();
  const plan = newPlanChecks();
  const planWritten = new Set<string>();
  const migrations = input.migrations.map((m) => assessMigration(env, m, input, createdBefore, plan, planWritten));
  const maxRisk = input.maxRisk ?? null;
  return {
    generatedAt: new Date().toISOString(),
    pgVersion: env.major,
    database: input.catalog?.database ?? null,
    catalogTakenAt: input.catalog?.takenAt ?? null,
    traffic: {
      used: env.trafficUsed,
      measured: env.trafficMeasured,
      windowMs: env.trafficMeasured ? Math.round(input.catalog!.traffic.windowMs) : 0,
      from: env.trafficMeasured ? (input.catalog!.traffic.from ?? null) : null,
      to: env.trafficMeasured ? (input.catalog!.traffic.to ?? null) : null,
    },
    weights: env.weights,
    cutPoints: { ...CUT_POINTS },
    maxRisk,
    exceeded: maxRisk === null ? [] : migrations.filter((m) => m.score > maxRisk).map((m) => m.version),
    calibration: input.history?.calibration ?? null,
    throughput: env.throughput,
    migrations,
  };
}
