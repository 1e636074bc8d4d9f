import pino, { type DestinationStream, type Logger } from 'pino';
import { redactDeep, redactText } from './redact';

export { redactText, redactDeep, registerSecret } from './redact';

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

/** A logger with Confiture's redaction (keys and values) writing to `destination`. */
export function createLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { app: 'confiture' },
      // values too: a password inside a message, an error or a hook's output (redact.ts)
      formatters: { log: (record) => redactDeep(record) },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/**
 * Structured logs (pino). Level from CONFITURE_LOG_LEVEL (default `warn`, `silent` in tests).
 * Written to stderr so the CLI's stdout stays machine-readable.
 */
export function logger(): Logger {
  root ??= createLogger(process.env.CONFITURE_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'warn'), pino.destination(2));
  return root;
}

export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger().child(bindings);
}
