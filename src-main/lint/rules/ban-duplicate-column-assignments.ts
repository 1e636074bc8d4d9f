import { columnDef } from '../ast';
import { defineRule } from '../types';

function dupes(list: string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const n of list) (seen.has(n) ? out : seen).add(n);
  return [...out];
}

export default defineRule({
  id: 'ban-duplicate-column-assignments',
  version: '1.0.0',
  severity: 'error',
  summary: 'The same column named twice in an UPDATE SET, INSERT column list or CREATE TABLE fails at run time.',
  rationale: 'PostgreSQL rejects "multiple assignments to same column" and duplicate column names when the statement runs, so the migration fails half way.',
  safeAlternative: 'Name each column once.',
  example: { bad: 'UPDATE t SET a = 1, a = 2;', good: 'UPDATE t SET a = 2;' },
  equivalents: { squawk: ['ban-duplicate-column-assignments'] },
  nodeTypes: ['UpdateStmt', 'InsertStmt', 'CreateStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      let cols: string[] = [];
      if (stmt.nodeType === 'UpdateStmt' || stmt.nodeType === 'InsertStmt') {
        const list = (stmt.nodeType === 'UpdateStmt' ? stmt.node.targetList : stmt.node.cols) as { ResTarget?: { name?: string } }[] | undefined;
        cols = (list ?? []).map((r) => r.ResTarget?.name).filter((x): x is string => !!x);
      } else if (stmt.nodeType === 'CreateStmt') {
        cols = ((stmt.node.tableElts as unknown[]) ?? []).map((e) => columnDef(e)?.name).filter((x): x is string => !!x);
      }
      const d = dupes(cols);
      if (d.length) ctx.report(stmt, { message: `Column${d.length > 1 ? 's' : ''} ${d.join(', ')} ${d.length > 1 ? 'are' : 'is'} named more than once: PostgreSQL rejects the statement when it runs.` });
    }
  },
});
