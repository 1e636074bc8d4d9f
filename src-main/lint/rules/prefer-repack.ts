import { defElemTrue, display, targetTables } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-repack',
  version: '1.0.0',
  severity: 'warning',
  summary: 'On PostgreSQL 19+, REPACK (CONCURRENTLY) replaces VACUUM FULL and CLUSTER without blocking.',
  rationale: 'VACUUM FULL and CLUSTER rewrite the table under AccessExclusiveLock. PostgreSQL 19 adds REPACK (CONCURRENTLY), which does the same without blocking reads and writes. Only reported when targeting PostgreSQL 19 or later (see rewrites-table for older versions).',
  safeAlternative: '`REPACK (CONCURRENTLY) t;` (PostgreSQL 19+) or pg_repack.',
  example: { bad: 'VACUUM FULL orders;', good: 'REPACK (CONCURRENTLY) orders;' },
  equivalents: { squawk: ['prefer-repack'] },
  nodeTypes: ['VacuumStmt', 'ClusterStmt'],
  check(ctx) {
    if (ctx.pgVersion < 19) return;
    for (const stmt of ctx.statements) {
      const full = stmt.nodeType === 'VacuumStmt' && defElemTrue(stmt.node.options, 'full');
      if (!full && stmt.nodeType !== 'ClusterStmt') continue;
      ctx.report(stmt, { table: targetTables(stmt)[0] ?? null, message: `${full ? 'VACUUM FULL' : 'CLUSTER'} ${targetTables(stmt).map(display).join(', ')} rewrites under AccessExclusiveLock (blocks all reads and writes); PostgreSQL ${ctx.pgVersion} has REPACK (CONCURRENTLY).` });
    }
  },
});
