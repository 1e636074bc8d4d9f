import { display, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'multiple-alter-table',
  version: '1.0.0',
  severity: 'info',
  summary: 'Several ALTER TABLE statements on one table can be one statement.',
  rationale: 'Each ALTER TABLE waits for its own AccessExclusiveLock and may scan or rewrite separately; one ALTER TABLE with several actions takes the lock once and does at most one pass.',
  safeAlternative: 'Combine: `ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text;`',
  example: { bad: 'ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b text;', good: 'ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text;' },
  equivalents: { eugene: ['W12'] },
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    const seen = new Map<string, number>();
    for (const stmt of ctx.statements) {
      // ALTER INDEX / ALTER SEQUENCE / ALTER VIEW parse as AlterTableStmt too; only tables combine
      if (stmt.nodeType !== 'AlterTableStmt' || (stmt.node.objtype !== 'OBJECT_TABLE' && stmt.node.objtype !== 'OBJECT_FOREIGN_TABLE')) continue;
      const table = tableKey(stmt.node.relation);
      if (!table || ctx.analysis.isNewTable(table, stmt.index)) continue;
      const prev = seen.get(table);
      if (prev !== undefined) {
        ctx.report(stmt, { table, message: `${display(table)} was already altered at line ${prev}: each ALTER TABLE waits for its own AccessExclusiveLock; combine them into one statement.` });
      } else seen.set(table, stmt.range.start.line);
    }
  },
});
