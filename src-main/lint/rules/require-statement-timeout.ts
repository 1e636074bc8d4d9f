import { isTableLock, type StatementFacts } from '../analysis';
import { locksList } from '../phrases';
import { defineRule, type ParsedStatement, type RuleContext } from '../types';

/**
 * The first statement that takes a table lock (ShareUpdateExclusiveLock or stronger, on any
 * relation that existed before the file — the target, a referenced table, the table of an index…)
 * while the given timeout is not set. The locks come from the locks service.
 */
export function firstSlowStatement(ctx: RuleContext<unknown>, isSet: (f: StatementFacts) => boolean): { stmt: ParsedStatement; table: string | null } | null {
  for (const [i, stmt] of ctx.file.statements.entries()) {
    const f = ctx.analysis.facts[i]!;
    if (isSet(f)) continue;
    const locked = f.locks.locks.filter(isTableLock).filter((l) => l.unresolved || !ctx.analysis.isNewTable(l.relation.includes('.') ? l.relation : `public.${l.relation}`, stmt.index));
    if (locked.length === 0) continue;
    const main = locked.find((l) => l.role === 'target') ?? locked[0]!;
    return { stmt, table: main.unresolved ? null : main.relation.includes('.') ? main.relation : `public.${main.relation}` };
  }
  return null;
}

export default defineRule({
  id: 'require-statement-timeout',
  version: '1.1.0',
  severity: 'warning',
  summary: 'Set statement_timeout before a statement that may run long under a lock.',
  rationale: 'A scan, rewrite or index build that takes far longer than planned keeps its locks (and everything queued behind them) until it ends. statement_timeout bounds the damage: the statement is cancelled and the migration rolled back. Every lock of the statement counts, not only its target table: a foreign key also locks the referenced table, DROP INDEX the index\'s table. Differs from squawk on purpose, as require-lock-timeout: only statements that take a table lock on a relation that existed before the file are reported. A long `CREATE MATERIALIZED VIEW … AS SELECT` or `CREATE TABLE … AS` only reads its sources (ACCESS SHARE: nobody waits behind it) and is not reported; a REFRESH of an existing materialized view is.',
  safeAlternative: "Add `SET statement_timeout = '5min';` (or `-- confiture: statement_timeout=5min`) sized to the rehearsal timings.",
  example: { bad: 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);', good: "SET statement_timeout = '5min';\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);" },
  equivalents: { squawk: ['require-statement-timeout', 'require-timeout-settings'] },
  check(ctx) {
    const slow = firstSlowStatement(ctx, (f) => f.statementTimeoutSet);
    if (!slow) return;
    ctx.report(slow.stmt, {
      table: slow.table,
      message: `No statement_timeout is set before this statement, which takes ${locksList(ctx, slow.stmt)}: if it runs longer than planned, the locks and every query queued behind them last as long as it does.`,
      help: "Add `SET statement_timeout = '5min';` at the top of the file (or `-- confiture: statement_timeout=5min`), sized from the rehearsal.",
    });
  },
});
