import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-timestamptz',
  version: '1.0.0',
  severity: 'warning',
  summary: 'timestamp without time zone loses the instant a value refers to.',
  rationale: 'timestamp stores wall-clock time with no zone, so values written from sessions in different TimeZone settings cannot be compared; converting later rewrites the table unless the session is UTC.',
  safeAlternative: 'Use `timestamptz`.',
  example: { bad: 'CREATE TABLE t (created_at timestamp);', good: 'CREATE TABLE t (created_at timestamptz);' },
  equivalents: { squawk: ['prefer-timestamp-tz', 'prefer-timestamptz'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (c.type.name !== 'timestamp') continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is timestamp without time zone: values from sessions in different time zones cannot be compared.`, help: `Declare ${c.column} as timestamptz.` });
      }
    }
  },
});
