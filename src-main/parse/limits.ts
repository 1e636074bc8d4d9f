/**
 * The limits every SQL reader shares (docs/reference/security.md): the parser's memory grows with
 * the file (about 45 bytes of memory per byte of SQL for a big VALUES list, in a WASM heap that
 * never shrinks), and the services that walk the syntax tree recurse over it. Both are capped
 * here, and both caps can be raised by environment variables for the rare project that needs it.
 */
import { ConfitureError } from '../errors';

export interface ParseLimits {
  /** largest SQL text, in UTF-8 bytes, that is handed to the parser */
  maxBytes: number;
  /** deepest syntax tree (levels of the parser's JSON tree) that is handed to the analysers */
  maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 8 * 1024 * 1024, maxDepth: 1000 });

export const MAX_BYTES_ENV = 'CONFITURE_MAX_SQL_BYTES';
export const MAX_DEPTH_ENV = 'CONFITURE_MAX_SQL_DEPTH';

/** Hard ceilings: above these the parser runs out of its 1 GB heap, or the walkers out of stack. */
const CEILING = { maxBytes: 16 * 1024 * 1024, maxDepth: 3000 } as const;

function fromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw.trim());
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ConfitureError('invalid_input', `${name}=${raw.slice(0, 40)}: expected a whole number from ${min} to ${max}`, { field: name });
  }
  return v;
}

/** The limits in force: the defaults, or CONFITURE_MAX_SQL_BYTES / CONFITURE_MAX_SQL_DEPTH. */
export function parseLimits(env: NodeJS.ProcessEnv = process.env): ParseLimits {
  return {
    maxBytes: fromEnv(env, MAX_BYTES_ENV, DEFAULT_PARSE_LIMITS.maxBytes, 1024, CEILING.maxBytes),
    maxDepth: fromEnv(env, MAX_DEPTH_ENV, DEFAULT_PARSE_LIMITS.maxDepth, 50, CEILING.maxDepth),
  };
}
