import { defineRule } from '../types';

export default defineRule({
  id: 'ban-concurrent-index-creation-in-transaction',
  version: '1.0.0',
  severity: 'error',
  summary: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block.',
  rationale: 'PostgreSQL refuses CONCURRENTLY inside BEGIN ... COMMIT ("cannot run inside a transaction block"), so the migration fails at that statement and everything before it in the transaction is rolled back.',
  safeAlternative: 'Put the CONCURRENTLY statement in its own migration file without BEGIN/COMMIT (add `-- confiture: no-transaction`).',
  example: { bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;', good: '-- confiture: no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);' },
  equivalents: { squawk: ['ban-concurrent-index-creation-in-transaction'], atlas: ['PG103'] },
  nodeTypes: ['IndexStmt', 'DropStmt', 'ReindexStmt'],
  check(ctx) {
    ctx.statements.forEach((stmt) => {
      const concurrent = (stmt.nodeType === 'IndexStmt' || stmt.nodeType === 'DropStmt' || stmt.nodeType === 'ReindexStmt') && !stmt.transactional;
      if (!concurrent || !ctx.analysis.facts[stmt.index]!.inExplicitBlock) return;
      ctx.report(stmt, {
        message: `${stmt.kind.replace(/_/g, ' ').toUpperCase()} ... CONCURRENTLY is inside BEGIN ... COMMIT: PostgreSQL refuses it ("cannot run inside a transaction block") and the whole transaction rolls back.`,
        help: 'Move it to its own file without BEGIN/COMMIT and mark the file `-- confiture: no-transaction`.',
      });
    });
  },
});
