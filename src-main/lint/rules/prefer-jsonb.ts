import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-jsonb',
  version: '1.0.0',
  severity: 'warning',
  summary: 'json has no equality operator; jsonb is indexable and comparable.',
  rationale: 'A json column breaks SELECT DISTINCT, GROUP BY and UNION on the row, cannot be indexed with GIN, and re-parses on every access.',
  safeAlternative: 'Use `jsonb`.',
  example: { bad: 'ALTER TABLE t ADD COLUMN payload json;', good: 'ALTER TABLE t ADD COLUMN payload jsonb;' },
  equivalents: { eugene: ['E3'], strong_migrations: ['add_column_json'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (c.type.name !== 'json') continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is json: it has no equality operator (breaks DISTINCT, GROUP BY, UNION) and no GIN index.`, help: `Declare ${c.column} as jsonb.` });
      }
    }
  },
});
