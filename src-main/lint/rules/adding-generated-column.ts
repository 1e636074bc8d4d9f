import { alterCmds, columnDef, constraintOf, isSerial, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-generated-column',
  version: '1.1.0',
  severity: 'error',
  summary: 'Adding a STORED generated, IDENTITY or serial column to an existing table rewrites it.',
  rationale:
    'A column whose value is computed for each existing row (GENERATED ... STORED, GENERATED ... AS IDENTITY, serial/bigserial) forces a full table rewrite under AccessExclusiveLock: no reads or writes until it finishes. PostgreSQL 18 virtual generated columns do not rewrite. Differs from squawk on purpose: squawk\'s adding-field-with-default does not report a serial/bigserial column (its DEFAULT nextval() is evaluated for every existing row, so the table is rewritten like any volatile default); this rule does.',
  safeAlternative:
    'Add a plain nullable column, fill it in batches (trigger for new rows), or on PostgreSQL 18 use GENERATED ... VIRTUAL; for identity, add the column, attach a sequence default and backfill.',
  example: {
    bad: 'ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED;',
    good: 'ALTER TABLE orders ADD COLUMN total_cents bigint;',
  },
  equivalents: { squawk: ['adding-field-with-default'], eugene: ['E11'], atlas: ['PG309', 'PG310'], strong_migrations: ['add_column_generated_stored', 'add_column_auto_incrementing'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype !== 'AT_AddColumn') continue;
        const col = columnDef(cmd.def);
        if (!col) continue;
        const gen = constraintOf(col, 'CONSTR_GENERATED');
        let what: string | null = null;
        if (gen && gen.generated_kind !== 'v') what = 'a STORED generated column';
        else if (constraintOf(col, 'CONSTR_IDENTITY')) what = 'an IDENTITY column';
        else if (isSerial(col.type)) what = `a ${col.type!.name} column`;
        if (!what) continue;
        ctx.report(stmt, {
          table,
          message: `Adding ${what} (${col.name}) computes a value for every existing row, so it ${lockSentence(ctx, stmt, table, 'rewrite')}.`,
          help:
            ctx.pgVersion >= 18 && gen
              ? `Use \`GENERATED ALWAYS AS (...) VIRTUAL\` (PostgreSQL 18) or a plain column filled in batches.`
              : `Add ${col.name} as a plain nullable column, keep it filled for new rows (DEFAULT nextval(...) or a trigger), backfill old rows in batches.`,
        });
      }
    }
  },
});
