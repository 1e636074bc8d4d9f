/**
 * The one check every SQL reader goes through before the parser sees a text (migration files,
 * lint paths, workload files, `locks --sql`, IPC payloads; hooks' sql at config load):
 *
 * - size: above the limit the file is refused whole, before it is read or parsed;
 * - encoding: a file must be UTF-8 (a bad byte would be replaced by U+FFFD and the server would
 *   run different text from the one that was checksummed, reviewed and approved);
 * - characters PostgreSQL cannot take: NUL (the parser and the wire protocol stop at it, so
 *   everything after it was silently dropped) and unpaired UTF-16 surrogates (not Unicode; they
 *   would reach the server as U+FFFD).
 *
 * Every refusal names the file, line and column.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParseProblem, SourcePosition } from '../../src-shared/domain/statement';
import { formatBytes } from '../../src-shared/format';
import { ConfitureError } from '../errors';
import { MAX_BYTES_ENV, MAX_DEPTH_ENV, parseLimits, type ParseLimits } from './limits';
import { Utf8Scanner, type Utf8Fault } from './utf8';

/** 1-based line and column (in characters) of a character offset. */
export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

function where(file: string | undefined): Pick<ParseProblem, 'file'> {
  return file && file !== '<sql>' ? { file } : {};
}

function label(file: string | undefined): string {
  return file && file !== '<sql>' ? path.basename(file) : 'the SQL';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first character PostgreSQL cannot take, or null. */
export function forbiddenCharacter(text: string): { offset: number; description: string } | null {
  const nul = text.indexOf('\0');
  const lone = LONE_SURROGATE.exec(text);
  if (lone && (nul < 0 || lone.index < nul)) {
    const code = text.charCodeAt(lone.index).toString(16).toUpperCase();
    return { offset: lone.index, description: `an unpaired UTF-16 surrogate (U+${code}): not a Unicode character, it cannot be sent to PostgreSQL` };
  }
  if (nul < 0) return null;
  return { offset: nul, description: 'a NUL byte (0x00): PostgreSQL cannot take NUL in SQL text, and everything after it would be silently dropped; remove it' };
}

/** Size and characters of a SQL text: the first problem, or null when the parser may see it. */
export function checkSqlText(text: string, file?: string, limits: ParseLimits = parseLimits()): ParseProblem | null {
  // a UTF-8 byte is at least a third of a UTF-16 unit's worth: skip the exact count for small texts
  if (text.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(text);
    if (bytes > limits.maxBytes) return tooLarge(bytes, file, limits);
  }
  const bad = forbiddenCharacter(text);
  if (!bad) return null;
  const at = positionOf(text, bad.offset);
  return { severity: 'error', code: 'invalid_character', message: `${label(file)}:${at.line}:${at.column}: ${bad.description}`, line: at.line, column: at.column, ...where(file) };
}

export function tooLarge(bytes: number, file: string | undefined, limits: ParseLimits): ParseProblem {
  return {
    severity: 'error',
    code: 'too_large',
    message:
      `${label(file)} is ${formatBytes(bytes)}, above the ${formatBytes(limits.maxBytes)} limit for one SQL text ` +
      `(the parser needs about 45 times its size in memory). Split it, load bulk data with COPY, or raise ${MAX_BYTES_ENV}.`,
    line: 1,
    column: 1,
    ...where(file),
  };
}

export function tooDeep(file: string | undefined, at: SourcePosition, limits: ParseLimits, statementIndex?: number): ParseProblem {
  const which = statementIndex === undefined ? 'a statement' : `statement ${statementIndex + 1}`;
  return {
    severity: 'error',
    code: 'too_deep',
    message:
      `${label(file)}:${at.line}:${at.column}: ${which} is nested more than ${limits.maxDepth} levels deep ` +
      `(its syntax tree); Confiture does not analyse it. Flatten the expression, or raise ${MAX_DEPTH_ENV}.`,
    line: at.line,
    column: at.column,
    ...where(file),
  };
}

/**
 * Depth of a syntax tree, counted without recursion and given up as soon as it passes `max`
 * (returns max + 1 then). Objects and arrays are levels, as in the parser's JSON.
 */
export function treeDepthOver(root: unknown, max: number): boolean {
  const nodes: unknown[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(node)) {
      for (const v of node) {
        if (v === null || typeof v !== 'object') continue;
        nodes.push(v);
        depths.push(depth + 1);
      }
    } else {
      for (const k in node as Record<string, unknown>) {
        const v = (node as Record<string, unknown>)[k];
        if (v === null || typeof v !== 'object') continue;
        nodes.push(v);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Where the first invalid UTF-8 sequence of a buffer starts. */
function invalidUtf8At(buf: Buffer): Utf8Fault {
  const scanner = new Utf8Scanner();
  return scanner.push(buf) ?? scanner.end() ?? { line: 1, column: 1, byte: 0, truncated: false };
}

export type SqlSource = { ok: true; text: string } | { ok: false; problem: ParseProblem };

/**
 * Reads a SQL file under the size limit as strict UTF-8. Content problems come back as a located
 * problem; a file that cannot be read at all throws `not_found`.
 */
/** one decoder for every file: decode() without `stream` keeps no state between calls */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function readSqlSource(file: string, limits: ParseLimits = parseLimits()): SqlSource {
  let buf: Buffer;
  let fd: number | null = null;
  try {
    // one open file for the size check and the read (a lint reads thousands of small files)
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > limits.maxBytes) return { ok: false, problem: tooLarge(size, file, limits) };
    buf = fs.readFileSync(fd);
  } catch (e) {
    throw new ConfitureError('not_found', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  if (buf.length > limits.maxBytes) return { ok: false, problem: tooLarge(buf.length, file, limits) };
  let text: string;
  try {
    text = STRICT_UTF8.decode(buf);
  } catch {
    const at = invalidUtf8At(buf);
    return {
      ok: false,
      problem: {
        severity: 'error',
        code: 'invalid_encoding',
        message: `${label(file)}:${at.line}:${at.column}: not valid UTF-8 (byte 0x${at.byte.toString(16).toUpperCase().padStart(2, '0')}); save the file as UTF-8`,
        line: at.line,
        column: at.column,
        file,
      },
    };
  }
  return { ok: true, text };
}

/** Like readSqlSource, for readers that need the text or nothing: content problems throw `parse_error`, located. */
export function readSqlText(file: string, limits?: ParseLimits): string {
  const src = readSqlSource(file, limits);
  if (src.ok) return src.text;
  const p = src.problem;
  throw new ConfitureError('parse_error', p.message, { file, line: p.line, column: p.column });
}
