import { defineRule } from '../types';

export default defineRule({
  id: 'ban-uncommitted-transaction',
  version: '1.0.0',
  severity: 'error',
  summary: 'A BEGIN without COMMIT leaves the transaction (and its locks) open.',
  rationale: 'If the file opens a transaction and never ends it, the runner either commits it implicitly or keeps its locks until the session ends; AccessExclusiveLocks taken inside keep blocking reads and writes.',
  safeAlternative: 'End every BEGIN with COMMIT (or let the runner wrap the file and remove BEGIN).',
  example: { bad: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;', good: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;' },
  equivalents: { squawk: ['ban-uncommitted-transaction'] },
  nodeTypes: ['TransactionStmt'],
  check(ctx) {
    let open: (typeof ctx.file.statements)[number] | null = null;
    for (const stmt of ctx.statements) {
      if (stmt.txControl === 'begin') open = open ?? stmt;
      else if (stmt.txControl === 'commit' || stmt.txControl === 'rollback' || stmt.txControl === 'prepare') open = null;
    }
    if (open) ctx.report(open, { message: 'This BEGIN is never committed or rolled back in the file: its locks stay held until the session ends.', help: 'Add COMMIT; at the end of the transaction.' });
  },
});
