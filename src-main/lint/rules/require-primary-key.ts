import { addedConstraints, constraintOf, definedColumns, display, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-primary-key',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Every new table should have a primary key.',
  rationale: 'Without a primary key rows cannot be addressed reliably, logical replication cannot replicate UPDATE/DELETE (no replica identity), and duplicates creep in.',
  safeAlternative: 'Declare `id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY` or a natural key.',
  example: { bad: 'CREATE TABLE notes (body text);', good: 'CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);' },
  equivalents: {},
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    const tables = new Map<string, (typeof ctx.file.statements)[number]>();
    const withPk = new Set<string>();
    for (const stmt of ctx.statements) {
      if (stmt.nodeType === 'CreateStmt' && !stmt.node.partbound && !stmt.node.inhRelations) {
        const t = tableKey(stmt.node.relation);
        if (t) tables.set(t, stmt);
      }
      for (const c of addedConstraints(stmt)) if (c.constraint.contype === 'CONSTR_PRIMARY') withPk.add(c.table);
      for (const d of definedColumns(stmt)) if (constraintOf(d.column, 'CONSTR_PRIMARY')) withPk.add(d.table);
    }
    for (const [t, stmt] of tables) if (!withPk.has(t)) ctx.report(stmt, { message: `Table ${display(t)} has no primary key (logical replication cannot replicate its UPDATEs and DELETEs).` });
  },
});
