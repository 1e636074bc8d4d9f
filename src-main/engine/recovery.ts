/**
 * Crash recovery (issue 11, "stuck after a kill").
 *
 * A client killed during a statement that runs outside a transaction (CREATE INDEX CONCURRENTLY,
 * VACUUM, DROP INDEX CONCURRENTLY, ...) leaves its `statement_runs` row at 'running' while the
 * server goes on and usually finishes the statement. The next run must neither re-execute a
 * statement that took effect ("already exists" forever) nor skip one that did not. It:
 *
 * 1. waits for the worker backends of interrupted runs still alive on the server (the statement
 *    they were sent runs to its end; a transaction they had open rolls back when they notice the
 *    client is gone), then closes those runs as 'interrupted';
 * 2. for the first statement of a migration not recorded as applied that an earlier run attempted,
 *    asks the catalog whether it took effect (`probeStatement`): an index that exists and is valid
 *    was built; an INVALID one was not (it is dropped, then the statement runs again); a dropped
 *    index that is gone was dropped; ...
 *
 * Statements that CAN run in a transaction never need a probe: in a migration run statement by
 * statement, each one commits in one transaction with its success row (`recordStatementAndCommit`),
 * so a crash leaves both or neither.
 */
import type pg from 'pg';
import type { PlannedStatement } from '../../src-shared/domain/runner';
import { quoteIdent } from '../db';
import { parseSql } from '../parse';
import { markRunsInterrupted, readInterruptedRuns } from '../store';

type Queryable = Pick<pg.ClientBase, 'query'>;

export type Verdict =
  /** the statement took effect: record it as applied and continue after it */
  | { took: 'yes'; evidence: string }
  /** it did not: run it (after `cleanup`, SQL that removes what a half-done attempt left) */
  | { took: 'no'; evidence: string; cleanup?: string }
  /** the catalog cannot tell: run it again (what the engine did before recovery existed) */
  | { took: 'unknown'; evidence: string };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Waits until no interrupted run of this tracking schema has a live worker backend, then records
 * those runs as 'interrupted'. Call it holding the run lock. Returns the ids closed.
 */
export async function settleInterruptedRuns(
  db: Queryable,
  schema: string,
  runId: string,
  opts: { onWait?: (pids: number[]) => void; cancelled?: () => boolean; pollMs?: number } = {},
): Promise<string[]> {
  let announced = false;
  for (;;) {
    const runs = await readInterruptedRuns(db, schema, runId);
    const alive = runs.filter((r) => r.alive && r.workerPid !== null);
    if (alive.length === 0) {
      await markRunsInterrupted(db, schema, runs.map((r) => r.id), runId);
      return runs.map((r) => r.id);
    }
    if (opts.cancelled?.()) return [];
    if (!announced) {
      opts.onWait?.(alive.map((r) => r.workerPid!));
      announced = true;
    }
    await sleep(opts.pollMs ?? 100);
  }
}

interface RangeVarNode {
  relname?: string;
  schemaname?: string;
}

function qualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((x) => (x as { String?: { sval?: string } }).String?.sval).filter((x): x is string => typeof x === 'string');
}

/** Statements whose second execution does no harm (maintenance). */
const REPEATABLE = new Set(['VacuumStmt', 'ReindexStmt', 'ClusterStmt', 'CheckPointStmt', 'RefreshMatViewStmt', 'VariableSetStmt']);

/**
 * Did `stmt`, attempted by an interrupted or failed run, take effect? Read-only; reads the
 * catalog with the statement's own name resolution (search_path).
 */
export async function probeStatement(db: Queryable, stmt: PlannedStatement): Promise<Verdict> {
  const parsed = parseSql(stmt.sql);
  const s = parsed.statements[0];
  if (!s) return { took: 'unknown', evidence: 'the statement could not be re-read' };
  const node = s.node;
  switch (s.nodeType) {
    case 'IndexStmt': {
      const rel = (node.relation ?? {}) as RangeVarNode;
      const idx = node.idxname as string | undefined;
      if (!idx) return { took: 'unknown', evidence: 'the index has no name, so the catalog cannot tell whether it was built' };
      const name = qualified(rel.schemaname, idx);
      const table = qualified(rel.schemaname, rel.relname ?? '');
      const r = await db.query<{ valid: boolean; same_table: boolean; name: string }>(
        `SELECT i.indisvalid AS valid, i.indrelid = to_regclass($2) AS same_table, i.indexrelid::regclass::text AS name
         FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
        [name, table],
      );
      const row = r.rows[0];
      if (!row) return { took: 'no', evidence: `index ${name} does not exist` };
      if (!row.same_table) return { took: 'unknown', evidence: `an index ${row.name} exists on another table` };
      if (row.valid) return { took: 'yes', evidence: `index ${row.name} exists and is valid` };
      return { took: 'no', evidence: `index ${row.name} exists but is INVALID (the build did not finish): dropped and built again`, cleanup: `DROP INDEX CONCURRENTLY IF EXISTS ${row.name}` };
    }
    case 'DropStmt': {
      if (node.removeType !== 'OBJECT_INDEX') return { took: 'unknown', evidence: `no catalog check for ${s.kind}` };
      const names = ((node.objects as { List?: { items?: unknown[] } }[] | undefined) ?? []).map((o) => strings(o.List?.items).map((p) => quoteIdent(p)).join('.'));
      const left: string[] = [];
      for (const n of names) {
        const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [n]);
        if (r.rows[0]?.ok) left.push(n);
      }
      return left.length === 0 ? { took: 'yes', evidence: `index${names.length > 1 ? 'es' : ''} ${names.join(', ')} no longer exist${names.length > 1 ? '' : 's'}` } : { took: 'no', evidence: `index ${left.join(', ')} still exists` };
    }
    case 'AlterEnumStmt': {
      const newVal = node.newVal as string | undefined;
      if (!newVal || node.oldVal) return { took: 'unknown', evidence: 'no catalog check for RENAME VALUE' };
      const type = strings(node.typeName).map((p) => quoteIdent(p)).join('.');
      const r = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = to_regtype($1) AND enumlabel = $2) AS ok', [type, newVal]);
      return r.rows[0]?.ok ? { took: 'yes', evidence: `enum ${type} has the value '${newVal}'` } : { took: 'no', evidence: `enum ${type} lacks the value '${newVal}'` };
    }
    case 'CreatedbStmt':
    case 'DropdbStmt': {
      const dbname = node.dbname as string;
      const r = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS ok', [dbname]);
      const exists = r.rows[0]?.ok === true;
      const created = s.nodeType === 'CreatedbStmt';
      return exists === created ? { took: 'yes', evidence: `database ${dbname} ${created ? 'exists' : 'is gone'}` } : { took: 'no', evidence: `database ${dbname} ${created ? 'does not exist' : 'still exists'}` };
    }
    default:
      if (REPEATABLE.has(s.nodeType)) return { took: 'no', evidence: `${s.kind} is run again (running it twice does no harm)` };
      return { took: 'unknown', evidence: `no catalog check for ${s.kind}` };
  }
}
