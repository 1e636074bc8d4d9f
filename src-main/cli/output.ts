import { exitCodeFor, formatLocation, type ErrorValue } from '../../src-shared/errors';
import { toErrorValue } from '../errors';
import type { PartialInfo } from '../../src-shared/domain/project';

export type Format = 'text' | 'json';

/**
 * The version of every `--format json` document (its first key, `"schemaVersion"`). Raised when a
 * field is removed or changes meaning; adding a field keeps it. Schemas: docs/schemas/*.json.
 */
export const JSON_SCHEMA_VERSION = 1;

export function parseFormat(v: string | undefined, allowed: readonly string[] = ['text', 'json']): string {
  const f = v ?? 'text';
  if (!allowed.includes(f)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${f}")`);
  return f;
}

export class UsageError extends Error {}

/** Writes and waits for the pipe to take it: bin/confiture.mjs calls process.exit right after, which would cut large piped output. */
export function writeOut(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/**
 * The text of `JSON.stringify(value, null, 2) + '\n'` for a plain object, in pieces: each element of
 * a top-level array is stringified on its own, so a large report (a lint of 200,000 statements) is
 * never held as one string (and its UTF-8 copy) in memory. Byte-identical to the one-piece form.
 * `mapElement[key]` converts each element of that top-level array as it is written (no full copy).
 */
const WRAP_HEAD = '{\n  "a": [\n'.length;
const WRAP_TAIL = '\n  ]\n}'.length;

export function* jsonPieces(value: object, mapElement: Record<string, (el: never) => unknown> = {}): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    const tail = i < entries.length - 1 ? ',\n' : '\n';
    if (Array.isArray(v) && v.length > 0) {
      yield `  ${JSON.stringify(k)}: [\n`;
      const map = mapElement[k];
      for (let j = 0; j < v.length; j++) {
        // stringified inside `{ "a": [el] }`, the element comes out indented as it is in the whole
        // document (and undefined/functions as null): no re-indenting pass over its text
        const wrapped = JSON.stringify({ a: [map ? map(v[j] as never) : v[j]] }, null, 2);
        yield wrapped.slice(WRAP_HEAD, wrapped.length - WRAP_TAIL) + (j < v.length - 1 ? ',\n' : '\n');
      }
      yield `  ]${tail}`;
    } else {
      yield `  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${tail}`;
    }
  }
  yield '}\n';
}

/**
 * Writes `JSON.stringify(value, null, 2) + '\n'` to stdout in ~1 MB chunks (see jsonPieces). Each
 * piece is encoded straight into the chunk's buffer: concatenating them into a 1 MB string first
 * made V8 flatten a rope of thousands of slices before encoding it (0.1 s of a 2,000-file lint).
 */
export async function writeJson(value: object, mapElement: Record<string, (el: never) => unknown> = {}): Promise<void> {
  const SIZE = 1 << 20;
  let buf = Buffer.allocUnsafe(SIZE);
  let used = 0;
  for (const piece of jsonPieces(value, mapElement)) {
    // at most 3 bytes per UTF-16 unit: when it may not fit, send what is there first
    if (used + piece.length * 3 > buf.length) {
      if (used > 0) {
        await writeOut(buf.subarray(0, used));
        buf = Buffer.allocUnsafe(SIZE);
        used = 0;
      }
      if (piece.length * 3 > buf.length) {
        await writeOut(piece);
        continue;
      }
    }
    used += buf.write(piece, used);
  }
  if (used > 0) await writeOut(buf.subarray(0, used));
}

/** A versioned JSON document: `{ "schemaVersion": 1, ...value }`. */
export function versioned<T extends object>(value: T): { schemaVersion: number } & T {
  return { schemaVersion: JSON_SCHEMA_VERSION, ...value };
}

/** Prints a `--format json` document (versioned) on stdout. */
export function printJson(value: object): void {
  process.stdout.write(JSON.stringify(versioned(value), null, 2) + '\n');
}

/** Prints an error (JSON on stdout in machine formats, text on stderr always) and returns the exit code. */
export function reportError(e: unknown, format: string): number {
  const error: ErrorValue = e instanceof UsageError ? { code: 'invalid_input', message: e.message } : toErrorValue(e);
  if (format === 'json' || format === 'sarif' || format === 'gitlab') printJson({ error });
  const where = formatLocation(error.where);
  process.stderr.write(`confiture: ${error.code}: ${error.message}${where && !error.message.includes(where) ? ` (${where})` : ''}\n`);
  return exitCodeFor(error.code);
}

/** The text `status` prints after a `partial` migration: how far it got and where the next run resumes. */
export function partialText(m: { partial?: PartialInfo }): string {
  const p = m.partial;
  if (!p) return '';
  const st = p.statement;
  const how = { running: 'in flight when the run stopped (the next run checks whether it took effect)', failure: 'failed', cancelled: 'cancelled', next: 'not started' }[st.outcome];
  const sql = st.sql ? `: ${st.sql.replace(/\s+/g, ' ').slice(0, 80)}${st.sql.length > 80 ? '…' : ''}` : '';
  return `  — ${p.applied}${p.total !== null ? `/${p.total}` : ''} statements applied; statement ${st.index + 1}${st.line !== null ? ` (line ${st.line})` : ''} ${how}${sql}`;
}
