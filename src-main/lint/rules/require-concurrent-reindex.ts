import { defElemTrue, display, hasDefElem, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-concurrent-reindex',
  version: '1.0.0',
  severity: 'error',
  summary: 'REINDEX without CONCURRENTLY blocks writes and, in practice, most reads (PostgreSQL 12+ has CONCURRENTLY).',
  rationale: 'REINDEX takes ShareLock on the table (writes blocked) and AccessExclusiveLock on each index being rebuilt, which blocks every query whose plan considers that index — in practice most reads — for the whole rebuild.',
  safeAlternative: '`REINDEX (CONCURRENTLY) INDEX ...` / `REINDEX TABLE CONCURRENTLY ...` in a file marked `-- confiture: no-transaction` (ShareUpdateExclusiveLock).',
  example: { bad: 'REINDEX INDEX orders_created_idx;', good: '-- confiture: no-transaction\nREINDEX INDEX CONCURRENTLY orders_created_idx;' },
  equivalents: { squawk: ['require-concurrent-reindex'] },
  sizeSensitive: true,
  nodeTypes: ['ReindexStmt'],
  check(ctx) {
    if (ctx.pgVersion < 12) return;
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'ReindexStmt') continue;
      if (hasDefElem(stmt.node.params, 'concurrently') && defElemTrue(stmt.node.params, 'concurrently')) continue;
      const target = tableKey(stmt.node.relation) ?? String(stmt.node.name ?? '');
      ctx.report(stmt, {
        table: stmt.node.kind === 'REINDEX_OBJECT_TABLE' ? target : null,
        message: `REINDEX ${display(target)} takes ShareLock on the table (blocks writes) and AccessExclusiveLock on each index it rebuilds (blocks queries that plan with it, i.e. most reads) for the whole rebuild.`,
      });
    }
  },
});
