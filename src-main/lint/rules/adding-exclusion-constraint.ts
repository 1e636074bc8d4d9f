import { addedConstraints, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-exclusion-constraint',
  version: '1.0.0',
  severity: 'error',
  summary: 'An EXCLUDE constraint on an existing table builds and checks its index under AccessExclusiveLock, with no NOT VALID escape.',
  rationale: 'Exclusion constraints cannot be added NOT VALID nor attached from a concurrently built index: the index build and check run under AccessExclusiveLock, blocking reads and writes.',
  safeAlternative: 'Create a new table with the constraint and move data into it (copy + swap), or enforce the rule in a trigger until a maintenance window.',
  example: { bad: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', good: 'CREATE TABLE bookings_v2 (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));' },
  equivalents: { eugene: ['E8'], strong_migrations: ['add_exclusion_constraint'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const c of addedConstraints(stmt)) {
        if (c.constraint.contype !== 'CONSTR_EXCLUSION') continue;
        ctx.report(stmt, { table, message: `Adding an EXCLUDE constraint ${lockSentence(ctx, stmt, table, 'build')}; it cannot be added NOT VALID.` });
      }
    }
  },
});
