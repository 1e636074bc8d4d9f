/**
 * Seeds a workload from pg_stat_statements: the top N statements of this database by total
 * execution time, with their normalised text ($1, $2 … placeholders) and a parameter set of
 * nulls for the user to fill in with realistic sample values.
 */
import type pg from 'pg';
import { Document, isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { ConfitureError } from '../errors';
import { initParser, parseSql } from '../parse';
import { classifySql } from './workload';

export interface ImportedStatement {
  name: string;
  queryId: string;
  sql: string;
  calls: number;
  totalExecMs: number;
  meanExecMs: number;
  placeholders: number;
  readOnly: boolean;
}

function firstRelation(ast: unknown): string | null {
  let found: string | null = null;
  const visit = (v: unknown): void => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'relname' && typeof c === 'string') {
        found = c;
        return;
      }
      visit(c);
    }
  };
  visit(ast);
  return found;
}

export async function topStatements(client: pg.Client, top: number): Promise<{ statements: ImportedStatement[]; skipped: number }> {
  await initParser();
  const ext = await client.query<{ nspname: string }>(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
  );
  const schema = ext.rows[0]?.nspname;
  if (!schema) {
    throw new ConfitureError(
      'not_found',
      'pg_stat_statements is not installed in this database: add it to shared_preload_libraries, restart, and run CREATE EXTENSION pg_stat_statements',
    );
  }
  let rows: { queryid: string; query: string; calls: string; total: number; mean: number }[];
  try {
    const r = await client.query<{ queryid: string; query: string; calls: string; total: number; mean: number }>(
      `SELECT queryid::text AS queryid, query, calls::text AS calls, total_exec_time::float8 AS total, mean_exec_time::float8 AS mean
         FROM ${client.escapeIdentifier(schema)}.pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IS NOT NULL
        ORDER BY total_exec_time DESC
        LIMIT $1`,
      [Math.max(top * 5, 50)],
    );
    rows = r.rows;
  } catch (e) {
    throw new ConfitureError('database_error', `pg_stat_statements cannot be read: ${(e as Error).message}`);
  }
  const out: ImportedStatement[] = [];
  const names = new Set<string>();
  let skipped = 0;
  for (const row of rows) {
    if (out.length >= top) break;
    const c = classifySql(row.query);
    if (c.problem || /pg_stat_statements|pg_catalog\.|information_schema\./i.test(row.query)) {
      skipped++;
      continue;
    }
    const rel = firstRelation(parseSql(row.query).statements[0]?.ast) ?? 'query';
    const kind = parseSql(row.query).statements[0]?.kind ?? 'query';
    const base = `${kind}_${rel}`.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 50) || 'query';
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    out.push({
      name,
      queryId: row.queryid,
      sql: row.query,
      calls: Number(row.calls),
      totalExecMs: row.total,
      meanExecMs: row.mean,
      placeholders: c.placeholders,
      readOnly: c.readOnly,
    });
  }
  return { statements: out, skipped };
}

/**
 * Renders imported statements as workload YAML; with `existing` (the current file's text), appends
 * the ones whose SQL is not already there and keeps everything else (comments included).
 */
export function renderImported(statements: ImportedStatement[], existing?: string): { yaml: string; added: number } {
  const doc = existing ? new Document() : new Document({ version: 1, queries: [] });
  if (existing) {
    const parsed = parseDocument(existing);
    doc.contents = parsed.contents;
    doc.commentBefore = parsed.commentBefore;
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ConfitureError('invalid_input', 'The workload file is not a YAML mapping with `queries:`');
  let seq = root.get('queries', true);
  if (!isSeq(seq)) {
    root.set('queries', doc.createNode([]));
    seq = root.get('queries', true);
  }
  if (!isSeq(seq)) throw new ConfitureError('internal', 'cannot build the queries list');
  const existingSql = new Set(
    seq.items.map((it) => (isMap(it) ? String((it as YAMLMap).get('sql') ?? '').trim() : '')).filter(Boolean),
  );
  const existingNames = new Set(seq.items.map((it) => (isMap(it) ? String((it as YAMLMap).get('name') ?? '') : '')));
  let added = 0;
  for (const s of statements) {
    if (existingSql.has(s.sql.trim())) continue;
    let name = s.name;
    for (let i = 2; existingNames.has(name); i++) name = `${s.name}_${i}`;
    existingNames.add(name);
    const entry: Record<string, unknown> = {
      name,
      description: `from pg_stat_statements (queryid ${s.queryId}): ${s.calls} calls, mean ${s.meanExecMs.toFixed(2)} ms, total ${(s.totalExecMs / 1000).toFixed(1)} s`,
      sql: s.sql,
    };
    if (s.placeholders > 0) entry.params = [{ name: 'sample', values: Array.from({ length: s.placeholders }, () => null) }];
    if (!s.readOnly) entry.safeToRun = false;
    const node = doc.createNode(entry) as YAMLMap;
    const todo: string[] = [];
    if (s.placeholders > 0) todo.push(` TODO: replace the nulls with realistic sample values for $1…$${s.placeholders} (add more sets: plans change with values)`);
    if (!s.readOnly) todo.push(' this statement writes: it is only profiled with safeToRun: true, inside a transaction that is rolled back');
    if (todo.length) node.commentBefore = todo.join('\n');
    seq.items.push(node);
    added++;
  }
  return { yaml: doc.toString({ lineWidth: 0 }), added };
}
