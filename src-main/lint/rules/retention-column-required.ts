import { categoryLabel, EMPTY_COMPLIANCE, isAuditTable, isRegulatedTable, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

export default defineRule<ComplianceOptions>({
  id: 'retention-column-required',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Tables a library names (regulated data, audit trails) need a retention column.',
  rationale:
    'Retention rules cut both ways: personal data must not be kept longer than needed (GDPR storage limitation), audit records must be kept for a minimum period (HIPAA documentation, SOX records). A column such as retain_until makes the rule enforceable by a purge/archival job and visible to an auditor.',
  safeAlternative: 'Add one of the configured retention columns when creating the table, e.g. `retain_until date NOT NULL`.',
  example: { bad: 'CREATE TABLE audit_log (id bigint PRIMARY KEY, event text);', good: 'CREATE TABLE audit_log (id bigint PRIMARY KEY, event text, retain_until date NOT NULL);' },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  check(ctx) {
    if (ctx.options.retentionColumns.length === 0) return;
    const schema = ctx.analysis.schema();
    const wanted = new Set(ctx.options.retentionColumns.map((c) => c.toLowerCase()));
    for (const [table, stmt] of schema.tablesCreated) {
      let reason: string | null = null;
      if (ctx.options.retentionAppliesTo.includes('audit') && isAuditTable(ctx, table)) reason = 'it is an audit table';
      else if (ctx.options.retentionAppliesTo.includes('regulated')) {
        const why = isRegulatedTable(ctx, table);
        if (why) reason = why.replace(/^it holds regulated data/, `it holds ${categoryLabel(ctx.options)}`);
      }
      if (!reason) continue;
      const has = schema.columns.some((c) => c.table === table && wanted.has(c.name.toLowerCase()));
      if (has) continue;
      ctx.report(stmt, {
        message: `Table ${display(table)} needs a retention column because ${reason}; it has none of: ${ctx.options.retentionColumns.join(', ')}.`,
        help: `Add ${ctx.options.retentionColumns[0]} (e.g. \`${ctx.options.retentionColumns[0]} date NOT NULL\`) and let the retention job use it.`,
      });
    }
  },
});
