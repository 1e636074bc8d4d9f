import { blocks } from '../locks';
import { defineRule } from '../types';
import { firstSlowStatement } from './require-statement-timeout';

export default defineRule({
  id: 'require-lock-timeout',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Set lock_timeout before a statement that takes a table lock.',
  rationale: 'A DDL statement waiting for its lock behind a long transaction makes every later query on the table queue behind it: a metadata-only change can stop all traffic for as long as that transaction lasts. lock_timeout makes it give up (and retry) instead. The Confiture runner sets it from engine.lockTimeout; loose files and runners without it need `SET lock_timeout`.',
  safeAlternative: "Start the file with `SET lock_timeout = '2s';` (or `-- confiture: lock_timeout=2s`) and retry on timeout.",
  example: { bad: 'ALTER TABLE orders ADD COLUMN note text;', good: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;" },
  equivalents: { squawk: ['require-lock-timeout', 'require-timeout-settings'], eugene: ['E9'] },
  check(ctx) {
    const slow = firstSlowStatement(ctx, (f) => f.lockTimeoutSet);
    if (!slow) return;
    ctx.report(slow.stmt, {
      table: slow.lock.table,
      message: `No lock_timeout is set before this statement, which takes ${slow.lock.mode} on ${ctx.analysis.tableLabel(slow.lock.table)} (blocks ${blocks(slow.lock.mode)}): while it waits behind a long transaction, every later query on the table queues behind it, with no limit.`,
      help: "Add `SET lock_timeout = '2s';` at the top of the file (or `-- confiture: lock_timeout=2s`) and retry on timeout.",
    });
  },
});
