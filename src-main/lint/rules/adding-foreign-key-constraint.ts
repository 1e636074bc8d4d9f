import { addedConstraints, display, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'adding-foreign-key-constraint',
  version: '1.1.0',
  severity: 'error',
  summary: 'A foreign key added without NOT VALID scans the table while blocking writes on both tables.',
  rationale:
    'ADD CONSTRAINT ... FOREIGN KEY takes ShareRowExclusiveLock on the table and on the referenced table and validates every existing row in the same statement: INSERT, UPDATE and DELETE on both tables wait for the whole scan. Differs from squawk on purpose: a foreign key added to a table created earlier in the same file (or plan) scans an empty table nobody else can see yet, so it is not reported (the brief lock it takes on the referenced table is require-lock-timeout\'s concern); squawk reports it.',
  safeAlternative:
    'Add it `NOT VALID` (brief lock, new rows checked), then `ALTER TABLE ... VALIDATE CONSTRAINT ...` in a separate transaction (ShareUpdateExclusiveLock: reads and writes continue).',
  example: {
    bad: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
    good: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
  },
  equivalents: { squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'], eugene: ['E1'], atlas: ['PG306'], strong_migrations: ['add_foreign_key'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterTableStmt') continue;
      const table = tableKey(stmt.node.relation);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      for (const c of addedConstraints(stmt)) {
        if (c.constraint.contype !== 'CONSTR_FOREIGN' || c.constraint.skip_validation === true) continue;
        const ref = tableKey(c.constraint.pktable);
        const name = c.constraint.conname ? ` ${String(c.constraint.conname)}` : '';
        if (c.column) {
          ctx.report(stmt, {
            table,
            severity: 'warning',
            message: `Column ${c.column} is added with an inline REFERENCES ${ref ? display(ref) : ''}: the statement ${lockSentence(ctx, stmt, table, 'brief')}, and takes ShareRowExclusiveLock on ${ref ? display(ref) : 'the referenced table'} (blocks writes there).`,
            help: `Add the column first, then \`ADD CONSTRAINT ... FOREIGN KEY (${c.column}) REFERENCES ... NOT VALID\` and VALIDATE it in a later transaction.`,
          });
          continue;
        }
        ctx.report(stmt, {
          table,
          message: `Foreign key${name} is validated as it is added: the statement ${lockSentence(ctx, stmt, table, 'scan')}; ${ref ? display(ref) : 'the referenced table'} is locked the same way.`,
          help: `Add it with \`NOT VALID\`, then run \`ALTER TABLE ${table ? display(table) : '...'} VALIDATE CONSTRAINT${name || ' <name>'};\` in a separate transaction.`,
        });
      }
    }
  },
});
