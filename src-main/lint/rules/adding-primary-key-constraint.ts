import { addedConstraints, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-primary-key-constraint',
  version: '1.0.0',
  severity: 'error',
  summary: 'ADD PRIMARY KEY builds its index under AccessExclusiveLock.',
  rationale:
    'Adding a primary key to an existing table builds a unique index (and, for nullable columns, checks NOT NULL) while holding AccessExclusiveLock: reads and writes wait for the whole build.',
  safeAlternative: '`CREATE UNIQUE INDEX CONCURRENTLY t_pkey_idx ON t (id);` then `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey_idx;` (columns already NOT NULL).',
  example: { bad: 'ALTER TABLE events ADD PRIMARY KEY (id);', good: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' },
  equivalents: { squawk: ['adding-serial-primary-key-field'], atlas: ['PG104'], eugene: ['W14'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const c of addedConstraints(stmt)) {
        if (c.constraint.contype !== 'CONSTR_PRIMARY' || c.constraint.indexname) continue;
        ctx.report(stmt, {
          table,
          message: `Adding a primary key builds a unique index: it ${lockSentence(ctx, stmt, table, 'build')}.`,
        });
      }
    }
  },
});
