import { exitCodeFor, formatLocation, type ErrorValue } from '../../src-shared/errors';
import { toErrorValue } from '../errors';

export type Format = 'text' | 'json';

export function parseFormat(v: string | undefined, allowed: readonly string[] = ['text', 'json']): string {
  const f = v ?? 'text';
  if (!allowed.includes(f)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${f}")`);
  return f;
}

export class UsageError extends Error {}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints an error (JSON on stdout in json mode, text on stderr otherwise) and returns the exit code. */
export function reportError(e: unknown, format: string): number {
  const error: ErrorValue = e instanceof UsageError ? { code: 'invalid_input', message: e.message } : toErrorValue(e);
  if (format === 'json' || format === 'sarif') printJson({ error });
  const where = formatLocation(error.where);
  process.stderr.write(`confiture: ${error.code}: ${error.message}${where && !error.message.includes(where) ? ` (${where})` : ''}\n`);
  return exitCodeFor(error.code);
}
