import { addedConstraints, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'disallowed-unique-constraint',
  version: '1.0.0',
  severity: 'error',
  summary: 'ADD CONSTRAINT ... UNIQUE builds its index under AccessExclusiveLock.',
  rationale: 'A UNIQUE constraint added to an existing table builds its index while holding AccessExclusiveLock: reads and writes wait for the whole build, and it fails late if duplicates exist.',
  safeAlternative: '`CREATE UNIQUE INDEX CONCURRENTLY t_col_key ON t (col);` then `ALTER TABLE t ADD CONSTRAINT t_col_key UNIQUE USING INDEX t_col_key;`',
  example: { bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', good: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;' },
  equivalents: { squawk: ['disallowed-unique-constraint'], eugene: ['E7'], atlas: ['PG105', 'MF101'], strong_migrations: ['add_unique_constraint'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const c of addedConstraints(stmt)) {
        if (c.constraint.contype !== 'CONSTR_UNIQUE' || c.constraint.indexname) continue;
        ctx.report(stmt, {
          table,
          message: `Adding a UNIQUE constraint${c.column ? ` on new column ${c.column}` : ''} builds a unique index: it ${lockSentence(ctx, stmt, table, 'build')}.`,
        });
      }
    }
  },
});
