import { scanTokens } from '../../parse';
import { defineRule } from '../types';

/** Cheap pre-filter: a run of 64+ identifier characters or a long quoted name somewhere in the text. */
const MAYBE_LONG = /[\p{L}\p{N}_$]{64,}|"[^"]{64,}"/u;

export default defineRule({
  id: 'identifier-too-long',
  version: '1.0.0',
  severity: 'error',
  summary: 'Identifiers longer than 63 bytes are silently truncated.',
  rationale: 'PostgreSQL cuts identifiers to NAMEDATALEN-1 = 63 bytes with only a NOTICE, so two long names can collide and later migrations that use the full name fail to find the object.',
  safeAlternative: 'Keep names at most 63 bytes (mind multi-byte characters).',
  example: { bad: `CREATE TABLE ${'a'.repeat(64)} (id bigint);`, good: 'CREATE TABLE customer_addresses (id bigint);' },
  equivalents: { squawk: ['identifier-too-long'] },
  check(ctx) {
    const text = ctx.file.text;
    if (!MAYBE_LONG.test(text)) return;
    // the AST already holds the truncated name: read the scanner's tokens instead
    for (const t of scanTokens(text)) {
      if (t.tokenName !== 'IDENT') continue;
      const name = t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase();
      const bytes = Buffer.byteLength(name);
      if (bytes <= 63) continue;
      const stmt = ctx.file.statements.find((s) => Buffer.byteLength(text.slice(0, s.range.end.offset)) >= t.end) ?? null;
      ctx.report(stmt, {
        at: t.start,
        message: `Identifier "${name.slice(0, 40)}..." is ${bytes} bytes; PostgreSQL silently truncates it to 63 ("${name.slice(0, 20)}...${name.slice(55, 63)}").`,
        help: 'Shorten the name to at most 63 bytes.',
      });
    }
  },
});
