import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-bigint-over-smallint',
  version: '1.0.0',
  severity: 'warning',
  summary: 'smallint columns overflow at 32,767.',
  rationale: 'An int2 column that reaches 32,767 makes writes fail; widening it later rewrites the table under AccessExclusiveLock.',
  safeAlternative: 'Use bigint (or integer with a documented bound).',
  example: { bad: 'CREATE TABLE t (qty smallint);', good: 'CREATE TABLE t (qty bigint);' },
  equivalents: { squawk: ['prefer-bigint-over-smallint'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (!['int2', 'smallint', 'smallserial', 'serial2'].includes(c.type.name)) continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is smallint: it overflows at 32,767 and widening it later rewrites the table under AccessExclusiveLock.`, help: `Declare ${c.column} as bigint.` });
      }
    }
  },
});
