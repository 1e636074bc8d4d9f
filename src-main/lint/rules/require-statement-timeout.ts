import type { StatementFacts } from '../analysis';
import type { StatementLock } from '../locks';
import { defineRule, type ParsedStatement, type RuleContext } from '../types';

/** The first DDL statement on an existing table that runs without the given timeout set. */
export function firstSlowStatement(ctx: RuleContext<unknown>, isSet: (f: StatementFacts) => boolean): { stmt: ParsedStatement; lock: StatementLock } | null {
  for (const [i, stmt] of ctx.file.statements.entries()) {
    const f = ctx.analysis.facts[i]!;
    if (!f.lock || isSet(f)) continue;
    if (f.lock.table && ctx.analysis.isNewTable(f.lock.table, stmt.index)) continue;
    return { stmt, lock: f.lock };
  }
  return null;
}

export default defineRule({
  id: 'require-statement-timeout',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Set statement_timeout before a statement that may run long under a lock.',
  rationale: 'A scan, rewrite or index build that takes far longer than planned keeps its lock (and everything queued behind it) until it ends. statement_timeout bounds the damage: the statement is cancelled and the migration rolled back.',
  safeAlternative: "Add `SET statement_timeout = '5min';` (or `-- confiture: statement_timeout=5min`) sized to the rehearsal timings.",
  example: { bad: 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);', good: "SET statement_timeout = '5min';\nALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);" },
  equivalents: { squawk: ['require-statement-timeout', 'require-timeout-settings'] },
  check(ctx) {
    const slow = firstSlowStatement(ctx, (f) => f.statementTimeoutSet);
    if (!slow) return;
    ctx.report(slow.stmt, {
      table: slow.lock.table,
      message: `No statement_timeout is set before this statement, which takes ${slow.lock.mode} on ${ctx.analysis.tableLabel(slow.lock.table)}: if it runs longer than planned, the lock and every query queued behind it last as long as it does.`,
      help: "Add `SET statement_timeout = '5min';` at the top of the file (or `-- confiture: statement_timeout=5min`), sized from the rehearsal.",
    });
  },
});
