import { definedColumns, tableKey } from '../ast';
import { defineRule } from '../types';

const compiled = new Map<string, RegExp>();

export default defineRule<{ pattern: string }>({
  id: 'snake-case-identifiers',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Table and column names should be lower-case snake_case.',
  rationale: 'Mixed-case or quoted names must be double-quoted forever after, and tools and ORMs disagree on how to fold them.',
  safeAlternative: 'Use names like `order_lines.unit_price`.',
  example: { bad: 'CREATE TABLE "OrderLines" ("unitPrice" numeric);', good: 'CREATE TABLE order_lines (unit_price numeric);' },
  equivalents: { atlas: ['NM102', 'NM103'] },
  defaultOptions: { pattern: '^[a-z_][a-z0-9_]*$' },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    let re = compiled.get(ctx.options.pattern);
    if (!re) compiled.set(ctx.options.pattern, (re = new RegExp(ctx.options.pattern)));
    for (const stmt of ctx.statements) {
      if (stmt.nodeType === 'CreateStmt') {
        const name = (stmt.node.relation as { relname?: string } | undefined)?.relname;
        if (name && !re.test(name)) ctx.report(stmt, { message: `Table name "${name}" does not match ${ctx.options.pattern}.`, table: tableKey(stmt.node.relation) });
      }
      for (const c of definedColumns(stmt)) {
        if (!re.test(c.column.name)) ctx.report(stmt, { at: c.column.location, message: `Column name "${c.column.name}" does not match ${ctx.options.pattern}.` });
      }
    }
  },
});
