import { EMPTY_COMPLIANCE, matchesAny, display, type ComplianceOptions } from '../compliance';
import { defineRule } from '../types';

export default defineRule<ComplianceOptions>({
  id: 'forbidden-sensitive-column',
  version: '1.0.0',
  severity: 'critical',
  summary: 'Some data must never be stored at all (e.g. card verification codes, PIN blocks, full track data).',
  rationale: 'PCI DSS forbids keeping sensitive authentication data after authorisation, even encrypted. A column for it is a finding by itself. The library\'s forbiddenColumnPatterns list the names.',
  safeAlternative: 'Do not store it: pass it to the payment processor and discard it.',
  example: { bad: 'CREATE TABLE cards (id bigint PRIMARY KEY, cvv text);', good: 'CREATE TABLE cards (id bigint PRIMARY KEY, pan_token text);' },
  equivalents: {},
  defaultOptions: EMPTY_COMPLIANCE,
  check(ctx) {
    for (const c of ctx.analysis.schema().columns) {
      const hit = matchesAny(ctx.options.forbiddenColumnPatterns, c.name);
      if (!hit) continue;
      ctx.report(c.stmt, { at: c.def.location, message: `${display(c.table)}.${c.name} looks like sensitive authentication data (name matches /${hit}/), which must not be stored at all, even encrypted.` });
    }
  },
});
