import pino, { type Logger } from 'pino';

/** Keys whose values are never written to a log, whatever object they sit in. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'url',
  '*.url',
  'connectionString',
  '*.connectionString',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
];

let root: Logger | undefined;

/**
 * Structured logs (pino). Level from CONFITURE_LOG_LEVEL (default `info`, `silent` in tests).
 * Written to stderr so the CLI's stdout stays machine-readable.
 */
export function logger(): Logger {
  if (!root) {
    const level = process.env.CONFITURE_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'warn');
    root = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { app: 'confiture' } }, pino.destination(2));
  }
  return root;
}

export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger().child(bindings);
}
