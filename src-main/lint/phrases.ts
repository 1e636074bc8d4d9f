/** Sentences rules share, so every message names the lock, what it blocks and for how long. */
import type { ParsedStatement } from '../parse';
import { blocks, type LockMode } from './locks';
import type { RuleContext } from './types';

export type Duration = 'brief' | 'scan' | 'rewrite' | 'build' | 'copy';

const HOW_LONG: Record<Duration, string> = {
  brief: 'only for a moment once granted, but while it waits for the lock every later query on the table queues behind it',
  scan: 'for as long as a full scan of the table takes (grows with table size)',
  rewrite: 'for as long as rewriting the whole table and rebuilding its indexes takes (grows with table and index size, needs about as much free disk again)',
  build: 'for as long as building the index takes (a full scan and sort of the table)',
  copy: 'for as long as copying every data file takes',
};

/** "Takes AccessExclusiveLock on orders (~12.0M rows, 3.2 GB), which blocks all reads and writes ..., for as long as ..." */
export function lockSentence(ctx: RuleContext<unknown>, mode: LockMode, table: string | null | undefined, duration: Duration): string {
  return `takes ${mode} on ${ctx.analysis.tableLabel(table)}, which blocks ${blocks(mode)}, ${HOW_LONG[duration]}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The statement's table is new in this file or (with a catalog) empty. */
export function isNewOrEmpty(ctx: RuleContext<unknown>, table: string | null | undefined, stmt: ParsedStatement): boolean {
  return ctx.analysis.isNewTable(table, stmt.index);
}
