import { defineRule } from '../types';

export default defineRule({
  id: 'ban-drop-database',
  version: '1.0.0',
  severity: 'critical',
  summary: 'A migration must never drop a database.',
  rationale: 'DROP DATABASE removes every object and row in the database irreversibly; it has no place in a schema migration.',
  safeAlternative: 'Drop databases by hand, with a backup, outside the migration history.',
  example: { bad: 'DROP DATABASE shop;', good: '-- done by an operator, not a migration' },
  equivalents: { squawk: ['ban-drop-database'] },
  nodeTypes: ['DropdbStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'DropdbStmt') continue;
      ctx.report(stmt, { message: `DROP DATABASE ${String(stmt.node.dbname ?? '')} irreversibly deletes the whole database.` });
    }
  },
});
