/**
 * The workload: `perf/workload.yaml` in a project — named queries, each with one or more
 * parameter sets (a plan can change with the parameter). Validated with zod, then each query
 * is parsed with the real PostgreSQL parser: one statement, DML only, `$n` placeholders
 * matching every parameter set. Every error names the file, the line and the field.
 *
 *   version: 1
 *   queries:
 *     - name: orders_by_customer
 *       sql: SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20
 *       params:
 *         - { name: regular, values: [42] }
 *         - { name: whale, values: [7] }
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isNode, type Document, type LineCounter, type Node } from 'yaml';
import { z } from 'zod';
import type { ParamValue, Workload, WorkloadQuery } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';
import { initParser, parseSql, type AstNode } from '../parse';
import { readYaml } from '../project';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const paramValue = z.union([scalar, z.array(scalar)]);
const queryName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a lower-case name: letters, digits and _, starting with a letter (at most 63)');

const ParamSetSchema = z
  .object({
    name: queryName,
    values: z.array(paramValue).max(100),
  })
  .strict();

const QuerySchema = z
  .object({
    name: queryName,
    description: z.string().max(2000).optional(),
    sql: z.string().min(1, 'the SQL of the query').max(1_000_000),
    params: z.array(ParamSetSchema).min(1).max(100).optional(),
    safeToRun: z.boolean().default(false),
    runs: z.number().int().min(5).max(10_000).optional(),
    warmup: z.number().int().min(0).max(1_000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(20).default([]),
  })
  .strict();

export const WorkloadFileSchema = z
  .object({
    version: z.literal(1).default(1),
    queries: z.array(QuerySchema).max(5_000),
  })
  .strict();

function locate(doc: Document, lc: LineCounter, keyPath: (string | number)[]): { line?: number; column?: number } {
  for (let n = keyPath.length; n >= 0; n--) {
    const p = keyPath.slice(0, n);
    const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
    const range = isNode(node) ? (node as Node).range : undefined;
    if (range) {
      const pos = lc.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function fieldOf(keyPath: (string | number)[]): string {
  return keyPath.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

function fail(file: string, doc: Document, lc: LineCounter, keyPath: (string | number)[], message: string): never {
  const { line, column } = locate(doc, lc, keyPath);
  const field = fieldOf(keyPath);
  throw new ConfitureError('invalid_input', `${file}${line ? `:${line}` : ''}: ${field || '(top level)'}: ${message}`, {
    file,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(field ? { field } : {}),
  });
}

const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

interface SqlFacts {
  maxParam: number;
  writes: boolean;
}

/** Walks the AST: the highest `$n`, and whether anything in it writes (DML, FOR UPDATE, INTO). */
function sqlFacts(ast: unknown): SqlFacts {
  const facts: SqlFacts = { maxParam: 0, writes: false };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (WRITE_NODES.has(k)) facts.writes = true;
      if ((k === 'lockingClause' || k === 'intoClause') && child) facts.writes = true;
      if (k === 'ParamRef' && child && typeof child === 'object') {
        const n = (child as { number?: number }).number ?? 0;
        if (n > facts.maxParam) facts.maxParam = n;
      }
      visit(child);
    }
  };
  visit(ast);
  return facts;
}

export interface ClassifiedSql {
  readOnly: boolean;
  placeholders: number;
  problem: string | null;
}

/** Classifies one query: a plain SELECT is read-only; INSERT/UPDATE/DELETE/MERGE (or SELECT … FOR UPDATE / INTO) writes; anything else is refused. */
export function classifySql(sql: string): ClassifiedSql {
  const parsed = parseSql(sql, '<workload>');
  if (parsed.problems.some((p) => p.severity === 'error')) {
    const p = parsed.problems.find((x) => x.severity === 'error')!;
    return { readOnly: false, placeholders: 0, problem: `the SQL does not parse: ${p.message} (line ${p.line} of the query)` };
  }
  if (parsed.statements.length !== 1) return { readOnly: false, placeholders: 0, problem: `one statement per query (found ${parsed.statements.length})` };
  const st = parsed.statements[0]!;
  if (st.nodeType !== 'SelectStmt' && !WRITE_NODES.has(st.nodeType)) {
    return { readOnly: false, placeholders: 0, problem: `only SELECT, INSERT, UPDATE, DELETE and MERGE can be profiled (this is ${st.kind})` };
  }
  const facts = sqlFacts(st.ast as AstNode);
  return { readOnly: !facts.writes, placeholders: facts.maxParam, problem: null };
}

export function queryCaseId(q: Pick<WorkloadQuery, 'name' | 'params'>, setName: string): string {
  return q.params.length > 1 ? `${q.name}[${setName}]` : q.name;
}

/** Parses and validates workload text; `file` appears in every error. */
export async function parseWorkload(text: string, file: string): Promise<Workload> {
  await initParser();
  const { doc, lineCounter: lc, value: raw } = readYaml(text, file, 'invalid_input');
  const result = WorkloadFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keyPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const msg =
      issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    fail(file, doc, lc, keyPath, msg);
  }
  const seen = new Map<string, number>();
  const queries: WorkloadQuery[] = [];
  result.data.queries.forEach((q, i) => {
    const at = ['queries', i];
    if (seen.has(q.name)) fail(file, doc, lc, [...at, 'name'], `duplicate query name "${q.name}" (first used by queries[${seen.get(q.name)}])`);
    seen.set(q.name, i);
    const c = classifySql(q.sql);
    if (c.problem) fail(file, doc, lc, [...at, 'sql'], c.problem);
    if (!q.params && c.placeholders > 0) fail(file, doc, lc, [...at, 'sql'], `the query uses $1…$${c.placeholders}: add params with sample values`);
    const params = q.params ?? [{ name: 'default', values: [] as ParamValue[] }];
    const setNames = new Set<string>();
    params.forEach((ps, j) => {
      if (setNames.has(ps.name)) fail(file, doc, lc, [...at, 'params', j, 'name'], `duplicate parameter set "${ps.name}"`);
      setNames.add(ps.name);
      if (ps.values.length !== c.placeholders) {
        fail(
          file,
          doc,
          lc,
          [...at, 'params', j, 'values'],
          `the query uses ${c.placeholders} placeholder${c.placeholders === 1 ? '' : 's'} ($1…$${c.placeholders}) but this set has ${ps.values.length} value${ps.values.length === 1 ? '' : 's'}`,
        );
      }
    });
    const { line } = locate(doc, lc, at);
    queries.push({
      name: q.name,
      ...(q.description ? { description: q.description } : {}),
      sql: q.sql.trim(),
      params,
      safeToRun: q.safeToRun,
      readOnly: c.readOnly,
      ...(q.runs !== undefined ? { runs: q.runs } : {}),
      ...(q.warmup !== undefined ? { warmup: q.warmup } : {}),
      tags: q.tags,
      ...(line !== undefined ? { line } : {}),
    });
  });
  return { file, sha256: crypto.createHash('sha256').update(text).digest('hex'), queries };
}

export function workloadPath(projectDir: string, relative: string): string {
  return path.resolve(projectDir, relative);
}

export async function loadWorkload(file: string): Promise<Workload> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfitureError('not_found', `No workload file at ${file}: create it (see docs/guides/performance-baselines.md) or run \`confiture perf import-statements\``, {
        file,
      });
    }
    throw new ConfitureError('invalid_input', `Cannot read ${file}: ${(e as Error).message}`, { file });
  }
  return parseWorkload(text, file);
}
