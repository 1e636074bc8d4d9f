import { names } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-enum-value-ordering',
  version: '1.0.0',
  severity: 'info',
  summary: 'ALTER TYPE ... ADD VALUE without BEFORE/AFTER appends the value at the end of the sort order.',
  rationale: 'Enum values compare by position; a value appended at the end may break `<`/`>`/ORDER BY that assumed a meaningful order. (ADD VALUE only locks the type, not tables; inside a transaction the new value is unusable until commit.)',
  safeAlternative: "Say where it goes: `ALTER TYPE status ADD VALUE 'paid' AFTER 'pending';`",
  example: { bad: "ALTER TYPE order_status ADD VALUE 'refunded';", good: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';" },
  equivalents: { squawk: ['require-enum-value-ordering'] },
  nodeTypes: ['AlterEnumStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterEnumStmt' || stmt.node.oldVal || stmt.node.newValNeighbor) continue;
      ctx.report(stmt, { message: `Value '${String(stmt.node.newVal)}' is appended to the end of enum ${names(stmt.node.typeName).join('.')}; comparisons and ORDER BY follow enum position.` });
    }
  },
});
