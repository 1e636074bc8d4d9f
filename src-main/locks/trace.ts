/**
 * Trace (eugene's method): run one statement inside an already open transaction and observe
 * what it did — new locks of our own backend on pre-existing relations (pg_locks), relations
 * whose relfilenode changed (rewritten), tables scanned sequentially (pg_stat_xact_user_tables).
 * The caller owns BEGIN/ROLLBACK. Used by the lock-table tests and available to rehearsals.
 */
import type pg from 'pg';
import { isLockMode } from './modes';
import type { LockMode } from '../../src-shared/domain/locks';

export interface TraceResult {
  durationMs: number;
  /** new (relation, mode) pairs on relations that existed before the statement */
  locks: { relation: string; mode: LockMode; relkind: string }[];
  /** relations whose relfilenode changed */
  rewritten: string[];
  /** tables whose sequential-scan counter moved */
  scanned: string[];
}

type Q = Pick<pg.ClientBase, 'query'>;

const RELATIONS_SQL = `
  SELECT c.oid::int AS oid, c.oid::regclass::text AS name, c.relkind::text AS relkind, c.relfilenode::int AS relfilenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    AND c.relkind IN ('r', 'p', 'i', 'I', 'm', 'f', 'S', 'v')`;

const LOCKS_SQL = `
  SELECT l.relation::int AS oid, l.mode FROM pg_locks l
  WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

const SCANS_SQL = `SELECT relid::int AS oid, seq_scan::bigint AS n FROM pg_stat_xact_user_tables`;

export async function traceStatement(client: Q, sql: string): Promise<TraceResult> {
  const before = await client.query<{ oid: number; name: string; relkind: string; relfilenode: number }>(RELATIONS_SQL);
  const rels = new Map(before.rows.map((r) => [r.oid, r]));
  const locksBefore = new Set((await client.query<{ oid: number; mode: string }>(LOCKS_SQL)).rows.map((r) => `${r.oid}:${r.mode}`));
  const scansBefore = new Map((await client.query<{ oid: number; n: string }>(SCANS_SQL)).rows.map((r) => [r.oid, Number(r.n)]));
  const t0 = performance.now();
  await client.query(sql);
  const durationMs = performance.now() - t0;
  const locksAfter = (await client.query<{ oid: number; mode: string }>(LOCKS_SQL)).rows;
  const scansAfter = (await client.query<{ oid: number; n: string }>(SCANS_SQL)).rows;
  const after = await client.query<{ oid: number; relfilenode: number }>(
    `SELECT c.oid::int AS oid, c.relfilenode::int AS relfilenode FROM pg_class c WHERE c.oid = ANY($1::oid[])`,
    [[...rels.keys()]],
  );
  const locks: TraceResult['locks'] = [];
  for (const l of locksAfter) {
    const rel = rels.get(l.oid);
    if (!rel || locksBefore.has(`${l.oid}:${l.mode}`) || !isLockMode(l.mode)) continue;
    locks.push({ relation: rel.name, mode: l.mode, relkind: rel.relkind });
  }
  const rewritten = after.rows.filter((r) => rels.get(r.oid) && rels.get(r.oid)!.relfilenode !== r.relfilenode && rels.get(r.oid)!.relfilenode !== 0).map((r) => rels.get(r.oid)!.name);
  const scanned = scansAfter.filter((s) => rels.get(s.oid) && Number(s.n) > (scansBefore.get(s.oid) ?? 0)).map((s) => rels.get(s.oid)!.name);
  return { durationMs, locks, rewritten, scanned };
}
