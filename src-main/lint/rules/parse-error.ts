import { defineRule } from '../types';

export default defineRule({
  id: 'parse-error',
  version: '1.0.0',
  severity: 'error',
  summary: 'The file is not valid PostgreSQL, or contains psql meta-commands or bad directives.',
  rationale: 'The real PostgreSQL parser rejected the file (or part of it); nothing after a syntax error can be checked, and the server would reject it too.',
  safeAlternative: 'Fix the SQL at the reported line and column; replace psql meta-commands (\\set, \\i) with SQL.',
  example: { bad: 'ALTER TABLE orders ADD COLUM note text;', good: 'ALTER TABLE orders ADD COLUMN note text;' },
  equivalents: { squawk: ['syntax-error'] },
  check(ctx) {
    for (const p of ctx.file.problems) {
      if (p.code === 'empty') continue;
      ctx.report(null, { message: p.message, severity: p.severity === 'error' ? 'error' : 'warning', help: p.code === 'psql_meta_command' ? 'Remove the meta-command or use its SQL equivalent.' : 'Fix the SQL at this position.', position: { line: p.line, column: p.column } });
    }
  },
});
