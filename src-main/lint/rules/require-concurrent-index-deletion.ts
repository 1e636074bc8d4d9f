import { names } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-concurrent-index-deletion',
  version: '1.0.0',
  severity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY takes AccessExclusiveLock on the table.',
  rationale: 'A plain DROP INDEX locks the index\'s table with AccessExclusiveLock: quick once granted, but while it waits behind a long query every read and write on the table queues behind it.',
  safeAlternative: '`DROP INDEX CONCURRENTLY IF EXISTS ...` in a file marked `-- confiture: no-transaction` (ShareUpdateExclusiveLock).',
  example: { bad: 'DROP INDEX orders_created_idx;', good: '-- confiture: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS orders_created_idx;' },
  equivalents: { squawk: ['require-concurrent-index-deletion'], atlas: ['PG102'], strong_migrations: ['remove_index'] },
  nodeTypes: ['DropStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'DropStmt' || stmt.node.removeType !== 'OBJECT_INDEX' || stmt.node.concurrent) continue;
      const idx = ((stmt.node.objects as { List?: { items?: unknown } }[]) ?? []).map((o) => names(o.List?.items).join('.'));
      ctx.report(stmt, { message: `DROP INDEX ${idx.join(', ')} takes AccessExclusiveLock on its table, which blocks all reads and writes (SELECT, INSERT, UPDATE, DELETE) only for a moment once granted, but while it waits every later query on the table queues behind it.` });
    }
  },
});
