/**
 * Errors are values: a stable code, a message a DBA can act on, and where it happened.
 * The same shape travels over IPC, the web bridge and the CLI's JSON output.
 */
export const ERROR_CODES = [
  'invalid_input', // a request, file or config did not validate
  'not_found', // a project, migration, connection or run that does not exist
  'config_error', // confiture.yaml is wrong
  'project_error', // a migrations folder problem (duplicate version, unreadable file, ...)
  'parse_error', // SQL the PostgreSQL parser rejects
  'database_error', // the server refused or failed
  'connection_error', // could not connect
  'migration_failed', // a migration failed and was rolled back
  'lock_held', // another run holds the migration lock
  'policy_failure', // lint/risk/approval policy said no
  'unauthorized', // web bridge token missing or wrong
  'cancelled', // the user aborted
  'internal', // a bug: report it
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** dotted path of a config key or request field, e.g. `lint.libraries[1].name` */
  field?: string;
}

export interface ErrorValue {
  code: ErrorCode;
  message: string;
  where?: ErrorLocation;
  /** extra machine-readable facts (blocker pid, lock holder, ...); never secrets */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorValue };

/** Exit codes of the CLI, documented in the README. */
export const EXIT = {
  ok: 0,
  policy: 1,
  usage: 2,
  database: 3,
  migrationFailed: 4,
  lockHeld: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'policy_failure':
      return EXIT.policy;
    case 'database_error':
    case 'connection_error':
      return EXIT.database;
    case 'migration_failed':
    case 'cancelled':
      return EXIT.migrationFailed;
    case 'lock_held':
      return EXIT.lockHeld;
    case 'internal':
      return EXIT.database;
    default:
      return EXIT.usage;
  }
}

export function formatLocation(where?: ErrorLocation): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file) parts.push(where.file + (where.line ? `:${where.line}` + (where.column ? `:${where.column}` : '') : ''));
  else if (where.line) parts.push(`line ${where.line}`);
  if (where.field) parts.push(`field ${where.field}`);
  return parts.join(' ');
}
