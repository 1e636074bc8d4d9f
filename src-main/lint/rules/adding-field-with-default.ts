import { alterCmds, columnDef, constraintOf, isVolatileDefault, tableKey } from '../ast';
import { capitalise, lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-field-with-default',
  version: '1.0.0',
  severity: 'error',
  summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the table.',
  rationale:
    'Since PostgreSQL 11 a constant or stable DEFAULT is stored in the catalog and ADD COLUMN is instant. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()) — or any default on PostgreSQL 10 and older — is evaluated for every row, so the table is rewritten under AccessExclusiveLock, blocking reads and writes for the whole rewrite.',
  safeAlternative:
    'Add the column without a default, then `ALTER COLUMN ... SET DEFAULT ...` (affects new rows only), then backfill existing rows in batches.',
  example: { bad: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();', good: "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';" },
  equivalents: { squawk: ['adding-field-with-default'], atlas: ['PG302'], strong_migrations: ['add_column_default'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype !== 'AT_AddColumn') continue;
        const col = columnDef(cmd.def);
        const def = col && constraintOf(col, 'CONSTR_DEFAULT');
        if (!col || !def) continue;
        const v = isVolatileDefault(def.raw_expr);
        let why: string | null = null;
        if (v.volatile) why = `its DEFAULT is evaluated per row (${v.why})`;
        else if (ctx.pgVersion < 11) why = `on PostgreSQL ${ctx.pgVersion} every DEFAULT is written into each row (fast defaults arrived in PostgreSQL 11)`;
        if (!why) continue;
        ctx.report(stmt, {
          table,
          message: `${capitalise(`adding column ${col.name} rewrites the table because ${why}: it ${lockSentence(ctx, 'AccessExclusiveLock', table, 'rewrite')}.`)}`,
          help: `Add ${col.name} without a default, then \`ALTER TABLE ... ALTER COLUMN ${col.name} SET DEFAULT ...\`, then backfill existing rows in batches.`,
        });
      }
    }
  },
});
