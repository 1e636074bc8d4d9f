import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-text-field',
  version: '1.0.0',
  severity: 'info',
  summary: 'varchar(n) limits are awkward to change; text with a CHECK is easier to evolve.',
  rationale: 'Raising a varchar limit is cheap, but lowering it, or any change when views depend on the column, takes AccessExclusiveLock and may scan or rewrite; a CHECK (length(col) <= n) can be replaced NOT VALID without blocking.',
  safeAlternative: 'Use `text` plus `CHECK (length(col) <= n)` when a limit is a business rule.',
  example: { bad: 'CREATE TABLE t (name varchar(100));', good: 'CREATE TABLE t (name text CHECK (length(name) <= 100));' },
  equivalents: { squawk: ['prefer-text-field'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (c.type.name !== 'varchar' || c.type.typmods.length === 0) continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is varchar(${c.type.typmods[0]}): changing the limit later can take AccessExclusiveLock; text with a CHECK is easier to evolve.`, help: `Declare ${c.column} as text CHECK (length(${c.column}) <= ${c.type.typmods[0]}).` });
      }
    }
  },
});
