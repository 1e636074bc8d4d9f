import { defineRule } from '../types';

export default defineRule({
  id: 'transaction-nesting',
  version: '1.0.0',
  severity: 'error',
  summary: 'BEGIN inside a transaction, or COMMIT without BEGIN, does not do what it looks like.',
  rationale: 'A second BEGIN only warns, and its COMMIT commits the outer transaction early: statements after it run outside the transaction and are not rolled back on failure. COMMIT with no BEGIN commits whatever the runner opened.',
  safeAlternative: 'One BEGIN ... COMMIT per file, or none (the runner wraps the file).',
  example: { bad: 'BEGIN;\nBEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nCOMMIT;', good: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;' },
  equivalents: { squawk: ['transaction-nesting'], atlas: ['TX201'] },
  nodeTypes: ['TransactionStmt'],
  check(ctx) {
    let open = false;
    for (const stmt of ctx.statements) {
      if (stmt.txControl === 'begin') {
        if (open) ctx.report(stmt, { message: 'BEGIN inside an open transaction: PostgreSQL only warns, and the first COMMIT ends the outer transaction early.' });
        open = true;
      } else if (stmt.txControl === 'commit' || stmt.txControl === 'rollback') {
        if (!open) ctx.report(stmt, { message: `${stmt.txControl.toUpperCase()} without a BEGIN in this file ends a transaction the file did not open.` });
        open = false;
      }
    }
  },
});
