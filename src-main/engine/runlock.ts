/**
 * One run at a time per database and tracking schema: a session-level advisory lock held by a
 * dedicated connection that then stays idle. Because the holder never runs a statement, a
 * CREATE INDEX CONCURRENTLY on the worker connection never waits for it (it waits for older
 * transactions, and an idle session has none) — the deadlock other tools hit cannot happen.
 */
import os from 'node:os';
import type pg from 'pg';
import { ConfitureError } from '../errors';

/** 'conf' — first key of the two-key advisory lock, so our locks are recognisable in pg_locks. */
export const RUN_LOCK_NAMESPACE = 0x636f6e66;

/** Second key: a stable 31-bit FNV-1a hash of the tracking schema name. */
export function runLockKey(schema: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(schema, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

export interface LockHolder {
  pid: number;
  user: string | null;
  applicationName: string | null;
  clientAddr: string | null;
  /** when the holder last changed state: the moment it took the lock (it stays idle after) */
  since: string | null;
}

export async function readLockHolder(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<LockHolder | null> {
  const r = await db.query<{ pid: number; usename: string | null; application_name: string | null; client_addr: string | null; since: Date | null }>(
    `SELECT l.pid, a.usename, a.application_name, host(a.client_addr) AS client_addr, coalesce(a.state_change, a.backend_start) AS since
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     LIMIT 1`,
    [RUN_LOCK_NAMESPACE, runLockKey(schema)],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { pid: row.pid, user: row.usename, applicationName: row.application_name, clientAddr: row.client_addr, since: row.since ? row.since.toISOString() : null };
}

export function describeHolder(h: LockHolder): string {
  const where = [h.applicationName, h.clientAddr ? `from ${h.clientAddr}` : 'over a local socket'].filter(Boolean).join(' ');
  return `pid ${h.pid}${h.user ? ` (user ${h.user})` : ''}, ${where}${h.since ? `, since ${h.since}` : ''}`;
}

/**
 * Takes the run lock on `client` (which must stay open and idle for the run) or fails fast
 * with `lock_held` naming the holder.
 */
export async function acquireRunLock(client: pg.ClientBase, schema: string, runId: string): Promise<void> {
  await client.query(`SELECT set_config('application_name', $1, false)`, [`confiture run ${runId.slice(0, 8)} on ${os.hostname()}`.slice(0, 63)]);
  const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [RUN_LOCK_NAMESPACE, runLockKey(schema)]);
  if (r.rows[0]?.ok) return;
  const holder = await readLockHolder(client, schema);
  const who = holder ? describeHolder(holder) : 'a session that has just released it (retry)';
  throw new ConfitureError(
    'lock_held',
    `Another migration run holds the lock on this database (${who}). Wait for it to finish; if that session is gone, end it with SELECT pg_terminate_backend(${holder?.pid ?? '<pid>'}).`,
    undefined,
    holder ? { holder } : undefined,
  );
}

export async function releaseRunLock(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, $2)', [RUN_LOCK_NAMESPACE, runLockKey(schema)]);
}
