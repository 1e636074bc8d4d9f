import { addedConstraints, alterCmds, tableKey } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'constraint-missing-not-valid',
  version: '1.0.0',
  severity: 'error',
  summary: 'A CHECK constraint added without NOT VALID scans the table under AccessExclusiveLock; validating in the same transaction defeats NOT VALID.',
  rationale:
    'ADD CONSTRAINT ... CHECK verifies every existing row while holding AccessExclusiveLock: reads and writes wait for the scan. NOT VALID skips the scan; VALIDATE CONSTRAINT then checks rows under ShareUpdateExclusiveLock only — but if it runs in the same transaction, the AccessExclusiveLock from the ADD is still held for the whole scan. Differs from squawk on purpose: a constraint on a table created earlier in the same file (or plan) checks no existing row and blocks nobody, so it is not reported; an inline `ADD COLUMN … CHECK (…)` or `… REFERENCES` scans the table too and is reported (squawk misses those). A UNIQUE or PRIMARY KEY constraint is not reported here, unlike squawk: PostgreSQL refuses NOT VALID on them, so the advice cannot be followed; their locked index build is reported by disallowed-unique-constraint and adding-primary-key-constraint, with the `USING INDEX` alternative.',
  safeAlternative: '`ALTER TABLE t ADD CONSTRAINT c CHECK (...) NOT VALID;` in one migration, `ALTER TABLE t VALIDATE CONSTRAINT c;` in the next (its own transaction).',
  example: { bad: 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);', good: 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0) NOT VALID;' },
  equivalents: { squawk: ['constraint-missing-not-valid'], eugene: ['E1'], atlas: ['PG305'], strong_migrations: ['add_check_constraint', 'validate_check_constraint'] },
  sizeSensitive: true,
  nodeTypes: ['AlterTableStmt', 'TransactionStmt'],
  check(ctx) {
    const notValidInTx = new Map<string, number>(); // constraint name -> statement index where added NOT VALID
    ctx.statements.forEach((stmt) => {
      if (stmt.txControl === 'commit' || stmt.txControl === 'rollback') notValidInTx.clear();
      if (stmt.nodeType !== 'AlterTableStmt') return;
      const table = tableKey(stmt.node.relation);
      const isNew = ctx.analysis.isNewTable(table, stmt.index);
      for (const c of addedConstraints(stmt)) {
        if (c.constraint.contype !== 'CONSTR_CHECK') continue;
        if (c.constraint.skip_validation === true) {
          if (c.constraint.conname && ctx.analysis.facts[stmt.index]!.inTransaction) notValidInTx.set(String(c.constraint.conname), stmt.index);
          continue;
        }
        if (isNew) continue;
        ctx.report(stmt, {
          table,
          message: `CHECK constraint${c.constraint.conname ? ` ${String(c.constraint.conname)}` : ''} is validated as it is added: the statement ${lockSentence(ctx, stmt, table, 'scan')}.`,
        });
      }
      for (const cmd of alterCmds(stmt)) {
        if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name && notValidInTx.has(cmd.name) && ctx.analysis.facts[stmt.index]!.inTransaction && !isNew) {
          ctx.report(stmt, {
            table,
            severity: 'warning',
            message: `VALIDATE CONSTRAINT ${cmd.name} runs in the same transaction that added it NOT VALID, so the AccessExclusiveLock from the ADD is still held during the validation scan (blocks all reads and writes).`,
            help: 'Move VALIDATE CONSTRAINT to the next migration so it runs in its own transaction under ShareUpdateExclusiveLock.',
          });
        }
      }
    });
  },
});
