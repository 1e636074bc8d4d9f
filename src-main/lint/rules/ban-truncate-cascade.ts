import { display, targetTables } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-truncate-cascade',
  version: '1.0.0',
  severity: 'error',
  summary: 'TRUNCATE ... CASCADE also empties every table that references it.',
  rationale: 'CASCADE silently truncates all tables with foreign keys to the named ones (and their referencing tables in turn), each under AccessExclusiveLock; the list is decided by the live schema, not by the migration text.',
  safeAlternative: 'Name every table to truncate explicitly, without CASCADE.',
  example: { bad: 'TRUNCATE customers CASCADE;', good: 'TRUNCATE order_lines, orders, customers;' },
  equivalents: { squawk: ['ban-truncate-cascade'] },
  nodeTypes: ['TruncateStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'TruncateStmt' || stmt.node.behavior !== 'DROP_CASCADE') continue;
      ctx.report(stmt, { message: `TRUNCATE ${targetTables(stmt).map(display).join(', ')} CASCADE also empties every table with a foreign key to them, taking AccessExclusiveLock (blocks all reads and writes) on each.` });
    }
  },
});
