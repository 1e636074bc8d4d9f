/**
 * The lifecycle of a migration run, as the engine emits it. Hooks, SLOs, perf and approval
 * checks subscribe to these events; the engine awaits listeners of `before_*` phases, and a
 * listener answering `{ proceed: false }` is a gate: the step does not start and the reason
 * is shown to the user.
 */

/** before/after pairs for every step the engine has. */
export const LIFECYCLE_PHASES = [
  'before_load',
  'after_load',
  'before_lint',
  'after_lint',
  'before_risk',
  'after_risk',
  'before_dry_run',
  'after_dry_run',
  'before_approval',
  'after_approval',
  /** the whole run (one `migrate up|down|step` invocation) */
  'before_run',
  'after_run',
  /** each migration */
  'before_migration',
  'after_migration',
  /** each statement */
  'before_statement',
  'after_statement',
  'before_validate',
  'after_validate',
  'before_rollback',
  'after_rollback',
] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

/** State changes of a run. */
export const RUN_STATE_EVENTS = [
  'run_started',
  'run_paused',
  'run_resumed',
  'run_completed',
  'run_failed',
  'run_rolled_back',
  'run_cancelled',
] as const;
export type RunStateEvent = (typeof RUN_STATE_EVENTS)[number];

/** Alerts raised while a run is under way. */
export const ALERT_EVENTS = [
  'alert_lock_wait',
  'alert_blocking_others',
  'alert_long_transaction',
  'alert_performance_regression',
  'alert_slo_violation',
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export type LifecycleEventName = LifecyclePhase | RunStateEvent | AlertEvent;
export const ALL_LIFECYCLE_EVENTS: readonly LifecycleEventName[] = [...LIFECYCLE_PHASES, ...RUN_STATE_EVENTS, ...ALERT_EVENTS];

export type RunKind = 'up' | 'down' | 'dry_run' | 'step';

export interface MigrationRef {
  version: string;
  name: string;
  checksum: string;
  path: string;
}

export interface StatementRef {
  index: number;
  kind: string;
  sql: string;
  line: number;
}

export interface LockTaken {
  relation: string;
  mode: string;
}

/** A lock held during a rehearsal and the statement that first acquired it. */
export interface HeldLock extends LockTaken {
  since: { version: string; index: number };
}

/** What a rehearsal (dry-run) measured for one statement. */
export interface RehearsedStatement {
  version: string;
  index: number;
  kind: string;
  line: number;
  durationMs: number | null;
  rows: number | null;
  /** the relation locks this statement newly acquired in the rehearsal transaction */
  locks: LockTaken[];
  /**
   * every relation lock our backend held while the statement ran (read right after it): the ones
   * it acquired and the ones taken earlier in the rehearsal, each with the statement that took it
   */
  locksHeld?: HeldLock[];
  /**
   * the locks this statement acquired when its migration was rehearsed alone (without the earlier
   * pending migrations' locks held): a lock an earlier migration already holds is visible here
   */
  ownLocks?: LockTaken[];
  /**
   * how `ownLocks` was obtained: `plan` (first migration of the plan: nothing held before it),
   * `isolated` (rehearsed alone), `depends` (it needs an earlier pending migration: see locksHeld)
   */
  ownLocksFrom?: 'plan' | 'isolated' | 'depends';
  /** relations whose relfilenode changed: the table (or index) was rewritten */
  rewritten: string[];
  /** false when the statement cannot run in a transaction and was analysed statically only */
  rehearsed: boolean;
  note?: string;
  error?: string;
}

export interface LifecycleError {
  code: string;
  message: string;
  file?: string;
  line?: number;
}

/** The context every listener receives; fields are present when the phase has them. */
export interface LifecycleContext {
  event: LifecycleEventName;
  at: string;
  runId: string;
  runKind: RunKind;
  project: { dir: string; name: string };
  database: { label: string; serverVersionNum: number };
  migration?: MigrationRef;
  statement?: StatementRef;
  /** migrations in this run, in order */
  plan?: MigrationRef[];
  durationMs?: number;
  rows?: number | null;
  outcome?: 'success' | 'failure' | 'cancelled' | 'skipped';
  error?: LifecycleError;
  rehearsal?: RehearsedStatement[];
  /** the risk report (shape owned by the risk service) when the phase has one */
  risk?: unknown;
  /** alert payload: blocker pid, wait ms, query, ... */
  alert?: Record<string, unknown>;
  /**
   * Engine-side only, never serialised: the connection holding the migration's open
   * transaction, so `sql` hooks with `inTransaction: true` run inside it.
   */
  transactionClient?: LifecycleSqlClient;
}

/** The part of a pg client listeners may use (structural: src-shared does not import pg). */
export interface LifecycleSqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface GateDecision {
  proceed: boolean;
  reason?: string;
  /** who said no (hook id, approval policy ...) */
  by?: string;
}

/**
 * A subscriber to the lifecycle. For `before_*` phases the engine awaits it and stops when any
 * listener answers `{ proceed: false }`; for other events the answer is ignored.
 */
export type LifecycleListener = (ctx: LifecycleContext) => Promise<GateDecision | void> | GateDecision | void;
