import { scanTokens } from '../../parse';
import { defineRule } from '../types';

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * Cheap pre-filter: a run of 64+ identifier characters (`[\p{L}\p{N}_$]`) or 64+ characters
 * between two consecutive double quotes somewhere in the text, counted in code points like the
 * `u` regular expression `/[\p{L}\p{N}_$]{64,}|"[^"]{64,}"/u` it replaces: one linear pass, with
 * the Unicode classes only consulted for non-ASCII characters.
 */
export function maybeLongIdentifier(text: string): boolean {
  let run = 0;
  let sinceQuote = -1; // code points since the last double quote; -1 before the first
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 34) {
      if (sinceQuote >= 64) return true;
      sinceQuote = 0;
      run = 0;
      continue;
    }
    if (sinceQuote >= 0) sinceQuote++;
    let ident: boolean;
    if (c < 128) ident = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
    else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      ident = LETTER_OR_DIGIT.test(String.fromCodePoint(c));
    }
    if (ident) {
      if (++run >= 64) return true;
    } else run = 0;
  }
  return false;
}

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
    if (!maybeLongIdentifier(text)) return;
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
