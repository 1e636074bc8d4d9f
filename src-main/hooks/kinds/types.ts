import type pg from 'pg';
import type { LifecycleContext, LifecycleSqlClient } from '../../../src-shared/domain/lifecycle';
import type { SecretBag } from '../secrets';

/** What one attempt of a hook gets. `ctx` is a plain JSON-safe copy (no client). */
export interface AttemptInput<H> {
  hook: H;
  ctx: LifecycleContext;
  attempt: number;
  /** aborted when the hook's (or the phase's) timeout is reached */
  signal: AbortSignal;
  timeoutMs: number;
  projectDir: string;
  env: NodeJS.ProcessEnv;
  secrets: SecretBag;
  pool: pg.Pool | null;
  transactionClient: LifecycleSqlClient | null;
}

export interface AttemptResult {
  ok: boolean;
  /** stdout/stderr, response or result rows, not yet redacted */
  output: string | null;
  error: string | null;
  /** true: worth retrying even without policy retry (HTTP 5xx / network); false: never retry (HTTP 4xx) */
  retryable?: boolean;
  timedOut?: boolean;
}

/** Reads `{ "ok": false, "reason": "..." }` style answers; null when the value is not one. */
export function failureFromResult(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v.ok !== false && v.success !== false) return null;
  const reason = v.reason ?? v.error ?? v.message;
  return typeof reason === 'string' && reason ? reason : 'the hook reported a failure';
}
