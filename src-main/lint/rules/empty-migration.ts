import { defineRule } from '../types';

export default defineRule({
  id: 'empty-migration',
  version: '1.0.0',
  severity: 'info',
  summary: 'The file holds no SQL statement (empty, or comments only): it runs as a no-op.',
  rationale:
    'PostgreSQL, psql and every peer tool accept an empty script, and real histories have them (placeholder down files, migrations emptied after a revert). Confiture applies and reverts such a migration as a no-op and records it; this finding only says so, in case the file was meant to hold SQL.',
  safeAlternative: 'Nothing to do if the no-op is intended; otherwise write the statements the migration was meant to run.',
  example: { bad: '-- TODO: drop the legacy table', good: 'DROP TABLE IF EXISTS legacy_orders;' },
  equivalents: {},
  check(ctx) {
    const empty = ctx.file.problems.find((p) => p.code === 'empty');
    if (!empty) return;
    ctx.report(null, { message: 'No SQL statement in this file: it runs as a no-op and is recorded as applied.', position: { line: empty.line, column: empty.column } });
  },
});
