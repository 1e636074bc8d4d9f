import { categoryLabel, EMPTY_COMPLIANCE, sensitiveColumns, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

export default defineRule<ComplianceOptions>({
  id: 'sensitive-table-without-access-control',
  version: '1.0.0',
  severity: 'error',
  summary: 'A table that gets regulated columns needs row-level security or restricted grants.',
  rationale:
    'Access to regulated data must be limited to the people and services that need it. A table receiving PHI/PII/cardholder columns must either enable ROW LEVEL SECURITY or show its access is restricted (privileges revoked from PUBLIC and granted only to named roles, never to PUBLIC or a configured broad role).',
  safeAlternative: 'In the same migration: `ALTER TABLE patients ENABLE ROW LEVEL SECURITY;` plus policies, or `REVOKE ALL ON patients FROM PUBLIC; GRANT SELECT ON patients TO clinician_app;`',
  example: {
    bad: 'CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);\nGRANT SELECT ON patients TO PUBLIC;',
    good: 'CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);\nALTER TABLE patients ENABLE ROW LEVEL SECURITY;',
  },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  check(ctx) {
    const schema = ctx.analysis.schema();
    const broad = new Set(['public', ...ctx.options.broadRoles.map((r) => r.toLowerCase())]);
    const byTable = new Map<string, ReturnType<typeof sensitiveColumns>>();
    for (const c of sensitiveColumns(ctx)) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
    for (const [table, cols] of byTable) {
      const grants = schema.grants.filter((g) => g.isGrant && g.objects.includes(table));
      const broadGrant = grants.find((g) => g.grantees.some((r) => broad.has(r.toLowerCase())));
      const rls = schema.rowSecurity.has(table) || ctx.analysis.catalogTable(table)?.rowSecurity === true;
      const first = cols[0]!;
      if (broadGrant) {
        ctx.report(broadGrant.stmt, {
          message: `${display(table)} holds ${categoryLabel(ctx.options)} (${cols.map((c) => c.name).join(', ')}) but is granted to ${broadGrant.grantees.join(', ')}.`,
          help: `Grant only to the named roles that need it; enable row level security on ${display(table)}.`,
        });
        continue;
      }
      if (rls || schema.revokedFromPublic.has(table)) continue;
      ctx.report(first.stmt, {
        message: `${display(table)} gets ${categoryLabel(ctx.options)} columns (${cols.map((c) => c.name).join(', ')}) but the migration neither enables ROW LEVEL SECURITY nor revokes its privileges from PUBLIC.`,
        help: `ALTER TABLE ${display(table)} ENABLE ROW LEVEL SECURITY; (with policies) or REVOKE ALL ON ${display(table)} FROM PUBLIC; and GRANT only to named roles.`,
      });
    }
  },
});
