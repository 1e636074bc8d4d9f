import { isSerial, typedColumns } from '../ast';
import { defineRule } from '../types';

export default defineRule({
  id: 'prefer-identity',
  version: '1.0.0',
  severity: 'warning',
  summary: 'serial types are legacy; identity columns are standard and safer.',
  rationale: 'serial creates a separately-owned sequence with loose permissions and ownership that dump/restore and ALTER can get wrong; GENERATED ... AS IDENTITY ties the sequence to the column and rejects accidental manual ids (ALWAYS).',
  safeAlternative: 'Use `bigint GENERATED ALWAYS AS IDENTITY`.',
  example: { bad: 'CREATE TABLE t (id bigserial PRIMARY KEY);', good: 'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' },
  equivalents: { squawk: ['prefer-identity'] },
  nodeTypes: ['CreateStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      for (const c of typedColumns(stmt)) {
        if (!isSerial(c.type)) continue;
        ctx.report(stmt, { at: c.location, message: `Column ${c.column} is ${c.type.name}: use an identity column instead of a serial sequence.`, help: `Declare ${c.column} as bigint GENERATED ALWAYS AS IDENTITY.` });
      }
    }
  },
});
