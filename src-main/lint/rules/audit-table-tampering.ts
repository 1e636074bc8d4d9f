import { alterCmds, display, targetTables } from '../ast';
import { EMPTY_COMPLIANCE, isAuditTable, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

const TAMPERING_SUBTYPES: Record<string, string> = {
  AT_DropColumn: 'drops a column of',
  AT_AlterColumnType: 'changes a column type of',
  AT_DisableTrig: 'disables a trigger on',
  AT_DisableTrigAll: 'disables the triggers on',
  AT_DisableTrigUser: 'disables the triggers on',
  AT_DisableRowSecurity: 'disables row level security on',
};

export default defineRule<ComplianceOptions>({
  id: 'audit-table-tampering',
  version: '1.0.0',
  severity: 'critical',
  summary: 'A migration must not drop, truncate, delete from, update or weaken an audit table.',
  rationale: 'Audit trails must be complete and tamper-evident: removing rows, the table, columns or the triggers that feed it from a migration destroys evidence the regulation requires you to keep.',
  safeAlternative: 'Archive audit rows to retained storage through the documented retention process; never from a schema migration. Add columns instead of changing or dropping them.',
  example: { bad: "DELETE FROM audit_log WHERE created_at < now() - interval '1 year';", good: 'ALTER TABLE audit_log ADD COLUMN request_id uuid;' },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  nodeTypes: ['DropStmt', 'TruncateStmt', 'DeleteStmt', 'UpdateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      let verb: string | null = null;
      if (stmt.nodeType === 'DropStmt' && stmt.node.removeType === 'OBJECT_TABLE') verb = 'drops';
      else if (stmt.nodeType === 'TruncateStmt') verb = 'truncates';
      else if (stmt.nodeType === 'DeleteStmt') verb = 'deletes rows from';
      else if (stmt.nodeType === 'UpdateStmt') verb = 'updates rows of';
      else for (const c of alterCmds(stmt)) verb = TAMPERING_SUBTYPES[c.subtype] ?? verb;
      if (!verb) continue;
      for (const table of targetTables(stmt)) {
        if (!isAuditTable(ctx, table) || ctx.analysis.isNewTable(table, stmt.index)) continue;
        ctx.report(stmt, { table, message: `This statement ${verb} audit table ${display(table)}: audit trails must stay complete and unaltered.` });
      }
    }
  },
});
