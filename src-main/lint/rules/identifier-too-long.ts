import { walk } from '../ast';
import { defineRule } from '../types';

const NAME_KEYS = new Set(['relname', 'colname', 'idxname', 'conname', 'indexname', 'newname', 'trigname', 'policy_name', 'schemaname']);

export default defineRule({
  id: 'identifier-too-long',
  version: '1.0.0',
  severity: 'error',
  summary: 'Identifiers longer than 63 bytes are silently truncated.',
  rationale: 'PostgreSQL cuts identifiers to NAMEDATALEN-1 = 63 bytes without an error, so two long names can collide and later migrations that use the full name fail to find the object.',
  safeAlternative: 'Keep names at most 63 bytes (mind multi-byte characters).',
  example: { bad: `CREATE TABLE ${'a'.repeat(64)} (id bigint);`, good: 'CREATE TABLE customer_addresses (id bigint);' },
  equivalents: { squawk: ['identifier-too-long'] },
  check(ctx) {
    for (const stmt of ctx.file.statements) {
      const long = new Set<string>();
      walk(stmt.node, (_k, v) => {
        for (const key of NAME_KEYS) {
          const s = v[key];
          if (typeof s === 'string' && Buffer.byteLength(s) > 63) long.add(s);
        }
      });
      for (const name of long) {
        ctx.report(stmt, { message: `Identifier "${name.slice(0, 40)}..." is ${Buffer.byteLength(name)} bytes; PostgreSQL silently truncates it to 63.`, help: 'Shorten the name to at most 63 bytes.' });
      }
    }
  },
});
