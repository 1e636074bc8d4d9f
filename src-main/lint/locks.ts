/**
 * The table lock each statement takes, as pg_locks names it, and what it blocks — for lint's
 * messages and timeout rules. (The locks service owns the full, server-verified table; this is
 * the strongest table-level lock only.)
 */
import { LOCK_MODES, type LockMode } from '../../src-shared/domain/locks';
import type { ParsedStatement } from '../parse';
import { alterCmds, defElemTrue, targetTable, targetTables, hasDefElem, walk } from './ast';

export type { LockMode };

/** pg_locks mode names, weakest first: the shared definition. */
const ORDER: readonly LockMode[] = LOCK_MODES;

export function strongest(a: LockMode, b: LockMode): LockMode {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** What ordinary traffic a lock mode stops, in a DBA's words. */
export function blocks(mode: LockMode): string {
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

/** Conflicts with a mode ordinary queries take (eugene's "dangerous" set). */
export function isDangerous(mode: LockMode): boolean {
  return ORDER.indexOf(mode) >= ORDER.indexOf('ShareLock');
}

export interface StatementLock {
  mode: LockMode;
  table: string | null;
}

const SUE_SUBTYPES = new Set([
  'AT_ValidateConstraint',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
]);
const SRE_SUBTYPES = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

/** The strongest table lock a DDL statement takes; null for DML, SET, and new objects. */
export function statementLock(stmt: ParsedStatement, pgVersion: number): StatementLock | null {
  const n = stmt.node;
  switch (stmt.nodeType) {
    case 'IndexStmt':
      return { mode: n.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', table: targetTable(stmt) };
    case 'AlterTableStmt': {
      let mode: LockMode | null = null;
      for (const c of alterCmds(stmt)) {
        let m: LockMode = 'AccessExclusiveLock';
        if (SUE_SUBTYPES.has(c.subtype)) m = 'ShareUpdateExclusiveLock';
        else if (SRE_SUBTYPES.has(c.subtype)) m = 'ShareRowExclusiveLock';
        else if (c.subtype === 'AT_AddConstraint' && (c.def as { Constraint?: { contype?: string } } | undefined)?.Constraint?.contype === 'CONSTR_FOREIGN') m = 'ShareRowExclusiveLock';
        else if (c.subtype === 'AT_AttachPartition' && pgVersion >= 12) m = 'ShareUpdateExclusiveLock';
        else if (c.subtype === 'AT_DetachPartition' && (c.def as { PartitionCmd?: { concurrent?: boolean } } | undefined)?.PartitionCmd?.concurrent) m = 'ShareUpdateExclusiveLock';
        mode = mode ? strongest(mode, m) : m;
      }
      return mode ? { mode, table: targetTable(stmt) } : null;
    }
    case 'DropStmt':
      if (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_INDEX' || n.removeType === 'OBJECT_MATVIEW' || n.removeType === 'OBJECT_VIEW') {
        return { mode: n.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', table: targetTables(stmt)[0] ?? null };
      }
      if (n.removeType === 'OBJECT_TRIGGER' || n.removeType === 'OBJECT_POLICY' || n.removeType === 'OBJECT_RULE') return { mode: 'AccessExclusiveLock', table: null };
      return null;
    case 'RenameStmt':
      if (n.renameType === 'OBJECT_INDEX') return { mode: 'ShareUpdateExclusiveLock', table: null };
      return n.relation ? { mode: 'AccessExclusiveLock', table: targetTable(stmt) } : null;
    case 'TruncateStmt':
      return { mode: 'AccessExclusiveLock', table: targetTables(stmt)[0] ?? null };
    case 'VacuumStmt':
      return { mode: defElemTrue(n.options, 'full') ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock', table: targetTables(stmt)[0] ?? null };
    case 'ClusterStmt':
      return { mode: 'AccessExclusiveLock', table: targetTable(stmt) };
    case 'ReindexStmt':
      return { mode: hasDefElem(n.params, 'concurrently') && defElemTrue(n.params, 'concurrently') ? 'ShareUpdateExclusiveLock' : 'ShareLock', table: targetTable(stmt) };
    case 'RefreshMatViewStmt':
      return { mode: n.concurrent ? 'ExclusiveLock' : 'AccessExclusiveLock', table: targetTable(stmt) };
    case 'CreateTrigStmt':
      return { mode: 'ShareRowExclusiveLock', table: targetTable(stmt) };
    case 'CommentStmt':
      return { mode: 'ShareUpdateExclusiveLock', table: null };
    case 'AlterDomainStmt':
      return { mode: 'ShareLock', table: null };
    case 'LockStmt': {
      const modes: Record<number, LockMode> = {
        1: 'AccessShareLock',
        2: 'RowShareLock',
        3: 'RowExclusiveLock',
        4: 'ShareUpdateExclusiveLock',
        5: 'ShareLock',
        6: 'ShareRowExclusiveLock',
        7: 'ExclusiveLock',
        8: 'AccessExclusiveLock',
      };
      return { mode: modes[Number(n.mode ?? 8)] ?? 'AccessExclusiveLock', table: null };
    }
    case 'CreateStmt': {
      // a new table, but REFERENCES takes ShareRowExclusiveLock on the referenced table
      let fk = false;
      walk(n.tableElts, (k, v) => {
        if (k === 'Constraint' && v.contype === 'CONSTR_FOREIGN') fk = true;
      });
      return fk ? { mode: 'ShareRowExclusiveLock', table: null } : null;
    }
    default:
      return null;
  }
}

export function describeLock(lock: StatementLock, tableLabel?: string): string {
  return `${lock.mode}${tableLabel ? ` on ${tableLabel}` : ''}, which blocks ${blocks(lock.mode)}`;
}
