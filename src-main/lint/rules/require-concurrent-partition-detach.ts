import { alterCmds, display, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-concurrent-partition-detach',
  version: '1.0.0',
  severity: 'warning',
  summary: 'DETACH PARTITION without CONCURRENTLY takes AccessExclusiveLock on the parent table (PostgreSQL 14+ has CONCURRENTLY).',
  rationale: 'Plain DETACH PARTITION locks the whole partitioned table with AccessExclusiveLock: reads and writes on every partition wait. Since PostgreSQL 14, DETACH ... CONCURRENTLY takes only ShareUpdateExclusiveLock.',
  safeAlternative: '`ALTER TABLE parent DETACH PARTITION child CONCURRENTLY;` in a file marked `-- confiture: no-transaction` (not possible with a default partition).',
  example: { bad: 'ALTER TABLE events DETACH PARTITION events_2020;', good: '-- confiture: no-transaction\nALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;' },
  equivalents: { squawk: ['require-concurrent-partition-detach'] },
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    if (ctx.pgVersion < 14) return;
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      for (const c of alterCmds(stmt)) {
        if (c.subtype !== 'AT_DetachPartition' || (c.def as { PartitionCmd?: { concurrent?: boolean } } | undefined)?.PartitionCmd?.concurrent) continue;
        ctx.report(stmt, { table, message: `DETACH PARTITION on ${table ? display(table) : 'the parent'} ${lockSentence(ctx, stmt, table, 'brief')}.` });
      }
    }
  },
});
