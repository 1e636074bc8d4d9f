import { alterCmds, display } from '../ast';
import type { ParsedStatement } from '../types';

const SLOW_SUBTYPES = new Set(['AT_AlterColumnType', 'AT_SetNotNull', 'AT_ValidateConstraint', 'AT_AddConstraint', 'AT_SetTableSpace', 'AT_SetLogged', 'AT_SetUnLogged']);

/** Statements whose run time grows with the table: they stretch a held lock. */
function isSlow(stmt: ParsedStatement): boolean {
  if (['IndexStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt'].includes(stmt.nodeType)) return true;
  return alterCmds(stmt).some((c) => SLOW_SUBTYPES.has(c.subtype) && !(c.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint?.skip_validation);
}
import { defineRule } from '../types';

export default defineRule({
  id: 'statement-after-access-exclusive',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Slow statements (index builds, backfills, scans) that run while the transaction already holds AccessExclusiveLock on the table extend the outage.',
  rationale: 'Locks are held until the transaction ends: after one statement takes AccessExclusiveLock, every later statement in the same transaction runs while all reads and writes on that table are blocked, so slow later statements (index builds, backfills, validations) multiply the blocking window.',
  safeAlternative: 'Put the AccessExclusiveLock statement last, or in its own migration, and keep the transaction short.',
  example: { bad: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);', good: 'ALTER TABLE orders ADD COLUMN note text;\n-- next migration: CREATE INDEX CONCURRENTLY ...' },
  equivalents: { eugene: ['E4'], strong_migrations: ['validate_foreign_key'] },
  sizeSensitive: true,
  nodeTypes: ['IndexStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'AlterTableStmt'],
  check(ctx) {
    ctx.statements.forEach((stmt) => {
      const f = ctx.analysis.facts[stmt.index]!;
      if (!f.accessExclusiveHeldOn || !isSlow(stmt) || ctx.analysis.isNewTable(f.accessExclusiveHeldOn, stmt.index)) return;
      ctx.report(stmt, {
        table: f.accessExclusiveHeldOn,
        message: `This statement runs while the transaction already holds AccessExclusiveLock on ${display(f.accessExclusiveHeldOn)} from an earlier statement: all reads and writes on it stay blocked until this one finishes too.`,
      });
    });
  },
});
