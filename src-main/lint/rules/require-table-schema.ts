import { targetTables } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-table-schema',
  version: '1.0.0',
  severity: 'info',
  summary: 'Qualify table names with their schema.',
  rationale: 'An unqualified name resolves through search_path, so the same migration can create or alter a table in a different schema depending on the role and session that runs it.',
  safeAlternative: 'Write `app.orders`, not `orders`.',
  example: { bad: 'CREATE TABLE orders (id bigint);', good: 'CREATE TABLE app.orders (id bigint);' },
  equivalents: { squawk: ['require-table-schema'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt', 'DropStmt', 'CreateTableAsStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (!['CreateStmt', 'AlterTableStmt', 'DropStmt', 'CreateTableAsStmt'].includes(stmt.nodeType)) continue;
      if (stmt.nodeType === 'DropStmt' && stmt.node.removeType !== 'OBJECT_TABLE') continue;
      const rv = (stmt.node.relation ?? (stmt.node.into as { rel?: unknown } | undefined)?.rel) as { schemaname?: string; relname?: string } | undefined;
      if (rv && !rv.schemaname) {
        ctx.report(stmt, { message: `Table ${rv.relname} has no schema: it resolves through search_path.`, help: `Write <schema>.${rv.relname}.` });
      } else if (stmt.nodeType === 'DropStmt') {
        const parts = ((stmt.node.objects as { List?: { items?: unknown[] } }[]) ?? []).filter((o) => (o.List?.items?.length ?? 0) < 2);
        if (parts.length) ctx.report(stmt, { message: `DROP TABLE ${targetTables(stmt).join(', ')} has no schema: it resolves through search_path.` });
      }
    }
  },
});
