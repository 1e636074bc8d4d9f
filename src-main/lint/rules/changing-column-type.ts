import { parseFormatType } from '../../locks';
import { alterCmds, columnDef, display, tableKey, typeLabel, type TypeRef } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule, type RuleContext } from '../types';

function knownType(ctx: RuleContext<unknown>, table: string, column: string, beforeIndex: number): { type: TypeRef; from: string } | null {
  // a column defined earlier in this file
  const defined = ctx.analysis.schema().columns.filter((c) => c.table === table && c.name === column && c.stmt.index < beforeIndex && c.type);
  const last = defined[defined.length - 1];
  if (last?.type) return { type: last.type, from: 'this file' };
  const cat = ctx.analysis.catalogTable(table)?.columns.get(column);
  if (cat) return { type: parseFormatType(cat), from: 'the catalog' };
  return null;
}

export default defineRule({
  id: 'changing-column-type',
  version: '1.3.0',
  severity: 'error',
  summary: 'ALTER COLUMN ... TYPE rewrites the table and its indexes unless the change is binary-compatible.',
  rationale:
    'Most type changes (int → bigint, text → int, any USING) rewrite the table and rebuild its indexes under AccessExclusiveLock: no reads or writes for the duration. Binary-compatible changes (varchar(n) → varchar(m ≥ n) or text, numeric precision increase at the same scale, cidr → inet) skip the rewrite. With a catalog (or a column created earlier in the file) Confiture knows the current type and tells the two apart. A type spelled by CREATE TABLE IF NOT EXISTS or ADD COLUMN IF NOT EXISTS counts only when the catalog shows the table or column is new: on an upgrade path the live column may have another type, so without a catalog the change is reported (as squawk does).',
  safeAlternative:
    'Expand/contract: add a new column of the new type, keep both in sync with a trigger, backfill in batches, switch readers, then drop the old column.',
  example: { bad: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;', good: 'ALTER TABLE orders ALTER COLUMN note TYPE text; -- was varchar(200)' },
  equivalents: { squawk: ['changing-column-type'], eugene: ['E5'], atlas: ['PG301'], strong_migrations: ['change_column'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    // whether the change rewrites is the locks service's verdict (binary-coercible changes, the
    // server TimeZone for timestamp <-> timestamptz); this rule words it
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || !table || ctx.analysis.isNewTable(table, stmt.index)) continue;
      const locks = ctx.analysis.factsOf(stmt).locks;
      const commands = locks.commands ?? [];
      alterCmds(stmt).forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name) return;
        const def = columnDef(cmd.def);
        if (!def?.type) return;
        if (commands[i] === 'alter_table.alter_type.coercible') return;
        const using = def.raw.raw_default !== undefined;
        const current = knownType(ctx, table, cmd.name, stmt.index);
        const col = `${display(table)}.${cmd.name}`;
        const open = locks.unknowns?.find((u) => u.fact === 'rewrite');
        const setting = locks.notes.find((n) => n.includes('TimeZone'));
        let message: string;
        if (using) message = `Changing ${col} to ${typeLabel(def.type)} USING an expression rewrites every row: it ${lockSentence(ctx, stmt, table, 'rewrite')}.`;
        else if (open) message = `Changing ${col} to ${typeLabel(def.type)} rewrites the table unless the change is binary-compatible (${open.reason}): it ${lockSentence(ctx, stmt, table, 'rewrite')}.`;
        else message = `Changing ${col}${current ? ` from ${typeLabel(current.type)} (per ${current.from})` : ''} to ${typeLabel(def.type)} is not binary-compatible: it ${lockSentence(ctx, stmt, table, 'rewrite')}${setting ? `; ${setting}` : ''}.`;
        ctx.report(stmt, { table, message });
      });
    }
  },
});
