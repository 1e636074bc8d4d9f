/** PostgreSQL's table-level lock modes and their conflict matrix (docs: Explicit Locking, table 13.2). */
import { LOCK_MODES, type LockBlocks, type LockMode } from '../../src-shared/domain/locks';

export { LOCK_MODES };
export type { LockMode };

const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: [...LOCK_MODES],
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/** 1 (AccessShareLock) … 8 (AccessExclusiveLock). */
export function strength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode) + 1;
}

export function strongest(modes: Iterable<LockMode>): LockMode | null {
  let best: LockMode | null = null;
  for (const m of modes) if (!best || strength(m) > strength(best)) best = m;
  return best;
}

/** What ordinary traffic a lock mode makes wait. */
export function blocksOf(mode: LockMode): LockBlocks {
  return {
    reads: conflicts(mode, 'AccessShareLock'),
    writes: conflicts(mode, 'RowExclusiveLock'),
    ddl: conflicts(mode, 'ShareUpdateExclusiveLock'),
  };
}

export function isLockMode(s: string): s is LockMode {
  return (LOCK_MODES as readonly string[]).includes(s);
}

/** LOCK TABLE's numeric mode in the parse tree (1 = ACCESS SHARE … 8 = ACCESS EXCLUSIVE). */
export function lockModeFromNumber(n: number): LockMode {
  return LOCK_MODES[Math.min(Math.max(n, 1), 8) - 1]!;
}

/** What ordinary traffic a lock mode stops, in a DBA's words (lint messages, CLI, reports). */
export function blocksText(mode: LockMode): string {
  switch (mode) {
    case 'AccessExclusiveLock':
      return 'all reads and writes (SELECT, INSERT, UPDATE, DELETE)';
    case 'ExclusiveLock':
      return 'writes and SELECT ... FOR UPDATE (plain reads continue)';
    case 'ShareRowExclusiveLock':
    case 'ShareLock':
      return 'writes (INSERT, UPDATE, DELETE); reads continue';
    case 'ShareUpdateExclusiveLock':
      return 'VACUUM, ANALYZE and other schema changes; reads and writes continue';
    default:
      return 'nothing ordinary queries need';
  }
}
