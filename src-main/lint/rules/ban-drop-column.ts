import { alterCmds, display, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-drop-column',
  version: '1.1.0',
  severity: 'warning',
  summary: 'DROP COLUMN breaks application code that still reads or writes the column.',
  rationale: 'The drop itself is quick (AccessExclusiveLock, catalog only), but every running application version that names the column fails at once, and the data is gone: the down migration can recreate the column, not its values.',
  safeAlternative: 'Expand/contract: stop using the column in the application and deploy, keep a backup of its data, then drop it in a later migration.',
  example: { bad: 'ALTER TABLE users DROP COLUMN legacy_flag;', good: '-- after the application stopped using it, with a backup taken:\nALTER TABLE users DROP COLUMN legacy_flag;' },
  equivalents: { squawk: ['ban-drop-column'], atlas: ['DS103'], strong_migrations: ['remove_column'] },
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype !== 'AT_DropColumn') continue;
        ctx.report(stmt, {
          table,
          message: `Dropping ${table ? display(table) : ''}.${cmd.name} deletes its data and breaks any running code that still uses it; it takes AccessExclusiveLock (blocks all reads and writes) briefly.`,
          help: `Deploy code that no longer uses ${cmd.name} first, back up the column, then drop it in a later migration.`,
        });
      }
    }
  },
});
