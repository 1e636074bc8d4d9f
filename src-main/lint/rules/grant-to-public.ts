import { defineRule } from '../types';

export default defineRule({
  id: 'grant-to-public',
  version: '1.0.0',
  severity: 'error',
  summary: 'Never GRANT privileges to PUBLIC.',
  rationale: 'PUBLIC is every role in the cluster, present and future: a GRANT to PUBLIC (or ALTER DEFAULT PRIVILEGES ... TO PUBLIC) gives access to anyone who can log in, which no access-control requirement allows for regulated data.',
  safeAlternative: 'Grant to a named group role: `GRANT SELECT ON orders TO reporting_readers;`',
  example: { bad: 'GRANT SELECT ON orders TO PUBLIC;', good: 'GRANT SELECT ON orders TO reporting_readers;' },
  equivalents: {},
  check(ctx) {
    for (const g of ctx.analysis.schema().grants) {
      if (!g.isGrant || !g.toPublic) continue;
      ctx.report(g.stmt, {
        message: `GRANT ${g.privileges.join(', ').toUpperCase()} ON ${g.objects.join(', ') || g.objtype.replace('OBJECT_', '').toLowerCase()} TO PUBLIC gives every current and future role access.`,
        help: 'Grant to a named group role instead of PUBLIC.',
      });
    }
  },
});
