/**
 * Parse once: the real PostgreSQL parser (libpg-query, WASM) turns a migration file into
 * statements with exact source ranges, their AST, a normalised kind, whether they can run in
 * a transaction block, and the file's transaction structure and header directives.
 * Lint, locks, risk and the engine all consume this model; nobody re-parses SQL.
 *
 * Call `await initParser()` once (idempotent) before `parseSql`.
 */
import { format } from 'node:util';
import type * as PgQueryModule from 'libpg-query';
import type { ParseProblem, SourcePosition, SourceRange } from '../../src-shared/domain/statement';
import { checkSqlText, readSqlSource, tooDeep, treeDepthOver } from './input';
import { statementKind, isTransactional, transactionControl, type TxControl } from './kinds';
import { isSqlSpace, lexComments, type Lexed, type LexedComment } from './lexer';
import { parseLimits, type ParseLimits } from './limits';

export { checkSqlText, forbiddenCharacter, readSqlSource, readSqlText, type SqlSource } from './input';
export { Utf8Scanner, type Utf8Fault } from './utf8';
export { parseLimits, DEFAULT_PARSE_LIMITS, MAX_BYTES_ENV, MAX_DEPTH_ENV, type ParseLimits } from './limits';

export type { TxControl } from './kinds';
export { statementKind, relationName, qualifiedName } from './kinds';

/** A node of the libpg-query JSON AST: `{ IndexStmt: {...} }`. */
export type AstNode = Record<string, unknown>;

export interface ParsedStatement {
  index: number;
  /** exact text, from its first token to its last (semicolon excluded) */
  sql: string;
  range: SourceRange;
  /** e.g. `IndexStmt` */
  nodeType: string;
  /** the node's body: `ast.IndexStmt` */
  node: Record<string, unknown>;
  ast: AstNode;
  /** normalised kind, e.g. `create_index`, `alter_table`, `drop_table`, `update` */
  kind: string;
  /** false for CREATE INDEX CONCURRENTLY, VACUUM, ... which cannot run in a transaction block */
  transactional: boolean;
  txControl: TxControl | null;
}

export interface Directives {
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** `-- confiture: no-transaction` runs the file outside a transaction */
  noTransaction?: boolean;
  /** any other key=value pairs, kept for other services */
  extra: Record<string, string>;
}

/** A line (`--`) or block comment with its exact position (lint reads suppressions from these). */
export interface SourceComment {
  text: string;
  range: SourceRange;
}

export interface ParsedFile {
  path: string;
  text: string;
  statements: ParsedStatement[];
  problems: ParseProblem[];
  directives: Directives;
  /** the file manages its own transactions (BEGIN/COMMIT/ROLLBACK in it) */
  hasTransactionControl: boolean;
  /** some statement cannot run in a transaction block */
  hasNonTransactional: boolean;
  /** every comment in the file, in order (optional so hand-built models stay valid) */
  comments?: SourceComment[];
}

type PgQuery = typeof PgQueryModule;
let pg: PgQuery | null = null;
let ready: Promise<void> | null = null;

/**
 * The WASM build prints PostgreSQL's FATAL lines ("Terminating process due to FATAL error") with
 * the console.log it binds when the module is first evaluated; bound to stderr here, so that
 * nothing but a command's own output ever reaches stdout (`--format json` stays parseable).
 */
async function importParser(): Promise<PgQuery> {
  /* eslint-disable no-console -- the one place that redirects the parser's console.log */
  const log = console.log;
  console.log = (...args: unknown[]) => void process.stderr.write(format(...args) + '\n');
  try {
    return await import('libpg-query');
  } finally {
    console.log = log;
  }
  /* eslint-enable no-console */
}

export function initParser(): Promise<void> {
  ready ??= importParser().then(async (m) => {
    await m.loadModule();
    pg = m;
  });
  return ready;
}

function parser(): PgQuery {
  if (!pg) throw new Error('The SQL parser is not loaded: await initParser() first');
  return pg;
}

/**
 * The PL/pgSQL parse tree of a function or DO body (libpg-query's plpgsql parser), or null when
 * it does not parse. The body is wrapped in a throw-away CREATE FUNCTION, as the parser expects.
 */
export function parsePlpgsqlBody(body: string, returns: 'void' | 'trigger' = 'void'): unknown {
  const tag = '$confiture_body$';
  if (body.includes(tag)) return null;
  try {
    // a trigger function: NEW/OLD/TG_* declared, `RETURN NEW` allowed
    return parser().parsePlPgSQLSync(`CREATE FUNCTION confiture_body() RETURNS ${returns} LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  } catch {
    return null;
  }
}

/** Maps UTF-8 byte offsets (what libpg-query reports) to character offsets and line/column. */
class PositionMap {
  private readonly byteToChar: Int32Array | null;
  private readonly lineStarts: number[];
  constructor(private readonly text: string) {
    const bytes = Buffer.byteLength(text);
    if (bytes === text.length) {
      this.byteToChar = null;
    } else {
      const map = new Int32Array(bytes + 1);
      let b = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.codePointAt(i)!;
        const len = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        for (let k = 0; k < len; k++) map[b + k] = i;
        b += len;
        if (code >= 0x10000) i++; // surrogate pair
      }
      map[bytes] = text.length;
      this.byteToChar = map;
    }
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  charOffset(byteOffset: number): number {
    return this.byteToChar ? (this.byteToChar[Math.min(byteOffset, this.byteToChar.length - 1)] ?? this.text.length) : byteOffset;
  }
  /** libpg-query reports syntax error positions in code points (PostgreSQL characters), not bytes. */
  charOffsetFromCodePoints(codePoints: number): number {
    let i = 0;
    for (let n = 0; n < codePoints && i < this.text.length; n++) i += this.text.codePointAt(i)! >= 0x10000 ? 2 : 1;
    return Math.min(i, this.text.length);
  }
  position(charOffset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= charOffset) lo = mid;
      else hi = mid - 1;
    }
    return { offset: charOffset, line: lo + 1, column: charOffset - this.lineStarts[lo]! + 1 };
  }
}

export interface Token {
  start: number;
  end: number;
  tokenName: string;
  text: string;
}

function parseDuration(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)?$/.exec(v.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'min' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * Header directives: comments before the first statement of the form
 * `-- confiture: lock_timeout=2s statement_timeout=5min no-transaction`.
 */
function readDirectives(comments: { text: string; line: number }[], problems: ParseProblem[], file: string | undefined): Directives {
  const d: Directives = { extra: {} };
  for (const c of comments) {
    const body = c.text.replace(/^--\s*/, '').replace(/^\/\*\s*|\s*\*\/$/g, '');
    if (!/^confiture\s*:/i.test(body)) continue;
    for (const part of body.replace(/^confiture\s*:/i, '').trim().split(/\s+/).filter(Boolean)) {
      const [key, value] = part.split('=') as [string, string | undefined];
      const k = key.toLowerCase().replace(/-/g, '_');
      if (k === 'no_transaction' && value === undefined) d.noTransaction = true;
      else if ((k === 'lock_timeout' || k === 'statement_timeout') && value !== undefined) {
        const ms = parseDuration(value);
        if (ms === null) {
          problems.push({ severity: 'error', code: 'bad_directive', message: `${key}=${value}: not a duration (use 250ms, 5s, 2min)`, line: c.line, column: 1, ...(file ? { file } : {}) });
        } else if (k === 'lock_timeout') d.lockTimeoutMs = ms;
        else d.statementTimeoutMs = ms;
      } else if (value !== undefined) d.extra[k] = value;
      else problems.push({ severity: 'warning', code: 'bad_directive', message: `unknown confiture directive "${part}"`, line: c.line, column: 1, ...(file ? { file } : {}) });
    }
  }
  return d;
}

/** The scanner's tokens of a text (byte offsets), for checks the AST cannot answer, e.g. identifiers the parser truncated. */
export function scanTokens(text: string): Token[] {
  try {
    return parser().scanSync(text).tokens as Token[];
  } catch {
    return [];
  }
}

/** A file the parser must not see: its one problem, no statements. */
function refused(path: string, text: string, problem: ParseProblem): ParsedFile {
  return { path, text, statements: [], problems: [problem], directives: { extra: {} }, hasTransactionControl: false, hasNonTransactional: false, comments: [] };
}

/**
 * Parses one file of SQL. Never throws for bad SQL: problems are returned with line/column.
 * A text over the size limit, holding a character PostgreSQL cannot take, or nesting deeper than
 * the depth limit comes back with that one error and no statements, so nothing downstream runs
 * or analyses part of it.
 */
export function parseSql(text: string, path = '<sql>', limits: ParseLimits = parseLimits()): ParsedFile {
  const file = path === '<sql>' ? undefined : path;
  const refusal = checkSqlText(text, file, limits);
  if (refusal) return refused(path, text, refusal);
  if (!/\S/.test(text)) return parseScanned(text, path);
  const lexed = lexComments(text);
  const parsed = (lexed && parseFast(text, path, lexed)) ?? parseScanned(text, path);
  // depth grows by at most about one level per character: short statements cannot be too deep
  const deep = parsed.statements.find((s) => s.sql.length * 2 + 64 > limits.maxDepth && treeDepthOver(s.ast, limits.maxDepth));
  if (deep) return refused(path, text, tooDeep(file, deep.range.start, limits, deep.index));
  const parserFailure = parsed.problems.find((p) => p.code === 'too_deep' || p.code === 'too_large');
  if (parserFailure) return refused(path, text, parserFailure);
  return parsed;
}

/**
 * Reads and parses a SQL file: the size limit is checked before reading, the bytes must be UTF-8.
 * Content problems become the file's problem (like a syntax error); an unreadable file throws.
 */
export function parseSqlFile(file: string, limits: ParseLimits = parseLimits()): ParsedFile {
  const src = readSqlSource(file, limits);
  return src.ok ? parseSql(src.text, file, limits) : refused(file, '', src.problem);
}

function statementOf(index: number, text: string, pos: PositionMap, ast: AstNode, startChar: number, endChar: number): ParsedStatement {
  const nodeType = Object.keys(ast)[0] ?? 'Unknown';
  const node = (ast[nodeType] ?? {}) as Record<string, unknown>;
  return {
    index,
    sql: text.slice(startChar, endChar),
    range: { start: pos.position(startChar), end: pos.position(endChar) },
    nodeType,
    node,
    ast,
    kind: statementKind(nodeType, node),
    transactional: isTransactional(nodeType, node),
    txControl: transactionControl(nodeType, node),
  };
}

/**
 * The common case, one WASM call: a text without backslashes that parses. Comments come from the
 * small lexer; statement ranges from the parser's stmt_location/stmt_len, trimmed of whitespace,
 * comments and a final semicolon — exactly what the scanner-token path below computes.
 * Returns null (the caller takes the scanner path) when the text does not parse.
 */
function parseFast(text: string, path: string, lexed: Lexed): ParsedFile | null {
  let result: ReturnType<PgQuery['parseSync']>;
  try {
    result = parser().parseSync(text);
  } catch {
    return null;
  }
  const problems: ParseProblem[] = [];
  const pos = new PositionMap(text);
  const file = path === '<sql>' ? undefined : path;
  const { comments } = lexed;
  const headerComments: { text: string; line: number }[] = [];
  for (const c of comments) {
    if (lexed.firstCode >= 0 && c.start >= lexed.firstCode) break;
    headerComments.push({ text: text.slice(c.start, c.end), line: pos.position(c.start).line });
  }
  const directives = readDirectives(headerComments, problems, file);

  // comment ending after offset i (comments are sorted and disjoint), found by binary search
  const commentAt = (i: number): LexedComment | undefined => {
    let lo = 0;
    let hi = comments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = comments[mid]!;
      if (c.end <= i) lo = mid + 1;
      else if (c.start > i) hi = mid - 1;
      else return c;
    }
    return undefined;
  };

  const statements: ParsedStatement[] = [];
  const bytes = Buffer.byteLength(text);
  for (const raw of result.stmts ?? []) {
    const locStart = raw.stmt_location ?? 0;
    const locEnd = raw.stmt_len ? locStart + raw.stmt_len : bytes;
    const from = pos.charOffset(locStart);
    const to = pos.charOffset(locEnd);
    let start = from;
    while (start < to) {
      if (isSqlSpace(text.charCodeAt(start))) start++;
      else {
        const c = commentAt(start);
        if (c && c.start === start) start = c.end;
        else break;
      }
    }
    // the last code character; a ';' ending the range is not part of the statement (as in the token path)
    let end = -1;
    for (let i = to - 1; i >= start; ) {
      if (isSqlSpace(text.charCodeAt(i))) i--;
      else {
        const c = commentAt(i);
        if (c) i = c.start - 1;
        else if (i === to - 1 && text.charCodeAt(i) === 59) i--;
        else {
          end = i + 1;
          break;
        }
      }
    }
    if (end < 0) {
      // no token inside: keep the parser's own extent
      start = from;
      end = to;
    }
    statements.push(statementOf(statements.length, text, pos, raw.stmt as unknown as AstNode, start, end));
  }
  return finishFile(path, text, statements, problems, directives, comments, pos, file);
}

/**
 * The general path: libpg-query's scanner gives tokens for comments, psql meta-commands and exact
 * ranges. `parseSql` gives the same model; exported so tests can check the fast path against it.
 */
export function parseScanned(text: string, path: string): ParsedFile {
  // an empty or blank file is a valid no-op (libpg-query refuses an empty query string)
  if (!/\S/.test(text)) return finishFile(path, text, [], [], { extra: {} }, [], new PositionMap(text), path === '<sql>' ? undefined : path);
  const problems: ParseProblem[] = [];
  const pos = new PositionMap(text);
  const file = path === '<sql>' ? undefined : path;
  let tokens: Token[];
  try {
    tokens = parser().scanSync(text).tokens as Token[];
  } catch {
    tokens = [];
  }

  // psql meta-commands (\set, \i, \connect ...) are not SQL: report them and blank them out
  let sqlText = text;
  const metaLines = new Set<number>();
  for (const t of tokens) {
    if (t.text !== '\\') continue;
    const charStart = pos.charOffset(t.start);
    const p = pos.position(charStart);
    const lineStart = charStart - (p.column - 1);
    if (text.slice(lineStart, charStart).trim() !== '' || metaLines.has(p.line)) continue;
    metaLines.add(p.line);
    let lineEnd = text.indexOf('\n', charStart);
    if (lineEnd < 0) lineEnd = text.length;
    const command = text.slice(charStart, lineEnd).trim();
    problems.push({
      severity: 'error',
      code: 'psql_meta_command',
      message: `psql meta-command "${command.slice(0, 60)}" is not SQL; Confiture runs migrations over the PostgreSQL protocol, not through psql. Remove it or use the SQL equivalent.`,
      line: p.line,
      column: p.column,
      ...(file ? { file } : {}),
    });
    sqlText = sqlText.slice(0, charStart) + ' '.repeat(lineEnd - charStart) + sqlText.slice(lineEnd);
  }

  const firstCodeToken = tokens.find((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  const headerComments = tokens
    .filter((t) => (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') && (!firstCodeToken || t.start < firstCodeToken.start))
    .map((t) => ({ text: t.text, line: pos.position(pos.charOffset(t.start)).line }));
  const directives = readDirectives(headerComments, problems, file);

  const statements: ParsedStatement[] = [];
  let result: ReturnType<PgQuery['parseSync']> | null = null;
  try {
    result = parser().parseSync(sqlText);
  } catch (e) {
    problems.push(parserFailure(e, pos, file));
  }

  const codeTokens = tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  const bytes = Buffer.byteLength(sqlText);
  for (const raw of result?.stmts ?? []) {
    const ast = raw.stmt as unknown as AstNode;
    const nodeType = Object.keys(ast)[0] ?? 'Unknown';
    const node = (ast[nodeType] ?? {}) as Record<string, unknown>;
    const locStart = raw.stmt_location ?? 0;
    const locEnd = raw.stmt_len ? locStart + raw.stmt_len : bytes;
    // trim leading whitespace/comments and the trailing semicolon using the scanner's tokens
    const inside = codeTokens.filter((t) => t.start >= locStart && t.end <= locEnd && !(t.text === ';' && t.end === locEnd));
    const first = inside[0];
    const last = inside[inside.length - 1];
    const startChar = pos.charOffset(first?.start ?? locStart);
    const endChar = pos.charOffset(last?.end ?? locEnd);
    statements.push({
      index: statements.length,
      sql: text.slice(startChar, endChar),
      range: { start: pos.position(startChar), end: pos.position(endChar) },
      nodeType,
      node,
      ast,
      kind: statementKind(nodeType, node),
      transactional: isTransactional(nodeType, node),
      txControl: transactionControl(nodeType, node),
    });
  }
  const commentSpans = tokens
    .filter((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT')
    .map((t) => ({ start: pos.charOffset(t.start), end: pos.charOffset(t.end) }));
  // a file that failed to parse already has its syntax error; only a parsed file can be empty
  return finishFile(path, text, statements, problems, directives, commentSpans, pos, file, result !== null);
}

/**
 * What the parser threw, as a located problem. Besides syntax errors it can overflow its stack on
 * absurd nesting, or exit when its 1 GB heap is full: both get a message a DBA can act on.
 */
function parserFailure(e: unknown, pos: PositionMap, file: string | undefined): ParseProblem {
  const err = e as { name?: string; message?: string; sqlDetails?: { cursorPosition?: number }; cursorPosition?: number };
  const at = file ? { file } : {};
  const name = file ? file.split(/[\\/]/).pop()! : 'the SQL';
  if (e instanceof RangeError || /stack/i.test(err.message ?? '')) {
    return { severity: 'error', code: 'too_deep', message: `${name}: nested too deeply for the PostgreSQL parser (${err.message ?? 'stack overflow'}); flatten the expression`, line: 1, column: 1, ...at };
  }
  if (err.name === 'ExitStatus' || /^Program terminated/.test(err.message ?? '')) {
    return { severity: 'error', code: 'too_large', message: `${name}: the PostgreSQL parser ran out of memory on this text; split it or load bulk data with COPY`, line: 1, column: 1, ...at };
  }
  const cursor = err.sqlDetails?.cursorPosition ?? err.cursorPosition ?? 0;
  const p = pos.position(pos.charOffsetFromCodePoints(Math.max(0, cursor)));
  return { severity: 'error', code: 'syntax_error', message: err.message ?? 'syntax error', line: p.line, column: p.column, ...at };
}

/** The model both parse paths return; an empty parsed file gets its warning here. */
function finishFile(
  path: string,
  text: string,
  statements: ParsedStatement[],
  problems: ParseProblem[],
  directives: Directives,
  comments: { start: number; end: number }[],
  pos: PositionMap,
  file: string | undefined,
  parsed = true,
): ParsedFile {
  if (parsed && statements.length === 0 && problems.length === 0) {
    problems.push({ severity: 'warning', code: 'empty', message: 'no SQL statements in this file', line: 1, column: 1, ...(file ? { file } : {}) });
  }
  return {
    path,
    text,
    statements,
    problems,
    directives,
    hasTransactionControl: statements.some((s) => s.txControl !== null),
    hasNonTransactional: statements.some((s) => !s.transactional),
    comments: comments.map((c) => ({ text: text.slice(c.start, c.end), range: { start: pos.position(c.start), end: pos.position(c.end) } })),
  };
}
