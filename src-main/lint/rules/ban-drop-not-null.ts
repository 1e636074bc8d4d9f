import { alterCmds, tableKey } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-drop-not-null',
  version: '1.0.0',
  severity: 'warning',
  summary: 'DROP NOT NULL lets NULLs reach code that assumes there are none.',
  rationale: 'The change is quick (AccessExclusiveLock, catalog only) but breaks the contract readers rely on: code, reports and replicas that assume the column is always set start seeing NULLs.',
  safeAlternative: 'Check every reader handles NULL first; keep the constraint if in doubt.',
  example: { bad: 'ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;', good: '-- keep NOT NULL, or deploy NULL-safe readers first' },
  equivalents: { squawk: ['ban-drop-not-null'] },
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype !== 'AT_DropNotNull') continue;
        ctx.report(stmt, { table, message: `Dropping NOT NULL on ${cmd.name} lets NULLs reach code that assumes the column is always set.` });
      }
    }
  },
});
