import { display, targetTables } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-drop-table',
  version: '1.1.0',
  severity: 'error',
  summary: 'DROP TABLE deletes data and breaks every client of the table.',
  rationale: 'The drop takes AccessExclusiveLock (blocks all reads and writes; waits behind every open transaction on the table) and irreversibly deletes the rows; a down migration can recreate the table, not its data.',
  safeAlternative: 'Stop using the table, rename it (or revoke access) for a release, back it up, then drop it in a later migration.',
  example: { bad: 'DROP TABLE legacy_orders;', good: 'ALTER TABLE legacy_orders RENAME TO legacy_orders_to_drop_2025_01;' },
  equivalents: { squawk: ['ban-drop-table'], atlas: ['DS102'] },
  nodeTypes: ['DropStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'DropStmt' || stmt.node.removeType !== 'OBJECT_TABLE') continue;
      for (const table of targetTables(stmt)) {
        if (ctx.analysis.isNewTable(table, stmt.index)) continue;
        ctx.report(stmt, {
          table,
          message: `Dropping ${ctx.analysis.tableLabel(table)} deletes its rows irreversibly and breaks every client; it takes AccessExclusiveLock (blocks all reads and writes) and queues behind every open transaction on ${display(table)}.`,
        });
      }
    }
  },
});
