import { names } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-alter-domain-with-add-constraint',
  version: '1.0.0',
  severity: 'warning',
  summary: 'ALTER DOMAIN ... ADD CONSTRAINT re-checks every column that uses the domain.',
  rationale: 'PostgreSQL validates the new domain constraint against every table column of that type, scanning each table while holding ShareLock on it (writes blocked), with no way to see in advance which tables are touched.',
  safeAlternative: 'Add the constraint `NOT VALID` and `VALIDATE CONSTRAINT` later, or put CHECK constraints on the tables (NOT VALID + VALIDATE) instead of the domain.',
  example: { bad: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');", good: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%') NOT VALID;" },
  equivalents: { squawk: ['ban-alter-domain-with-add-constraint'] },
  nodeTypes: ['AlterDomainStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterDomainStmt' || stmt.node.subtype !== 'C') continue;
      const c = (stmt.node.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint;
      if (c?.skip_validation) continue;
      ctx.report(stmt, {
        message: `Adding a constraint to domain ${names(stmt.node.typeName).join('.')} scans every table column of that type, holding ShareLock on each table (blocks writes; reads continue) until its scan ends.`,
      });
    }
  },
});
