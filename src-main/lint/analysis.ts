/**
 * One pass over a parsed file that every rule shares: transaction structure, timeouts set so
 * far, tables created in the file, the locks of each statement (asked of the locks service, with
 * the same catalog and plan state as risk), and the schema the file creates or changes (columns,
 * comments, RLS, grants) for the compliance rules.
 */
import type { ParsedFile, ParsedStatement } from '../parse';
import type { SourcePosition } from '../../src-shared/domain/statement';
import type { LockAnalysis, RelationLock, StatementLocks } from '../../src-shared/domain/locks';
import type { CatalogSnapshot, CatalogTable } from '../../src-shared/domain/catalog';
import { analyzeLocks, doBlockStatements, strength, type PlanChecks } from '../locks';
import { alterCmds, definedColumns, display, isZeroDuration, keyFromParts, names, setting, tableKey, typeRef, type ColumnDef, type TypeRef } from './ast';
import type { LintCatalog, LintCatalogTable, LintInputs } from './types';

export interface StatementFacts {
  /** inside BEGIN ... COMMIT, or the runner wraps the whole file in one transaction */
  inTransaction: boolean;
  inExplicitBlock: boolean;
  lockTimeoutSet: boolean;
  statementTimeoutSet: boolean;
  /** what the locks service says this statement takes (every relation) */
  locks: StatementLocks;
  /**
   * relations on which an earlier statement of the same transaction already holds
   * AccessExclusiveLock (relations that existed before this file)
   */
  accessExclusiveHeld: string[];
}

/** A lock that makes ordinary traffic or other DDL wait (ShareUpdateExclusiveLock and up) on a relation that existed before this file. */
export function isTableLock(l: RelationLock): boolean {
  return l.existing && strength(l.mode) >= strength('ShareUpdateExclusiveLock');
}

export interface SchemaColumn {
  table: string;
  name: string;
  type: TypeRef | null;
  def: ColumnDef;
  stmt: ParsedStatement;
}

export interface GrantFact {
  objtype: string;
  /** table keys for table grants; object names otherwise */
  objects: string[];
  privileges: string[];
  grantees: string[];
  toPublic: boolean;
  isGrant: boolean;
  stmt: ParsedStatement;
}

/** The schema a migration creates or changes, read from its statements. */
export interface SchemaChanges {
  columns: SchemaColumn[];
  tablesCreated: Map<string, ParsedStatement>;
  /** `table.column` → comment */
  columnComments: Map<string, string>;
  rowSecurity: Set<string>;
  grants: GrantFact[];
  /** tables whose privileges were revoked from PUBLIC in this file */
  revokedFromPublic: Set<string>;
  /** domain name → its base type */
  domains: Map<string, TypeRef>;
}

export class FileAnalysis {
  readonly facts: StatementFacts[] = [];
  /** table → index of the statement that created it */
  readonly createdAt = new Map<string, number>();
  /** the runner wraps the file in one transaction */
  readonly wrapped: boolean;
  private lineStarts: number[] | null = null;
  /** the text is ASCII-only: byte offsets are character offsets */
  private ascii: boolean | null = null;
  private schemaMemo: SchemaChanges | null = null;
  /** the locks service's answer for this file */
  readonly locks: LockAnalysis;

  constructor(
    readonly file: ParsedFile,
    readonly pgVersion: number,
    readonly catalog: LintCatalog | undefined,
    inputs: LintInputs,
    plan?: PlanChecks,
  ) {
    this.wrapped = !file.directives.noTransaction && !file.hasTransactionControl && !file.hasNonTransactional;
    this.locks = analyzeLocks(file, { pgVersion, catalog: catalog ? (catalog.snapshot ?? snapshotOf(catalog)) : null, ...(plan ? { plan } : {}) });
    let explicit = false;
    let lockTimeout = (file.directives.lockTimeoutMs ?? 0) > 0 || (inputs.runnerLockTimeoutMs ?? 0) > 0;
    let statementTimeout = (file.directives.statementTimeoutMs ?? 0) > 0 || (inputs.runnerStatementTimeoutMs ?? 0) > 0;
    let heldAE: string[] = [];
    for (const stmt of file.statements) {
      const locks = this.locks.statements[stmt.index]!;
      const inTransaction = explicit || this.wrapped;
      this.facts.push({
        inTransaction,
        inExplicitBlock: explicit,
        lockTimeoutSet: lockTimeout,
        statementTimeoutSet: statementTimeout,
        locks,
        accessExclusiveHeld: inTransaction ? [...heldAE] : [],
      });
      if (stmt.txControl === 'begin') explicit = true;
      else if (stmt.txControl === 'commit' || stmt.txControl === 'rollback' || stmt.txControl === 'prepare') {
        explicit = false;
        heldAE = [];
      }
      if (explicit || this.wrapped) for (const l of locks.locks) if (l.mode === 'AccessExclusiveLock' && l.existing && !heldAE.includes(l.relation)) heldAE.push(l.relation);
      const s = setting(stmt);
      if (s?.name === 'lock_timeout') lockTimeout = !isZeroDuration(s.value);
      if (s?.name === 'statement_timeout') statementTimeout = !isZeroDuration(s.value);
      if (stmt.nodeType === 'CreateStmt' || stmt.nodeType === 'CreateTableAsStmt') {
        const t = stmt.nodeType === 'CreateStmt' ? tableKey(stmt.node.relation) : tableKey((stmt.node.into as { rel?: unknown } | undefined)?.rel);
        // CREATE TABLE IF NOT EXISTS creates nothing when the table exists: new only when the catalog
        // says it does not (without a catalog it may well exist — the upgrade path of an old schema)
        const ifNotExists = (stmt.node as { if_not_exists?: boolean }).if_not_exists === true;
        const inCatalog = (k: string) => !!this.catalogTable(k) || !!this.catalogTable(k.startsWith('public.') ? k.slice(7) : k.includes('.') ? k : `public.${k}`);
        const surelyNew = !ifNotExists || (!!this.catalog && !!t && !inCatalog(t));
        if (t && surelyNew && !this.createdAt.has(t)) this.createdAt.set(t, stmt.index);
      }
    }
  }

  private doInner: { statements: ParsedStatement[]; info: WeakMap<ParsedStatement, { doLine: number; conditional: boolean; facts: StatementFacts }> } | null = null;

  /**
   * The static SQL statements inside the file's DO blocks, in file order, each re-homed on its DO
   * statement (`index`, `range`) so findings point at the block. Their facts (`factsOf`) are the
   * DO statement's, with the locks the locks service found for that one inner statement.
   */
  doBlockStatements(): readonly ParsedStatement[] {
    if (this.doInner) return this.doInner.statements;
    const statements: ParsedStatement[] = [];
    const info = new WeakMap<ParsedStatement, { doLine: number; conditional: boolean; facts: StatementFacts }>();
    for (const stmt of this.file.statements) {
      if (stmt.nodeType !== 'DoStmt') continue;
      const facts = this.facts[stmt.index]!;
      const analysed = facts.locks.doBlock;
      const body = analysed ? doBlockStatements(stmt.node) : null;
      if (!analysed || !body || body.statements.length !== analysed.length) continue;
      body.statements.forEach((inner, i) => {
        const rehomed: ParsedStatement = { ...inner, index: stmt.index, range: stmt.range };
        info.set(rehomed, { doLine: stmt.range.start.line, conditional: body.conditionalAt[i] ?? body.conditional, facts: { ...facts, locks: analysed[i]! } });
        statements.push(rehomed);
      });
    }
    this.doInner = { statements, info };
    return statements;
  }

  /** For a statement of `doBlockStatements()`: the DO block's line and whether a branch decides it. */
  insideDoBlock(stmt: ParsedStatement): { doLine: number; conditional: boolean } | undefined {
    return this.doInner?.info.get(stmt);
  }

  /** The facts of a statement of the file or of one of its DO blocks. */
  factsOf(stmt: ParsedStatement): StatementFacts {
    return this.doInner?.info.get(stmt)?.facts ?? this.facts[stmt.index]!;
  }

  /** The table was created earlier in this file, so it is empty and nobody else uses it yet. */
  isNewTable(table: string | null | undefined, beforeIndex: number): boolean {
    if (!table) return false;
    const at = this.createdAt.get(table);
    return at !== undefined && at < beforeIndex;
  }

  catalogTable(table: string | null | undefined): LintCatalogTable | undefined {
    if (!table || !this.catalog) return undefined;
    return this.catalog.tables.get(table);
  }

  /** "orders (~12.0M rows, 3.2 GB)" when the catalog knows the table, else "orders". */
  tableLabel(table: string | null | undefined): string {
    if (!table) return 'the table';
    const t = this.catalogTable(table) ?? this.catalogTable(table.includes('.') ? table : `public.${table}`);
    return t ? `${display(table)} (~${formatCount(t.rows)} rows, ${formatBytes(t.bytes)})` : display(table);
  }

  /** Locks of a statement that make traffic or DDL wait, on relations that existed before the file, strongest first. */
  tableLocks(stmt: ParsedStatement): RelationLock[] {
    return this.factsOf(stmt).locks.locks.filter(isTableLock).sort((a, b) => strength(b.mode) - strength(a.mode));
  }

  /** File byte offset (libpg-query locations) → line/column. */
  position(byteOffset: number): SourcePosition {
    const text = this.file.text;
    this.ascii ??= Buffer.byteLength(text) === text.length;
    const charOffset = this.ascii ? byteOffset : Buffer.from(text).subarray(0, byteOffset).toString('utf8').length;
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= charOffset) lo = mid;
      else hi = mid - 1;
    }
    return { offset: charOffset, line: lo + 1, column: charOffset - this.lineStarts[lo]! + 1 };
  }

  schema(): SchemaChanges {
    if (!this.schemaMemo) this.schemaMemo = readSchema(this.file);
    return this.schemaMemo;
  }
}

function readSchema(file: ParsedFile): SchemaChanges {
  const s: SchemaChanges = {
    columns: [],
    tablesCreated: new Map(),
    columnComments: new Map(),
    rowSecurity: new Set(),
    grants: [],
    revokedFromPublic: new Set(),
    domains: new Map(),
  };
  for (const stmt of file.statements) {
    const n = stmt.node;
    if (stmt.nodeType === 'CreateStmt') {
      const t = tableKey(n.relation);
      if (t) s.tablesCreated.set(t, stmt);
    }
    for (const d of definedColumns(stmt)) s.columns.push({ table: d.table, name: d.column.name, type: d.column.type, def: d.column, stmt });
    if (stmt.nodeType === 'AlterTableStmt') {
      const t = tableKey(n.relation);
      for (const c of alterCmds(stmt)) if (t && (c.subtype === 'AT_EnableRowSecurity' || c.subtype === 'AT_ForceRowSecurity')) s.rowSecurity.add(t);
    }
    if (stmt.nodeType === 'CommentStmt' && n.objtype === 'OBJECT_COLUMN') {
      const parts = names((n.object as { List?: { items?: unknown } } | undefined)?.List?.items);
      const col = parts.pop();
      const table = keyFromParts(parts);
      if (col && table && typeof n.comment === 'string') s.columnComments.set(`${table}.${col}`, n.comment);
    }
    if (stmt.nodeType === 'CreateDomainStmt') {
      const name = names(n.domainname).pop();
      const base = typeRef(n.typeName);
      if (name && base) s.domains.set(name, base);
    }
    if (stmt.nodeType === 'GrantStmt' || stmt.nodeType === 'AlterDefaultPrivilegesStmt') {
      const g = (stmt.nodeType === 'GrantStmt' ? n : (n.action as Record<string, unknown>)) ?? {};
      const grantees = ((g.grantees as unknown[]) ?? []).map((r) => (r as { RoleSpec?: { roletype?: string; rolename?: string } }).RoleSpec);
      const objects = ((g.objects as unknown[]) ?? [])
        .map((o) => {
          const rv = (o as { RangeVar?: unknown }).RangeVar;
          if (rv) return tableKey(rv);
          const str = (o as { String?: { sval?: string } }).String?.sval;
          return str ?? null;
        })
        .filter((x): x is string => !!x);
      const fact: GrantFact = {
        objtype: String(g.objtype ?? ''),
        objects: stmt.nodeType === 'AlterDefaultPrivilegesStmt' ? ['(default privileges)'] : objects,
        privileges: ((g.privileges as unknown[]) ?? []).map((p) => String((p as { AccessPriv?: { priv_name?: string } }).AccessPriv?.priv_name ?? 'all')),
        grantees: grantees.map((r) => (r?.roletype === 'ROLESPEC_PUBLIC' ? 'PUBLIC' : (r?.rolename ?? String(r?.roletype ?? '?')))),
        toPublic: grantees.some((r) => r?.roletype === 'ROLESPEC_PUBLIC'),
        isGrant: g.is_grant === true,
        stmt,
      };
      if (fact.privileges.length === 0) fact.privileges = ['all'];
      s.grants.push(fact);
      if (!fact.isGrant && fact.toPublic) for (const o of objects) s.revokedFromPublic.add(o);
    }
  }
  return s;
}

const synthesized = new WeakMap<LintCatalog, CatalogSnapshot>();

/** A catalog given as tables only (no snapshot): the same facts in the snapshot shape the locks service reads. */
function snapshotOf(catalog: LintCatalog): CatalogSnapshot {
  let s = synthesized.get(catalog);
  if (s) return s;
  const tables: CatalogTable[] = [];
  for (const [key, t] of catalog.tables) {
    if (!key.includes('.')) continue;
    const [schema, name] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
    tables.push({
      oid: 0, schema, name, relkind: 'r', sizeBytes: t.bytes, indexBytes: 0, rowEstimate: t.rows, lastAnalyze: null, modsSinceAnalyze: null, deadTuples: null,
      parent: null, partitions: [], columns: [...t.columns].map(([n, type]) => ({ name: n, type, notNull: false })), checks: [], triggers: [], dependentViews: [], dependentFunctions: [],
    });
  }
  s = {
    takenAt: '', tookMs: 0, database: '', server: { versionNum: 0, major: 0, version: '' }, settings: {}, tables, indexes: [], foreignKeys: [],
    traffic: { windowMs: 0, tables: [] }, longTransactions: [], connections: { active: 0, total: 0, max: 0 },
  };
  synthesized.set(catalog, s);
  return s;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.max(0, Math.round(n)));
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${n} B`;
}
