/**
 * A circuit breaker per hook. It counts CONSECUTIVE failed attempts (a success resets the
 * count); at `failureThreshold` it opens and the hook is not run. After `coolDownMs` one probe
 * is let through (half-open): success closes it, failure opens it again for another cool-down.
 * Pure functions over a record; the runner persists the record in the tracking schema.
 */
import type { BreakerState, BreakerStateName } from '../../src-shared/domain/hooks';
import type { BreakerConfig } from './config';

export interface BreakerRecord {
  hookId: string;
  state: BreakerStateName;
  consecutiveFailures: number;
  /** open: when it opened; half_open: when the probe started */
  openedAt: number | null;
  lastFailureAt: number | null;
  lastSuccessAt: number | null;
}

export function closedBreaker(hookId: string): BreakerRecord {
  return { hookId, state: 'closed', consecutiveFailures: 0, openedAt: null, lastFailureAt: null, lastSuccessAt: null };
}

export type Admission = 'run' | 'probe' | 'blocked';

/** May the hook run now? Returns the record to keep (half-open while a probe is out). */
export function admit(rec: BreakerRecord, cfg: BreakerConfig, now: number): { admission: Admission; next: BreakerRecord } {
  if (rec.state === 'closed') return { admission: 'run', next: rec };
  const since = rec.openedAt ?? 0;
  // half_open: a probe is out; a probe older than a cool-down (crashed process) is replaced
  if (now - since >= cfg.coolDownMs) return { admission: 'probe', next: { ...rec, state: 'half_open', openedAt: now } };
  return { admission: 'blocked', next: rec };
}

export function afterAttempt(rec: BreakerRecord, cfg: BreakerConfig, ok: boolean, now: number): BreakerRecord {
  if (ok) return { ...rec, state: 'closed', consecutiveFailures: 0, openedAt: null, lastSuccessAt: now };
  const consecutiveFailures = rec.consecutiveFailures + 1;
  if (rec.state === 'half_open' || consecutiveFailures >= cfg.failureThreshold) {
    return { ...rec, state: 'open', consecutiveFailures, openedAt: now, lastFailureAt: now };
  }
  return { ...rec, state: 'closed', consecutiveFailures, lastFailureAt: now };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function breakerView(rec: BreakerRecord, cfg: BreakerConfig): BreakerState {
  return {
    hookId: rec.hookId,
    state: rec.state,
    consecutiveFailures: rec.consecutiveFailures,
    failureThreshold: cfg.failureThreshold,
    coolDownMs: cfg.coolDownMs,
    openedAt: iso(rec.openedAt),
    retryAt: rec.state === 'closed' || rec.openedAt === null ? null : iso(rec.openedAt + cfg.coolDownMs),
    lastFailureAt: iso(rec.lastFailureAt),
    lastSuccessAt: iso(rec.lastSuccessAt),
  };
}
