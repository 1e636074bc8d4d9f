import { alterCmds, names, tableKey, walk } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

/** CHECK (col IS NOT NULL) constraints added to a table, by name, with whether they are validated. */
function notNullChecks(stmt: { node: Record<string, unknown>; nodeType: string }): { name: string | null; column: string; valid: boolean }[] {
  const out: { name: string | null; column: string; valid: boolean }[] = [];
  if (stmt.nodeType !== 'AlterTableStmt') return out;
  for (const cmd of (stmt.node.cmds as { AlterTableCmd?: { subtype?: string; def?: { Constraint?: Record<string, unknown> } } }[]) ?? []) {
    const c = cmd.AlterTableCmd?.def?.Constraint;
    if (cmd.AlterTableCmd?.subtype !== 'AT_AddConstraint' || c?.contype !== 'CONSTR_CHECK') continue;
    walk({ e: c.raw_expr }, (k, v) => {
      if (k === 'NullTest' && v.nulltesttype === 'IS_NOT_NULL') {
        const col = names((v.arg as { ColumnRef?: { fields?: unknown } } | undefined)?.ColumnRef?.fields).pop();
        if (col) out.push({ name: (c.conname as string) ?? null, column: col, valid: c.skip_validation !== true });
      }
    });
  }
  return out;
}

export default defineRule({
  id: 'adding-not-nullable-field',
  version: '1.1.0',
  severity: 'error',
  summary: 'SET NOT NULL scans the whole table under AccessExclusiveLock.',
  rationale:
    'ALTER COLUMN ... SET NOT NULL checks every row while holding AccessExclusiveLock: no reads or writes until the scan ends. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) already proves it; PostgreSQL 18 can add NOT NULL as NOT VALID and validate it later.',
  safeAlternative:
    'PostgreSQL 12-17: `ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`; `VALIDATE CONSTRAINT c` (separate transaction); `SET NOT NULL`; `DROP CONSTRAINT c`. PostgreSQL 18+: `ADD CONSTRAINT c NOT NULL col NOT VALID`, then `VALIDATE CONSTRAINT c`.',
  example: { bad: 'ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;', good: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;' },
  equivalents: { squawk: ['adding-not-nullable-field'], eugene: ['E2'], atlas: ['MF104', 'PG303'], strong_migrations: ['change_column_null'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    // validated IS NOT NULL checks seen so far, per table.column
    const proven = new Set<string>();
    const pending = new Map<string, string>(); // constraint name -> table.column awaiting VALIDATE
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      for (const c of notNullChecks(stmt)) {
        if (c.valid) proven.add(`${table}.${c.column}`);
        else if (c.name) pending.set(c.name, `${table}.${c.column}`);
      }
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name && pending.has(cmd.name)) proven.add(pending.get(cmd.name)!);
        if (cmd.subtype !== 'AT_SetNotNull' || ctx.analysis.isNewTable(table, stmt.index)) continue;
        if (ctx.pgVersion >= 12 && proven.has(`${table}.${cmd.name}`)) continue;
        ctx.report(stmt, {
          table,
          message: `SET NOT NULL on ${cmd.name} checks every row: it ${lockSentence(ctx, 'AccessExclusiveLock', table, 'scan')}.`,
          help:
            ctx.pgVersion >= 18
              ? `On PostgreSQL ${ctx.pgVersion}: \`ALTER TABLE ... ADD CONSTRAINT ${cmd.name}_not_null NOT NULL ${cmd.name} NOT VALID;\` then \`VALIDATE CONSTRAINT ${cmd.name}_not_null\` in a separate transaction.`
              : ctx.pgVersion >= 12
                ? `\`ADD CONSTRAINT ${cmd.name}_nn CHECK (${cmd.name} IS NOT NULL) NOT VALID\`, \`VALIDATE CONSTRAINT ${cmd.name}_nn\` (separate transaction), then SET NOT NULL (no scan on PostgreSQL 12+), then drop the check.`
                : `Before PostgreSQL 12 SET NOT NULL always scans: keep a validated CHECK (${cmd.name} IS NOT NULL) instead of NOT NULL.`,
        });
      }
    }
  },
});
