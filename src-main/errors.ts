import type { ErrorCode, ErrorLocation, ErrorValue } from '../src-shared/errors';

/** Thrown inside services; the router and the CLI turn it into an ErrorValue. */
export class ConfitureError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorLocation | undefined;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, where?: ErrorLocation, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ConfitureError';
    this.code = code;
    this.where = where;
    this.details = details;
  }
  toValue(): ErrorValue {
    const v: ErrorValue = { code: this.code, message: this.message };
    if (this.where) v.where = this.where;
    if (this.details) v.details = this.details;
    return v;
  }
}

interface PgLikeError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
}

function isPgError(e: unknown): e is PgLikeError {
  return typeof e === 'object' && e !== null && 'severity' in e && 'code' in e && typeof (e as unknown as PgLikeError).code === 'string';
}

/** Turns anything thrown into an ErrorValue a DBA can act on. */
export function toErrorValue(e: unknown): ErrorValue {
  if (e instanceof ConfitureError) return e.toValue();
  if (isPgError(e)) {
    const msg = [e.message, e.detail ? `DETAIL: ${e.detail}` : '', e.hint ? `HINT: ${e.hint}` : ''].filter(Boolean).join(' — ');
    return { code: 'database_error', message: msg, details: { sqlstate: e.code } };
  }
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      return { code: 'connection_error', message: `Cannot reach the database server: ${e.message}` };
    }
    return { code: 'internal', message: e.message };
  }
  return { code: 'internal', message: String(e) };
}
