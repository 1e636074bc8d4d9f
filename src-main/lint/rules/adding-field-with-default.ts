import { alterCmds, columnDef, constraintOf, tableKey } from '../ast';
import { capitalise, lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-field-with-default',
  version: '1.2.0',
  severity: 'error',
  summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the table.',
  rationale:
    'Since PostgreSQL 11 a constant or stable DEFAULT is stored in the catalog and ADD COLUMN is instant. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()) — or any default on PostgreSQL 10 and older — is evaluated for every row, so the table is rewritten under AccessExclusiveLock, blocking reads and writes for the whole rewrite. The volatility of a user function comes from the catalog (`pg_proc.provolatile`) or from its CREATE FUNCTION earlier in the plan. Differs from squawk on purpose: squawk reports every non-constant default; a STABLE or IMMUTABLE function default (e.g. `DEFAULT region()` of a `STABLE` function) is evaluated once and does not rewrite (checked against relfilenode on PostgreSQL 15 and 18), so it is not reported.',
  safeAlternative:
    'Add the column without a default, then `ALTER COLUMN ... SET DEFAULT ...` (affects new rows only), then backfill existing rows in batches.',
  example: { bad: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();', good: "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';" },
  equivalents: { squawk: ['adding-field-with-default'], atlas: ['PG302'], strong_migrations: ['add_column_default'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    // whether the DEFAULT rewrites is the locks service's verdict (catalog volatility when known)
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || ctx.analysis.isNewTable(table, stmt.index)) continue;
      const locks = ctx.analysis.factsOf(stmt).locks;
      const commands = locks.commands ?? [];
      alterCmds(stmt).forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_AddColumn') return;
        const col = columnDef(cmd.def);
        const def = col && constraintOf(col, 'CONSTR_DEFAULT');
        if (!col || !def) return;
        let why: string;
        let severity: 'warning' | undefined;
        if (commands[i] === 'alter_table.add_column.default_volatile') why = `its DEFAULT is evaluated per row (${locks.notes.find((n) => n.includes('is VOLATILE')) ?? 'a volatile function'})`;
        else if (ctx.pgVersion < 11) why = `on PostgreSQL ${ctx.pgVersion} every DEFAULT is written into each row (fast defaults arrived in PostgreSQL 11)`;
        else {
          const open = locks.unknowns?.find((u) => u.fact === 'rewrite' && /DEFAULT|VOLATILE|volatility/.test(u.reason));
          if (!open) return;
          why = `its DEFAULT may be volatile: ${open.reason}`;
          severity = 'warning';
        }
        ctx.report(stmt, {
          table,
          ...(severity ? { severity } : {}),
          message: `${capitalise(`adding column ${col.name} ${severity ? 'may rewrite' : 'rewrites'} the table because ${why}: it ${lockSentence(ctx, stmt, table, 'rewrite')}.`)}`,
          help: `Add ${col.name} without a default, then \`ALTER TABLE ... ALTER COLUMN ${col.name} SET DEFAULT ...\`, then backfill existing rows in batches.`,
        });
      });
    }
  },
});
