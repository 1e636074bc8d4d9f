import { alterCmds, targetTables } from '../ast';
import { EMPTY_COMPLIANCE, isRegulatedTable, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

const DESTRUCTIVE_SUBTYPES = new Set(['AT_DropColumn', 'AT_AlterColumnType', 'AT_DropConstraint']);

export default defineRule<ComplianceOptions>({
  id: 'regulated-destructive-change',
  version: '1.0.0',
  severity: 'error',
  summary: 'Destructive changes on regulated tables need a down migration and an approval.',
  rationale:
    'Change-management controls require that changes to systems holding regulated data are approved by an authorised person and have a back-out procedure. A DROP, TRUNCATE, DELETE, DROP COLUMN or type change on such a table must ship with a .down.sql and an approval recorded for the migration. The down file is checked when linting a project; approval is checked when its status is supplied (approvals/ in the project, or the lint/run input).',
  safeAlternative: 'Write the matching <version>_<name>.down.sql (restoring structure and, where possible, data from a retained copy) and get the migration approved before it runs.',
  example: { bad: 'ALTER TABLE patients DROP COLUMN diagnosis; -- no down migration', good: 'ALTER TABLE patients ADD COLUMN diagnosis_code text;' },
  equivalents: { atlas: ['DS102', 'DS103'] },
  defaultOptions: EMPTY_COMPLIANCE,
  nodeTypes: ['DropStmt', 'TruncateStmt', 'DeleteStmt', 'AlterTableStmt'],
  check(ctx) {
    if (ctx.inputs.hasDownMigration !== false && ctx.inputs.approved !== false) return;
    for (const stmt of ctx.statements) {
      let destructive = false;
      if (stmt.nodeType === 'DropStmt' && stmt.node.removeType === 'OBJECT_TABLE') destructive = true;
      else if (stmt.nodeType === 'TruncateStmt' || stmt.nodeType === 'DeleteStmt') destructive = true;
      else if (alterCmds(stmt).some((c) => DESTRUCTIVE_SUBTYPES.has(c.subtype))) destructive = true;
      if (!destructive) continue;
      for (const table of targetTables(stmt)) {
        if (ctx.analysis.isNewTable(table, stmt.index)) continue;
        const why = isRegulatedTable(ctx, table);
        if (!why) continue;
        const missing = [ctx.inputs.hasDownMigration === false ? 'no down migration' : null, ctx.inputs.approved === false ? 'no approval' : null].filter(Boolean).join(' and ');
        ctx.report(stmt, {
          table,
          message: `Destructive change on regulated table ${display(table)} (${why}) has ${missing}.`,
          help: `${ctx.inputs.hasDownMigration === false ? 'Add the matching .down.sql. ' : ''}${ctx.inputs.approved === false ? 'Get the migration approved before it runs.' : ''}`.trim(),
        });
      }
    }
  },
});
