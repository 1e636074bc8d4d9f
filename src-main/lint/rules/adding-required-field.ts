import { alterCmds, columnDef, constraintOf, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-required-field',
  version: '1.0.0',
  severity: 'error',
  summary: 'ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows.',
  rationale:
    'Existing rows would get NULL in a NOT NULL column, so PostgreSQL refuses the statement on any non-empty table (after waiting for AccessExclusiveLock). Applications still inserting without the column break too.',
  safeAlternative: 'Add the column nullable (or with a constant DEFAULT, instant since PostgreSQL 11), backfill, then add NOT NULL the safe way.',
  example: { bad: 'ALTER TABLE orders ADD COLUMN region text NOT NULL;', good: "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';" },
  equivalents: { squawk: ['adding-required-field'], atlas: ['MF103'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        const col = cmd.subtype === 'AT_AddColumn' ? columnDef(cmd.def) : null;
        if (!col || !constraintOf(col, 'CONSTR_NOTNULL')) continue;
        if (constraintOf(col, 'CONSTR_DEFAULT') || constraintOf(col, 'CONSTR_IDENTITY') || constraintOf(col, 'CONSTR_GENERATED')) continue;
        const t = ctx.analysis.catalogTable(table);
        if (t && t.rows === 0) continue;
        ctx.report(stmt, {
          table,
          message: `Column ${col.name} is NOT NULL with no DEFAULT: the statement fails on ${ctx.analysis.tableLabel(table)} as soon as it has a row, after waiting for AccessExclusiveLock (blocks all reads and writes).`,
          help: `Add ${col.name} with a constant DEFAULT (instant on PostgreSQL 11+), or nullable, backfill it, then add NOT NULL the safe way.`,
        });
      }
    }
  },
});
