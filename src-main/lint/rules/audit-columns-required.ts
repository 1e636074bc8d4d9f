import { EMPTY_COMPLIANCE, isRegulatedTable, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

export default defineRule<ComplianceOptions>({
  id: 'audit-columns-required',
  version: '1.0.0',
  severity: 'error',
  summary: 'Regulated tables must record who changed each row and when.',
  rationale: 'Change tracking of financial records (who, what, when) is a core internal control: new regulated tables must carry the configured audit columns (e.g. created_at, created_by, updated_at, updated_by) so every row can be traced.',
  safeAlternative: 'Add the audit columns when creating the table, filled by defaults/triggers (e.g. `created_by text NOT NULL DEFAULT current_user`).',
  example: {
    bad: 'CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount numeric(18,2));',
    good: 'CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount numeric(18,2), created_at timestamptz NOT NULL DEFAULT now(), created_by text NOT NULL DEFAULT current_user, updated_at timestamptz, updated_by text);',
  },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  check(ctx) {
    if (ctx.options.auditColumns.length === 0) return;
    const schema = ctx.analysis.schema();
    for (const [table, stmt] of schema.tablesCreated) {
      const why = isRegulatedTable(ctx, table);
      if (!why) continue;
      const have = new Set(schema.columns.filter((c) => c.table === table).map((c) => c.name.toLowerCase()));
      const missing = ctx.options.auditColumns.filter((c) => !have.has(c.toLowerCase()));
      if (missing.length === 0) continue;
      ctx.report(stmt, { message: `Regulated table ${display(table)} (${why}) is missing audit column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, help: `Add ${missing.join(', ')} with defaults or triggers that fill them.` });
    }
  },
});
