import { alterCmds, targetTable } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-robust-stmts',
  version: '1.1.0',
  severity: 'warning',
  summary: 'Outside a transaction, DDL should be re-runnable (IF [NOT] EXISTS) so a half-applied migration can be retried.',
  rationale: 'A file that runs without a transaction (CONCURRENTLY statements, `-- confiture: no-transaction`) keeps whatever succeeded before a failure; re-running it then fails on the first CREATE that already exists. ADD CONSTRAINT has no IF NOT EXISTS: outside a transaction it is reported unless an earlier `DROP CONSTRAINT IF EXISTS` of the same name on the same table (in the file, or earlier in the same ALTER TABLE) makes the retry succeed. Inside a transaction this cannot happen, so the rule is silent there. Differs from squawk on purpose: squawk assumes no transaction unless told; Confiture runs each migration file in one transaction with its tracking row, so a file without CONCURRENTLY statements is all-or-nothing and can be re-run — only files that run outside a transaction are reported. In such a file, sub-commands that succeed again on a retry (ALTER COLUMN SET/DROP NOT NULL, SET/DROP DEFAULT) are not reported; squawk reports them as missing a transaction.',
  safeAlternative: 'Use CREATE ... IF NOT EXISTS, DROP ... IF EXISTS, ADD COLUMN IF NOT EXISTS, precede ADD CONSTRAINT with DROP CONSTRAINT IF EXISTS of the same name, and give concurrently built indexes a name.',
  example: { bad: '-- confiture: no-transaction\nCREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);', good: '-- confiture: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_idx ON orders (created_at);' },
  equivalents: { squawk: ['prefer-robust-stmts'] },
  nodeTypes: ['CreateStmt', 'IndexStmt', 'DropStmt', 'AlterTableStmt'],
  check(ctx) {
    // `table.constraint` dropped with IF EXISTS so far: adding it back is then re-runnable
    const droppable = new Set<string>();
    ctx.statements.forEach((stmt) => {
      if (ctx.analysis.facts[stmt.index]!.inTransaction) return;
      const n = stmt.node;
      let what: string | null = null;
      if (stmt.nodeType === 'CreateStmt' && !n.if_not_exists) what = 'CREATE TABLE without IF NOT EXISTS';
      else if (stmt.nodeType === 'IndexStmt' && !n.idxname && n.concurrent) what = 'an unnamed CREATE INDEX CONCURRENTLY (a retry builds a second index)';
      else if (stmt.nodeType === 'IndexStmt' && !n.if_not_exists) what = 'CREATE INDEX without IF NOT EXISTS';
      else if (stmt.nodeType === 'DropStmt' && !n.missing_ok) what = `DROP ${String(n.removeType ?? '').replace('OBJECT_', '')} without IF EXISTS`;
      else {
        for (const c of alterCmds(stmt)) {
          if (c.subtype === 'AT_AddColumn' && !c.raw.missing_ok) what = 'ADD COLUMN without IF NOT EXISTS';
          else if (c.subtype === 'AT_DropColumn' && !c.raw.missing_ok) what = 'DROP COLUMN without IF EXISTS';
          else if (c.subtype === 'AT_DropConstraint' && !c.raw.missing_ok) what = 'DROP CONSTRAINT without IF EXISTS';
          else if (c.subtype === 'AT_DropConstraint' && c.name) droppable.add(`${targetTable(stmt)}.${c.name}`);
          else if (c.subtype === 'AT_AddConstraint') {
            const name = (c.def as { Constraint?: { conname?: string } } | undefined)?.Constraint?.conname;
            if (!name) what = 'ADD CONSTRAINT without a name (a retry adds a second constraint)';
            else if (!droppable.has(`${targetTable(stmt)}.${name}`)) what = `ADD CONSTRAINT ${name} (which has no IF NOT EXISTS) without a DROP CONSTRAINT IF EXISTS before it`;
          }
        }
      }
      if (what) ctx.report(stmt, { message: `This file runs outside a transaction and uses ${what}: if the migration fails later, re-running it fails here.` });
    });
  },
});
