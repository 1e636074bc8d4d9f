/**
 * A minimal lexer for the parse model's fast path: it finds the comments of a SQL text (`--` and
 * nested `/* *\/`) by stepping over what can hide them (string literals, quoted identifiers,
 * dollar-quoted bodies), following PostgreSQL's scanner rules (scan.l). It does not tokenise:
 * the AST still comes from libpg-query, which also validates the text.
 *
 * It refuses (returns null) whatever it is not sure to read exactly like the scanner, and the
 * caller then falls back to libpg-query's `scanSync`: any backslash in the text (psql
 * meta-commands, E'' escapes), unterminated literals or comments, and string continuation
 * across lines (`'a'\n'b'`, which may hide comments inside one literal).
 */

export interface LexedComment {
  /** character offsets */
  start: number;
  end: number;
}

export interface Lexed {
  /** every comment, in order, as character offsets */
  comments: LexedComment[];
  /** character offset of the first character that is neither whitespace nor comment; -1 if none */
  firstCode: number;
}

/** PostgreSQL's `space`: [ \t\n\r\f\v] */
export function isSqlSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `$tag$` at i (tag empty or [A-Za-z_\x80-][A-Za-z_0-9\x80-]*): the delimiter's length, else 0. */
function dollarDelimiter(text: string, i: number): number {
  let j = i + 1;
  const first = text.charCodeAt(j);
  if (first === 36) return 2;
  if (!isIdentStart(first)) return 0;
  j++;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 36) return j - i + 1;
    if (!isIdentStart(c) && !isDigit(c)) return 0;
  }
  return 0;
}

/** Skips whitespace and comments from i; returns the next offset (text.length at the end) or -1 on an unterminated comment. */
function skipSpaceAndComments(text: string, i: number, comments: LexedComment[] | null): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSqlSpace(c)) {
      i++;
    } else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const start = i;
      i += 2;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10 || d === 13) break;
        i++;
      }
      comments?.push({ start, end: i });
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const start = i;
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= n) return -1;
        const d = text.charCodeAt(i);
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (d === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      comments?.push({ start, end: i });
    } else break;
  }
  return i;
}

export function lexComments(text: string): Lexed | null {
  if (text.indexOf('\\') >= 0) return null;
  const comments: LexedComment[] = [];
  const n = text.length;
  let firstCode = -1;
  /** inside an identifier (which may contain `$`), or a number (which may not) */
  let word: 'ident' | 'number' | null = null;
  let i = 0;
  while (i < n) {
    const next = skipSpaceAndComments(text, i, comments);
    if (next < 0) return null;
    if (next !== i) {
      word = null;
      i = next;
      if (i >= n) break;
    }
    if (firstCode < 0) firstCode = i;
    const c = text.charCodeAt(i);
    if (word === 'ident' && (isIdentStart(c) || isDigit(c) || c === 36)) {
      i++;
      continue;
    }
    if (word === 'number' && (isDigit(c) || isIdentStart(c))) {
      i++;
      continue;
    }
    word = null;
    if (isIdentStart(c)) {
      word = 'ident';
      i++;
    } else if (isDigit(c)) {
      word = 'number';
      i++;
    } else if (c === 39) {
      // 'string' with '' escapes (no backslashes in the text, so E'' reads the same)
      i++;
      for (;;) {
        if (i >= n) return null;
        if (text.charCodeAt(i) === 39) {
          if (text.charCodeAt(i + 1) === 39) i += 2;
          else break;
        } else i++;
      }
      i++;
      // string continuation ('a' <newline> 'b') can swallow comments: leave it to the real scanner
      const after = skipSpaceAndComments(text, i, null);
      if (after < 0 || text.charCodeAt(after) === 39) return null;
    } else if (c === 34) {
      // "quoted identifier" with "" escapes
      i++;
      for (;;) {
        if (i >= n) return null;
        if (text.charCodeAt(i) === 34) {
          if (text.charCodeAt(i + 1) === 34) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === 36) {
      const len = dollarDelimiter(text, i);
      if (len === 0) {
        i++; // $1 parameter, or a lone $
      } else {
        const close = text.indexOf(text.slice(i, i + len), i + len);
        if (close < 0) return null;
        i = close + len;
      }
    } else {
      i++;
    }
  }
  return { comments, firstCode };
}
