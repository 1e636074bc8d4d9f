import { names } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-alter-domain-with-add-constraint',
  version: '1.0.0',
  severity: 'warning',
  summary: 'ALTER DOMAIN ... ADD CONSTRAINT re-checks every column that uses the domain.',
  rationale: 'PostgreSQL validates the new domain constraint against every table column of that type, scanning each table while holding ShareLock on it (writes blocked), with no way to see in advance which tables are touched. Unlike a table constraint, `NOT VALID` does not make it online: `ALTER DOMAIN … VALIDATE CONSTRAINT` takes the same ShareLock on every such table (checked against pg_locks on PostgreSQL 15 and 18), so it is reported too. Differs from squawk on purpose: `ADD CONSTRAINT … NOT VALID` alone (catalog-only, new rows are checked) is not reported; its VALIDATE is.',
  safeAlternative: 'Put CHECK constraints on the tables instead of the domain: `ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT VALID`, then `VALIDATE CONSTRAINT` (SHARE UPDATE EXCLUSIVE: reads and writes continue). A domain constraint added `NOT VALID` checks new rows without blocking; validating it blocks writes on every table of the domain.',
  example: { bad: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');", good: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%') NOT VALID;" },
  equivalents: { squawk: ['ban-alter-domain-with-add-constraint'] },
  nodeTypes: ['AlterDomainStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'AlterDomainStmt') continue;
      if (stmt.node.subtype === 'V') {
        ctx.report(stmt, {
          message: `Validating constraint ${String(stmt.node.name ?? '')} of domain ${names(stmt.node.typeName).join('.')} scans every table column of that type, holding ShareLock on each table (blocks writes; reads continue) — NOT VALID on a domain does not avoid it.`,
        });
        continue;
      }
      if (stmt.node.subtype !== 'C') continue;
      const c = (stmt.node.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint;
      if (c?.skip_validation) continue;
      ctx.report(stmt, {
        message: `Adding a constraint to domain ${names(stmt.node.typeName).join('.')} scans every table column of that type, holding ShareLock on each table (blocks writes; reads continue) until its scan ends.`,
      });
    }
  },
});
