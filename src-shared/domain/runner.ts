/**
 * The migration runner as the UI and the CLI see it: the plan (what will run, where the
 * transaction boundaries are), the report of a run, step-through snapshots, and the events
 * streamed on `runner/events` and `locks/monitor`.
 */
import type { ErrorValue } from '../errors';
import type { LockTaken, RehearsedStatement, RunKind } from './lifecycle';

export type Direction = 'up' | 'down';

/** How a migration runs: in one transaction with its tracking rows, or statement by statement. */
export type TransactionMode = 'transaction' | 'none';

export interface PlannedStatement {
  index: number;
  kind: string;
  /** 1-based line and column in the file */
  line: number;
  column: number;
  sql: string;
  /** false for CREATE INDEX CONCURRENTLY, VACUUM, ... */
  transactional: boolean;
  /** the quoted index a CREATE INDEX names (to detect an INVALID index left by a failed concurrent build) */
  indexName?: string;
}

export interface PlannedMigration {
  version: string;
  name: string;
  path: string;
  checksum: string;
  direction: Direction;
  transaction: TransactionMode;
  /** why the migration runs outside a transaction */
  transactionReason?: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  statements: PlannedStatement[];
  /**
   * a previous run of this non-transactional migration stopped part-way: statements below this
   * index already succeeded and are skipped
   */
  resumeFrom?: number;
}

export interface DriftEntry {
  version: string;
  name: string;
  appliedChecksum: string;
  fileChecksum: string;
}

export interface RunPlan {
  direction: Direction;
  migrations: PlannedMigration[];
  /** applied migrations whose file changed since */
  drift: DriftEntry[];
}

/** `version:index` of a statement, used for breakpoints. */
export interface StatementKey {
  version: string;
  index: number;
}

export type StatementOutcome = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface StatementResult {
  version: string;
  index: number;
  kind: string;
  line: number;
  outcome: StatementOutcome;
  durationMs: number | null;
  rows: number | null;
  /** 1 + retries after lock timeouts */
  attempts: number;
  error?: string;
}

export type MigrationOutcome = 'applied' | 'reverted' | 'rehearsed' | 'failed' | 'cancelled' | 'not_run';

/**
 * Sessions this migration made wait, as the lock monitor saw them: how many, and the longest wait
 * it observed (a lower bound: the monitor looks every `sampledEveryMs` while a statement runs, and
 * a wait may go on until COMMIT).
 */
export interface BlockedOthers {
  sessions: number;
  longestWaitMs: number;
  sampledEveryMs: number;
  /** their application_name (or user@address), at most 10 */
  who: string[];
}

export interface MigrationResult {
  version: string;
  name: string;
  direction: Direction;
  outcome: MigrationOutcome;
  durationMs: number | null;
  attempts: number;
  statements: StatementResult[];
  error?: ErrorValue;
  /** other sessions waited on this migration's locks (absent when the monitor saw none) */
  blockedOthers?: BlockedOthers;
}

export type RunState = 'starting' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export type RunOutcome = 'success' | 'failure' | 'cancelled' | 'policy_failure';

export interface RunReport {
  runId: string;
  kind: RunKind;
  direction: Direction;
  ok: boolean;
  outcome: RunOutcome;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  migrations: MigrationResult[];
  /** dry-run only: what each statement did inside the rolled-back transaction */
  rehearsal?: RehearsedStatement[];
  error?: ErrorValue;
  /** sessions that blocked us during the run (lock timeouts) */
  blockers?: LockSession[];
}

/** Who a server session is: what pg_stat_activity says of it. */
export interface SessionIdentity {
  pid: number;
  user: string | null;
  applicationName: string | null;
  clientAddr: string | null;
  state: string | null;
  query: string | null;
  xactStart: string | null;
}

/** A session seen by the lock monitor. */
export interface LockSession extends SessionIdentity {
  /** the relation and mode it waits for (blocked) or we wait for (blocker) when known */
  relation: string | null;
  mode: string | null;
  /** how long it has been waiting for a lock (blocked sessions) */
  waitingMs: number | null;
}

export interface LockMonitorSnapshot {
  runId: string;
  at: string;
  ourPid: number | null;
  /** our backend waits for a lock */
  waiting: boolean;
  /** sessions our backend waits on */
  blockers: LockSession[];
  /** sessions waiting on our backend */
  blocked: LockSession[];
  /** relation locks our backend holds */
  ourLocks: LockTaken[];
}

interface RunnerEventBase {
  runId: string;
  seq: number;
  at: string;
}

/** What happened, without the envelope (runId, seq, at). */
export type RunnerEventBody =
    | { type: 'state'; state: RunState; reason?: string }
    | { type: 'migration_started'; version: string; name: string; direction: Direction; attempt: number }
    | { type: 'migration_finished'; version: string; outcome: MigrationOutcome; durationMs: number | null; error?: ErrorValue; blockedOthers?: BlockedOthers }
    | { type: 'statement_started'; version: string; index: number; line: number; kind: string; attempt: number }
    | { type: 'statement_finished'; version: string; index: number; outcome: StatementOutcome; durationMs: number | null; rows: number | null; error?: string }
    | { type: 'paused_at'; version: string; index: number }
    | { type: 'locks'; version: string; index: number; locks: LockTaken[] }
    | { type: 'waiting'; version: string; index: number; blockers: LockSession[] }
    | { type: 'retry'; version: string; attempt: number; delayMs: number; reason: string }
    | { type: 'error'; error: ErrorValue }
    | { type: 'finished'; report: RunReport };

export type RunnerEvent = RunnerEventBase & RunnerEventBody;

export interface RunSnapshot {
  runId: string;
  kind: RunKind;
  direction: Direction;
  state: RunState;
  stepping: boolean;
  plan: PlannedMigration[];
  /** the statement the run is paused before or running */
  position: StatementKey | null;
  breakpoints: StatementKey[];
  migrations: MigrationResult[];
  report: RunReport | null;
  monitor: LockMonitorSnapshot | null;
}

export interface RunHistoryEntry {
  runId: string;
  kind: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  startedBy: string;
  host: string;
  targetVersion: string | null;
  migrations: { version: string; name: string; direction: string; durationMs: number | null }[];
  error: ErrorValue | null;
}
