import { alterCmds, columnDef, display, tableKey, typeLabel, type TypeRef } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule, type RuleContext } from '../types';

const FORMAT_TYPE: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
  'double precision': 'float8',
  real: 'float4',
  boolean: 'bool',
};

/** `character varying(20)` / `timestamp(3) without time zone` (format_type output) → TypeRef. */
export function parseFormatType(s: string): TypeRef {
  const lower = s.trim().toLowerCase();
  const array = lower.endsWith('[]');
  const body = array ? lower.slice(0, -2) : lower;
  const mods = /\(([^)]*)\)/.exec(body);
  const base = body.replace(/\([^)]*\)/, '').replace(/\s+/g, ' ').trim();
  return {
    name: FORMAT_TYPE[base] ?? base.replace(/^pg_catalog\./, ''),
    schema: null,
    typmods: mods ? mods[1]!.split(',').map((x) => Number(x.trim())) : [],
    array,
  };
}

/** Can PostgreSQL change `from` → `to` without rewriting the table? (docs: ALTER TABLE notes) */
export function binaryCompatible(from: TypeRef, to: TypeRef, pgVersion: number): { ok: boolean; note?: string } {
  if (from.array !== to.array) return { ok: false };
  const widened = (a: number[], b: number[]) => b.length === 0 || (a.length > 0 && b[0]! >= a[0]!);
  if (from.name === to.name) {
    if (from.typmods.join() === to.typmods.join()) return { ok: true, note: 'same type' };
    if (['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(to.name)) return { ok: widened(from.typmods, to.typmods) };
    if (to.name === 'numeric') {
      if (to.typmods.length === 0) return { ok: true };
      return { ok: from.typmods.length > 0 && to.typmods[0]! >= from.typmods[0]! && (to.typmods[1] ?? 0) === (from.typmods[1] ?? 0) };
    }
    return { ok: false };
  }
  if (from.name === 'varchar' && to.name === 'text') return { ok: true };
  if (from.name === 'text' && to.name === 'varchar' && to.typmods.length === 0) return { ok: true };
  if (from.name === 'cidr' && to.name === 'inet') return { ok: true };
  if (((from.name === 'timestamp' && to.name === 'timestamptz') || (from.name === 'timestamptz' && to.name === 'timestamp')) && pgVersion >= 12) {
    return { ok: false, note: 'no rewrite only when the session TimeZone is UTC (PostgreSQL 12+): run SET TimeZone = \'UTC\' first' };
  }
  return { ok: false };
}

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
  version: '1.1.0',
  severity: 'error',
  summary: 'ALTER COLUMN ... TYPE rewrites the table and its indexes unless the change is binary-compatible.',
  rationale:
    'Most type changes (int → bigint, text → int, any USING) rewrite the table and rebuild its indexes under AccessExclusiveLock: no reads or writes for the duration. Binary-compatible changes (varchar(n) → varchar(m ≥ n) or text, numeric precision increase at the same scale, cidr → inet) skip the rewrite. With a catalog (or a column created earlier in the file) Confiture knows the current type and tells the two apart.',
  safeAlternative:
    'Expand/contract: add a new column of the new type, keep both in sync with a trigger, backfill in batches, switch readers, then drop the old column.',
  example: { bad: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;', good: 'ALTER TABLE orders ALTER COLUMN note TYPE text; -- was varchar(200)' },
  equivalents: { squawk: ['changing-column-type'], eugene: ['E5'], atlas: ['PG301'], strong_migrations: ['change_column'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      const table = tableKey(stmt.node.relation);
      if (stmt.nodeType !== 'AlterTableStmt' || !table || ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name) continue;
        const def = columnDef(cmd.def);
        if (!def?.type) continue;
        const using = def.raw.raw_default !== undefined;
        const current = knownType(ctx, table, cmd.name, stmt.index);
        const col = `${display(table)}.${cmd.name}`;
        if (current && !using) {
          const compat = binaryCompatible(current.type, def.type, ctx.pgVersion);
          if (compat.ok) continue;
          ctx.report(stmt, {
            table,
            message: `Changing ${col} from ${typeLabel(current.type)} (per ${current.from}) to ${typeLabel(def.type)} is not binary-compatible: it ${lockSentence(ctx, 'AccessExclusiveLock', table, 'rewrite')}${compat.note ? `; ${compat.note}` : ''}.`,
          });
          continue;
        }
        ctx.report(stmt, {
          table,
          message: using
            ? `Changing ${col} to ${typeLabel(def.type)} USING an expression rewrites every row: it ${lockSentence(ctx, 'AccessExclusiveLock', table, 'rewrite')}.`
            : `Changing ${col} to ${typeLabel(def.type)} rewrites the table unless the change is binary-compatible (current type unknown without a catalog): it ${lockSentence(ctx, 'AccessExclusiveLock', table, 'rewrite')}.`,
        });
      }
    }
  },
});
