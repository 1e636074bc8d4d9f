/**
 * What the compliance rules share: which columns hold regulated data, which are protected,
 * which tables are audit or regulated tables. Every pattern is configurable per library and
 * per project (`lint.compliance` in confiture.yaml); names are matched case-insensitively.
 */
import type { SchemaColumn } from './analysis';
import { display, type TypeRef } from './ast';
import type { RuleContext } from './types';

export type ComplianceOptions = {
  /** what the library calls the data: PHI, PII, cardholder data, financial records */
  categories: string[];
  /** regexes on column names that mark a column as regulated */
  columnPatterns: string[];
  /** regexes on column names of data that must never be stored (e.g. card verification codes) */
  forbiddenColumnPatterns: string[];
  /** regexes on column comments that mark a column as regulated (labels such as "PHI") */
  commentLabels: string[];
  /** types or domains that count as protected (encrypted at rest), e.g. bytea, encrypted_text */
  protectedTypes: string[];
  /** regexes on column comments that count as an explicit classification (reviewed, protected elsewhere) */
  classificationPatterns: string[];
  /** regexes on table names of audit tables */
  auditTablePatterns: string[];
  /** regexes on table names of regulated tables (besides tables holding regulated columns) */
  regulatedTablePatterns: string[];
  /** columns that carry retention, any one suffices */
  retentionColumns: string[];
  /** which tables need a retention column */
  retentionAppliesTo: string[];
  /** columns every regulated table must have (change tracking) */
  auditColumns: string[];
  /** roles that count as "everyone", besides PUBLIC */
  broadRoles: string[];
};

export const EMPTY_COMPLIANCE: ComplianceOptions = {
  categories: [],
  columnPatterns: [],
  forbiddenColumnPatterns: [],
  commentLabels: [],
  protectedTypes: ['bytea'],
  classificationPatterns: ['^\\s*classification\\s*[:=]'],
  auditTablePatterns: [],
  regulatedTablePatterns: [],
  retentionColumns: [],
  retentionAppliesTo: [],
  auditColumns: [],
  broadRoles: [],
};

const cache = new Map<string, RegExp>();
function re(p: string): RegExp {
  let r = cache.get(p);
  if (!r) {
    r = new RegExp(p, 'i');
    cache.set(p, r);
  }
  return r;
}

export function matchesAny(patterns: readonly string[], text: string | undefined): string | null {
  if (text === undefined) return null;
  for (const p of patterns) if (re(p).test(text)) return p;
  return null;
}

export function categoryLabel(o: ComplianceOptions): string {
  return o.categories.length ? o.categories.join('/') : 'regulated data';
}

/** Comment on table.column from this file, else from the catalog. */
export function columnComment(ctx: RuleContext<ComplianceOptions>, table: string, column: string): string | undefined {
  return ctx.analysis.schema().columnComments.get(`${table}.${column}`) ?? ctx.analysis.catalogTable(table)?.columnComments?.get(column);
}

/** Why a column counts as regulated, or null. */
export function sensitivity(ctx: RuleContext<ComplianceOptions>, table: string, column: string): string | null {
  const byName = matchesAny(ctx.options.columnPatterns, column);
  if (byName) return `its name matches /${byName}/`;
  const byComment = matchesAny(ctx.options.commentLabels, columnComment(ctx, table, column));
  if (byComment) return `its comment is labelled /${byComment}/`;
  return null;
}

export function isProtectedType(ctx: RuleContext<ComplianceOptions>, type: TypeRef | null): boolean {
  if (!type) return false;
  const protectedNames = ctx.options.protectedTypes.map((t) => t.toLowerCase());
  if (protectedNames.includes(type.name.toLowerCase())) return true;
  // a domain created in this file over a protected base type
  const base = ctx.analysis.schema().domains.get(type.name);
  return !!base && protectedNames.includes(base.name.toLowerCase());
}

export function isClassified(ctx: RuleContext<ComplianceOptions>, table: string, column: string): boolean {
  return matchesAny(ctx.options.classificationPatterns, columnComment(ctx, table, column)) !== null;
}

/** Regulated columns this file creates or adds. */
export function sensitiveColumns(ctx: RuleContext<ComplianceOptions>): (SchemaColumn & { why: string })[] {
  const out: (SchemaColumn & { why: string })[] = [];
  for (const c of ctx.analysis.schema().columns) {
    const why = sensitivity(ctx, c.table, c.name);
    if (why) out.push({ ...c, why });
  }
  return out;
}

export function tableName(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}

export function isAuditTable(ctx: RuleContext<ComplianceOptions>, table: string): boolean {
  return matchesAny(ctx.options.auditTablePatterns, tableName(table)) !== null;
}

/** Regulated: matches a regulated-table pattern, or holds a regulated column (in this file or the catalog). */
export function isRegulatedTable(ctx: RuleContext<ComplianceOptions>, table: string): string | null {
  if (matchesAny(ctx.options.regulatedTablePatterns, tableName(table))) return `its name matches the regulated-table patterns`;
  const inFile = ctx.analysis.schema().columns.find((c) => c.table === table && sensitivity(ctx, table, c.name));
  if (inFile) return `it holds ${categoryLabel(ctx.options)} (${inFile.name})`;
  const cat = ctx.analysis.catalogTable(table);
  if (cat) for (const col of cat.columns.keys()) if (sensitivity(ctx, table, col)) return `it holds ${categoryLabel(ctx.options)} (${col})`;
  return null;
}

export { display };
