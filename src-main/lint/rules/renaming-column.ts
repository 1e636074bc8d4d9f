import { display, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'renaming-column',
  version: '1.1.0',
  severity: 'warning',
  summary: 'RENAME COLUMN breaks every running client that uses the old name.',
  rationale: 'The rename is quick (AccessExclusiveLock, catalog only) but every query, view body text in the application, and ORM mapping using the old name fails the moment it commits; old and new application versions cannot run side by side.',
  safeAlternative: 'Expand/contract: add the new column, dual-write (trigger), backfill, move readers, then drop the old column.',
  example: { bad: 'ALTER TABLE users RENAME COLUMN mail TO email;', good: 'ALTER TABLE users ADD COLUMN email text; -- then dual-write, backfill, switch, drop' },
  equivalents: { squawk: ['renaming-column'], atlas: ['BC102'], strong_migrations: ['rename_column'] },
  nodeTypes: ['RenameStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'RenameStmt' || stmt.node.renameType !== 'OBJECT_COLUMN') continue;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      ctx.report(stmt, {
        table,
        message: `Renaming ${table ? display(table) : ''}.${String(stmt.node.subname)} to ${String(stmt.node.newname)} breaks every running client that uses the old name; it takes AccessExclusiveLock (blocks all reads and writes) briefly.`,
      });
    }
  },
});
