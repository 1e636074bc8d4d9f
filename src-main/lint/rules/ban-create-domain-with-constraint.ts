import { names } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-create-domain-with-constraint',
  version: '1.0.0',
  severity: 'warning',
  summary: 'Domains with CHECK constraints make later changes expensive.',
  rationale: 'Changing a domain constraint later re-checks every column of that type across all tables (ShareLock, writes blocked), and adding a column of a constrained domain rewrites the table (PostgreSQL 18 docs).',
  safeAlternative: 'Use a plain domain (or base type) and put CHECK constraints on the tables, where they can be added NOT VALID and validated separately.',
  example: { bad: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');", good: "CREATE TABLE users (email text CHECK (email LIKE '%@%'));" },
  equivalents: { squawk: ['ban-create-domain-with-constraint'] },
  nodeTypes: ['CreateDomainStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'CreateDomainStmt') continue;
      const cons = ((stmt.node.constraints as { Constraint?: { contype?: string } }[]) ?? []).filter((c) => c.Constraint?.contype === 'CONSTR_CHECK');
      if (cons.length === 0) continue;
      ctx.report(stmt, { message: `Domain ${names(stmt.node.domainname).join('.')} has a CHECK constraint: changing it later re-checks every column of this type under ShareLock (blocks writes), and new columns of it rewrite their table.` });
    }
  },
});
