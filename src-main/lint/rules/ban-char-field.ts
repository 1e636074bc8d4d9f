import { typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'ban-char-field',
  version: '1.0.0',
  severity: 'warning',
  summary: 'char(n) pads with spaces and is never faster than text or varchar.',
  rationale: 'char(n)/character/bpchar pads values with blanks, compares with trailing-space semantics that surprise applications, and has no storage or speed advantage in PostgreSQL.',
  safeAlternative: 'Use `text` (with a CHECK on length if needed) or `varchar(n)`.',
  example: { bad: 'CREATE TABLE t (code char(3));', good: 'CREATE TABLE t (code text CHECK (length(code) = 3));' },
  equivalents: { squawk: ['ban-char-field'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (c.type.name !== 'bpchar' && c.type.name !== 'char' && c.type.name !== 'character') continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is char(${c.type.typmods[0] ?? 1}): values are blank-padded and compare with trailing-space rules.`, help: `Declare ${c.column} as text (add CHECK (length(${c.column}) <= n) if the limit matters).` });
      }
    }
  },
});
