/**
 * Sentences rules share, so every message names the lock, what it blocks and for how long. The
 * lock modes come from the locks service (src-main/locks), never from the rule.
 */
import type { RelationLock } from '../../src-shared/domain/locks';
import type { ParsedStatement } from '../parse';
import { blocksText, strength } from '../locks';
import type { RuleContext } from './types';

export type Duration = 'brief' | 'scan' | 'rewrite' | 'build' | 'copy';

const HOW_LONG: Record<Duration, string> = {
  brief: 'only for a moment once granted, but while it waits for the lock every later query on the table queues behind it',
  scan: 'for as long as a full scan of the table takes (grows with table size)',
  rewrite: 'for as long as rewriting the whole table and rebuilding its indexes takes (grows with table and index size, needs about as much free disk again)',
  build: 'for as long as building the index takes (a full scan and sort of the table)',
  copy: 'for as long as copying every data file takes',
};

/** `public.orders` (lint key) and `orders` (locks display name) name the same table. */
export function sameRelation(lockRelation: string, table: string): boolean {
  return lockRelation === table || `public.${lockRelation}` === table;
}

/** The statement's lock on `table` (else its strongest on any relation), as the locks service says. */
export function lockOn(ctx: RuleContext<unknown>, stmt: ParsedStatement, table: string | null | undefined): RelationLock | null {
  const locks = ctx.analysis.factsOf(stmt).locks.locks;
  const own = table ? locks.find((l) => sameRelation(l.relation, table)) : undefined;
  return own ?? locks.reduce<RelationLock | null>((a, l) => (!a || strength(l.mode) > strength(a.mode) ? l : a), null);
}

/** "and ShareRowExclusiveLock on customers (blocks writes …)" for the statement's other relations. */
function otherLocks(ctx: RuleContext<unknown>, stmt: ParsedStatement, main: RelationLock | null): string {
  const others = ctx.analysis.tableLocks(stmt).filter((l) => l.relation !== main?.relation);
  if (others.length === 0) return '';
  return `; it also takes ${others.map((l) => `${l.mode} on ${l.unresolved ? l.relation : ctx.analysis.tableLabel(l.relation)} (blocks ${blocksText(l.mode)})`).join(', ')}`;
}

/** "takes AccessExclusiveLock on orders (~12.0M rows, 3.2 GB), which blocks all reads and writes ..., for as long as ...; it also takes …" */
export function lockSentence(ctx: RuleContext<unknown>, stmt: ParsedStatement, table: string | null | undefined, duration: Duration): string {
  const lock = lockOn(ctx, stmt, table);
  if (!lock) return `takes no table lock on ${ctx.analysis.tableLabel(table)}`;
  return `takes ${lock.mode} on ${ctx.analysis.tableLabel(table ?? lock.relation)}, which blocks ${blocksText(lock.mode)}, ${HOW_LONG[duration]}${otherLocks(ctx, stmt, lock)}`;
}

/** Every lock the statement takes on existing relations, named: "AccessExclusiveLock on orders and ShareRowExclusiveLock on customers". */
export function locksList(ctx: RuleContext<unknown>, stmt: ParsedStatement): string {
  return ctx.analysis
    .tableLocks(stmt)
    .map((l) => `${l.mode} on ${l.unresolved ? l.relation : ctx.analysis.tableLabel(l.relation)}`)
    .join(' and ');
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The statement's table is new in this file or (with a catalog) empty. */
export function isNewOrEmpty(ctx: RuleContext<unknown>, table: string | null | undefined, stmt: ParsedStatement): boolean {
  return ctx.analysis.isNewTable(table, stmt.index);
}
