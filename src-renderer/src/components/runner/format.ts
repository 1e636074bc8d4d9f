/** Small formatting helpers of the Runner screen. */
import type { LockTaken } from '../../../../src-shared/domain/lifecycle';
import { LOCK_MODES } from '../../../../src-shared/domain/locks';

export { LOCK_MODES };

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const BLOCKS: Record<string, string> = {
  AccessShareLock: 'conflicts only with ACCESS EXCLUSIVE (plain SELECT takes it)',
  RowShareLock: 'blocks EXCLUSIVE and ACCESS EXCLUSIVE (SELECT FOR UPDATE/SHARE, FK checks)',
  RowExclusiveLock: 'blocks SHARE and stronger: plain CREATE INDEX waits (INSERT/UPDATE/DELETE take it)',
  ShareUpdateExclusiveLock: 'blocks other DDL, VACUUM and CREATE INDEX CONCURRENTLY; reads and writes go on',
  ShareLock: 'blocks writes (INSERT/UPDATE/DELETE); reads go on',
  ShareRowExclusiveLock: 'blocks writes and other SHARE ROW EXCLUSIVE; reads go on',
  ExclusiveLock: 'blocks everything except plain SELECT',
  AccessExclusiveLock: 'blocks everything, plain SELECT included',
};

export function lockRank(mode: string): number {
  return LOCK_MODES.indexOf(mode as (typeof LOCK_MODES)[number]);
}

export function lockTitle(mode: string): string {
  return `${mode}: ${BLOCKS[mode] ?? 'see pg_locks'}`;
}

/** danger class of a lock mode: blocks reads (bad), blocks writes (warn), otherwise ok */
export function lockLevel(mode: string): 'bad' | 'warn' | 'ok' {
  const r = lockRank(mode);
  if (r >= lockRank('ExclusiveLock')) return 'bad';
  if (r >= lockRank('ShareLock')) return 'warn';
  return 'ok';
}

/** TOAST tables and their indexes follow their table's lock: leave them out of the lists. */
export function visibleLocks(locks: LockTaken[]): LockTaken[] {
  return locks.filter((l) => !l.relation.startsWith('pg_toast.'));
}

export function sortLocks(locks: LockTaken[]): LockTaken[] {
  return visibleLocks(locks).sort((a, b) => lockRank(b.mode) - lockRank(a.mode) || a.relation.localeCompare(b.relation));
}

/** The strongest lock per relation. */
export function strongestByRelation(locks: LockTaken[]): LockTaken[] {
  const best = new Map<string, LockTaken>();
  for (const l of locks) {
    const cur = best.get(l.relation);
    if (!cur || lockRank(l.mode) > lockRank(cur.mode)) best.set(l.relation, l);
  }
  return sortLocks([...best.values()]);
}

export function formatTimeout(ms: number): string {
  return ms > 0 ? formatMs(ms) : 'none';
}

export function firstLine(sql: string, max = 140): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
