import { blocksText } from '../../locks';
import { defineRule } from '../types';
import { firstSlowStatement } from './require-statement-timeout';

export default defineRule({
  id: 'require-lock-timeout',
  version: '1.1.0',
  severity: 'warning',
  summary: 'Set lock_timeout before a statement that takes a table lock.',
  rationale: 'A DDL statement waiting for its lock behind a long transaction makes every later query on the table queue behind it: a metadata-only change can stop all traffic for as long as that transaction lasts. lock_timeout makes it give up (and retry) instead. Every lock of the statement counts (the referenced table of a foreign key, the table of an index, tables whose triggers a CASCADE drops), as the locks service reports them. The Confiture runner sets it from engine.lockTimeout; loose files and runners without it need `SET lock_timeout`. Differs from squawk on purpose: squawk treats all DDL except a plain CREATE TABLE as slow; Confiture asks the locks service, so a CREATE TABLE … REFERENCES a table created in the same file, CREATE TYPE, ALTER TYPE … ADD VALUE, CREATE SCHEMA and CREATE FUNCTION (no lock that queues traffic) are not reported, and the statement reported is the first one that locks an existing table — which can be an earlier DO block, whose body Confiture reads and squawk does not. A CREATE TABLE IF NOT EXISTS counts as new only when the catalog shows the table did not exist: without one it may be a live table on an upgrade path, and later DDL on it is reported (as squawk does).',
  safeAlternative: "Start the file with `SET lock_timeout = '2s';` (or `-- confiture: lock_timeout=2s`) and retry on timeout.",
  example: { bad: 'ALTER TABLE orders ADD COLUMN note text;', good: "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;" },
  equivalents: { squawk: ['require-lock-timeout', 'require-timeout-settings'], eugene: ['E9'] },
  check(ctx) {
    const slow = firstSlowStatement(ctx, (f) => f.lockTimeoutSet);
    if (!slow) return;
    const locks = ctx.analysis.tableLocks(slow.stmt);
    const named = locks.map((l) => `${l.mode} on ${l.unresolved ? l.relation : ctx.analysis.tableLabel(l.relation)} (blocks ${blocksText(l.mode)})`).join(' and ');
    ctx.report(slow.stmt, {
      table: slow.table,
      message: `No lock_timeout is set before this statement, which takes ${named}: while it waits behind a long transaction, every later query on ${locks.length > 1 ? 'these tables' : 'the table'} queues behind it, with no limit.`,
      help: "Add `SET lock_timeout = '2s';` at the top of the file (or `-- confiture: lock_timeout=2s`) and retry on timeout.",
    });
  },
});
