import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-bigint-over-int',
  version: '1.0.0',
  severity: 'warning',
  summary: 'integer/serial columns overflow at 2,147,483,647.',
  rationale: 'An int4 id or counter that reaches 2^31-1 makes every insert fail; widening it later to bigint rewrites the table under AccessExclusiveLock. bigint costs 4 more bytes per row.',
  safeAlternative: 'Use bigint (or bigint GENERATED ALWAYS AS IDENTITY) from the start.',
  example: { bad: 'CREATE TABLE events (id integer PRIMARY KEY);', good: 'CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' },
  equivalents: { squawk: ['prefer-bigint-over-int'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (!['int4', 'int', 'integer', 'serial', 'serial4'].includes(c.type.name)) continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is ${c.type.name.startsWith('serial') ? 'serial (integer)' : 'integer'}: it overflows at 2,147,483,647 and widening it later rewrites the table under AccessExclusiveLock.`, help: `Declare ${c.column} as bigint.` });
      }
    }
  },
});
