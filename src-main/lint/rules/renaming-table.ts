import { display, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'renaming-table',
  version: '1.0.0',
  severity: 'warning',
  summary: 'RENAME TO on a table breaks every running client that uses the old name.',
  rationale: 'The rename is quick (AccessExclusiveLock, catalog only) but queries using the old name fail as soon as it commits.',
  safeAlternative: 'Rename, then `CREATE VIEW old_name AS SELECT * FROM new_name` for a release, or use expand/contract.',
  example: { bad: 'ALTER TABLE customer RENAME TO customers;', good: 'ALTER TABLE customer RENAME TO customers;\nCREATE VIEW customer AS SELECT * FROM customers;' },
  equivalents: { squawk: ['renaming-table'], atlas: ['BC101'], strong_migrations: ['rename_table'] },
  nodeTypes: ['RenameStmt'],
  check(ctx) {
    ctx.statements.forEach((stmt) => {
      if (stmt.nodeType !== 'RenameStmt' || stmt.node.renameType !== 'OBJECT_TABLE') return;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) return;
      const oldName = String((stmt.node.relation as { relname?: string }).relname);
      // a compatibility view with the old name right after keeps clients working
      const next = ctx.file.statements[stmt.index + 1];
      if (next?.nodeType === 'ViewStmt' && (next.node.view as { relname?: string } | undefined)?.relname === oldName) return;
      ctx.report(stmt, {
        table,
        message: `Renaming ${table ? display(table) : oldName} to ${String(stmt.node.newname)} breaks every running client that uses the old name; it takes AccessExclusiveLock (blocks all reads and writes) briefly.`,
      });
    });
  },
});
