import { alterCmds, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-not-nullable-field',
  version: '1.3.0',
  severity: 'error',
  summary: 'SET NOT NULL scans the whole table under AccessExclusiveLock.',
  rationale:
    'ALTER COLUMN ... SET NOT NULL checks every row while holding AccessExclusiveLock: no reads or writes until the scan ends. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) already proves it — in the catalog, earlier in the file, or in an earlier pending migration of the plan; PostgreSQL 18 can add NOT NULL as NOT VALID and validate it later.',
  safeAlternative:
    'PostgreSQL 12-17: `ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`; `VALIDATE CONSTRAINT c` (separate transaction); `SET NOT NULL`; `DROP CONSTRAINT c`. PostgreSQL 18+: `ADD CONSTRAINT c NOT NULL col NOT VALID`, then `VALIDATE CONSTRAINT c`.',
  example: { bad: 'ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;', good: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;' },
  equivalents: { squawk: ['adding-not-nullable-field'], eugene: ['E2'], atlas: ['MF104', 'PG303'], strong_migrations: ['change_column_null'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    // the locks service decides whether SET NOT NULL scans: it knows validated CHECK (col IS NOT
    // NULL) constraints from the catalog, from earlier statements of the file and from earlier
    // migrations of the plan (0014's VALIDATE makes 0015's SET NOT NULL a catalog-only change)
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      const commands = ctx.analysis.factsOf(stmt).locks.commands ?? [];
      alterCmds(stmt).forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_SetNotNull' || ctx.analysis.isNewTable(table, stmt.index)) return;
        if (commands[i] !== 'alter_table.set_not_null') return;
        ctx.report(stmt, {
          table,
          message: `SET NOT NULL on ${cmd.name} checks every row: it ${lockSentence(ctx, stmt, table, 'scan')}.`,
          help:
            ctx.pgVersion >= 18
              ? `On PostgreSQL ${ctx.pgVersion}: \`ALTER TABLE ... ADD CONSTRAINT ${cmd.name}_not_null NOT NULL ${cmd.name} NOT VALID;\` then \`VALIDATE CONSTRAINT ${cmd.name}_not_null\` in a separate transaction.`
              : ctx.pgVersion >= 12
                ? `\`ADD CONSTRAINT ${cmd.name}_nn CHECK (${cmd.name} IS NOT NULL) NOT VALID\`, \`VALIDATE CONSTRAINT ${cmd.name}_nn\` (separate transaction), then SET NOT NULL (no scan on PostgreSQL 12+), then drop the check.`
                : `Before PostgreSQL 12 SET NOT NULL always scans: keep a validated CHECK (${cmd.name} IS NOT NULL) instead of NOT NULL.`,
        });
      });
    }
  },
});
