/**
 * Hooks: what the runner records and shows. Shared by the engine, the CLI and the renderer.
 * Configuration lives in confiture.yaml (`hooks:`), validated in src-main/hooks/config.ts.
 */
import type { LifecycleEventName } from './lifecycle';

export type HookKind = 'sql' | 'command' | 'http' | 'module';
export type HookPolicy = 'fail' | 'warn' | 'retry';
export type PhaseStrategy = 'sequential' | 'parallel';

/**
 * How one attempt ended.
 * - `success`: the hook ran and did not report a failure
 * - `failure`: it threw, exited non-zero, answered HTTP 4xx/5xx or returned `{ ok: false }`
 * - `timeout`: it was killed / aborted after its timeout (a failure)
 * - `breaker_open`: not run because its circuit breaker is open (a failure for the policy,
 *   not counted by the breaker)
 * - `skipped`: not run because a dependency failed, the phase stopped at a gate or the phase
 *   timeout was reached
 */
export type HookOutcome = 'success' | 'failure' | 'timeout' | 'breaker_open' | 'skipped';

export type BreakerStateName = 'closed' | 'open' | 'half_open';

export interface HookExecution {
  runId: string;
  phase: LifecycleEventName;
  hookId: string;
  kind: HookKind;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: HookOutcome;
  /** stdout/stderr, HTTP response or SQL result, cut to a few KB; secrets redacted */
  outputExcerpt: string | null;
  error: string | null;
  /** true for the attempt that decided the hook's result in this phase */
  final: boolean;
}

export interface BreakerState {
  hookId: string;
  state: BreakerStateName;
  consecutiveFailures: number;
  failureThreshold: number;
  coolDownMs: number;
  openedAt: string | null;
  /** when an open breaker lets the next probe through */
  retryAt: string | null;
  lastFailureAt: string | null;
  lastSuccessAt: string | null;
}

export interface HookSummary {
  id: string;
  kind: HookKind;
  on: LifecycleEventName[];
  priority: number;
  policy: HookPolicy;
  timeoutMs: number;
  retries: number;
  dependsOn: string[];
  enabled: boolean;
  /** url / command / module path / first line of SQL, with `${env:...}` left unresolved */
  target: string;
  breaker: BreakerState | null;
}

export interface PhaseHooks {
  phase: LifecycleEventName;
  strategy: PhaseStrategy;
  maxConcurrency: number;
  timeoutMs: number;
  /** ids in the order they start (sequential) or are queued (parallel) */
  hooks: string[];
}

export interface HookListing {
  hooks: HookSummary[];
  phases: PhaseHooks[];
  /** false when breaker states could not be read (no database) */
  breakersKnown: boolean;
}

/** The result of firing one phase. */
export interface PhaseResult {
  runId: string;
  phase: LifecycleEventName;
  /** false when a hook with policy fail (or retry, exhausted) failed */
  ok: boolean;
  /** set for before_* phases: the gate the engine applies */
  gate: { proceed: boolean; reason?: string; by?: string } | null;
  executions: HookExecution[];
  warnings: string[];
  durationMs: number;
}

export interface CriticalPath {
  /** the chain of executions, each starting after the previous one ended, ending last */
  executions: HookExecution[];
  /** time spent inside hooks on the path */
  hookMs: number;
  /** from the first start to the last end of all executions */
  spanMs: number;
}

export interface HookRunSummary {
  runId: string;
  firstAt: string;
  lastAt: string;
  executions: number;
  failures: number;
}

export interface HookExecutionsReport {
  runId: string | null;
  runs: HookRunSummary[];
  executions: HookExecution[];
  criticalPath: CriticalPath;
}
