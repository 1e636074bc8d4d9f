import { typeLabel } from '../ast';
import { categoryLabel, EMPTY_COMPLIANCE, isClassified, isProtectedType, sensitiveColumns, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

export default defineRule<ComplianceOptions>({
  id: 'sensitive-column-unprotected',
  version: '1.0.0',
  severity: 'critical',
  summary: 'A column that looks like regulated data (PHI, PII, cardholder data) must use a protected type or be explicitly classified.',
  rationale:
    'Columns whose names (or comment labels) say they hold regulated data must be stored encrypted — an encrypted type or domain such as bytea filled by pgcrypto/application-side encryption — or carry a classification comment that records how they are protected, so that a reviewer and an auditor can see the decision.',
  safeAlternative:
    "Store it encrypted (`ssn bytea` written with pgp_sym_encrypt, or a domain listed in protectedTypes), or classify it: `COMMENT ON COLUMN patients.ssn IS 'classification: PHI; encrypted by the application (KMS key app-phi)';`",
  example: { bad: 'CREATE TABLE patients (id bigint PRIMARY KEY, ssn text);', good: 'CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);' },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  check(ctx) {
    for (const c of sensitiveColumns(ctx)) {
      if (isProtectedType(ctx, c.type) || isClassified(ctx, c.table, c.name)) continue;
      ctx.report(c.stmt, {
        at: c.def.location,
        message: `${display(c.table)}.${c.name} looks like ${categoryLabel(ctx.options)} (${c.why}) but is stored as ${c.type ? typeLabel(c.type) : 'an unprotected type'}, not an encrypted type, and has no classification comment.`,
        help: `Store ${c.name} encrypted (one of: ${ctx.options.protectedTypes.join(', ')}) or add COMMENT ON COLUMN ${display(c.table)}.${c.name} IS 'classification: ${ctx.options.categories[0] ?? 'restricted'}; <how it is protected>';`,
      });
    }
  },
});
