/**
 * The hook runner: fires the hooks of a phase in priority / dependency order, sequentially or
 * in parallel (bounded), enforces hook and phase timeouts, applies each hook's error policy,
 * retries with backoff, keeps a circuit breaker per hook, and records every attempt.
 *
 * Order: lower `priority` runs first; ties keep the order of confiture.yaml; a hook starts only
 * after the hooks it `dependsOn` (in the same phase) succeeded — if one did not, it is skipped.
 * Any final outcome other than success is a failure for the hook's policy: `fail` (and
 * exhausted `retry`) in a `before_*` phase closes the gate and stops the phase.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type {
  BreakerState,
  HookExecution,
  HookListing,
  HookOutcome,
  HookSummary,
  PhaseHooks,
  PhaseResult,
  PhaseStrategy,
} from '../../src-shared/domain/hooks';
import {
  ALL_LIFECYCLE_EVENTS,
  type GateDecision,
  type LifecycleContext,
  type LifecycleEventName,
  type LifecycleListener,
  type LifecycleSqlClient,
} from '../../src-shared/domain/lifecycle';
import { childLogger } from '../logging';
import { admit, afterAttempt, breakerView, closedBreaker, type BreakerRecord } from './breaker';
import type { HookConfig, HooksConfig } from './config';
import { runCommandHook } from './kinds/command';
import { runHttpHook } from './kinds/http';
import { runModuleHook } from './kinds/module';
import { runSqlHook } from './kinds/sql';
import type { AttemptInput, AttemptResult } from './kinds/types';
import { excerpt, HookConfigError, SecretBag } from './secrets';
import { ensureHookTables, readBreakers, saveRecording } from './store';

export interface HookRunnerOptions {
  /** the `hooks` section of the project config */
  config: HooksConfig;
  projectDir: string;
  /** tracking schema for hook_executions / hook_breakers (default `confiture`) */
  trackingSchema?: string;
  /** the target database: sql hooks, recording, breakers. Without it nothing is recorded. */
  pool?: pg.Pool | null;
  logger?: Logger;
  /** where ${env:NAME} is read (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** record executions and breakers in the database (default: when a pool is given) */
  record?: boolean;
  /** called after each attempt, e.g. to print hook activity in `migrate` */
  onExecution?: (e: HookExecution) => void;
  /** the per-migration phases' recording is sent at most this long after it was queued (ms, default 100) */
  recordingDelayMs?: number;
  /** … or at once when this many rows (executions + breakers) wait (default 200) */
  recordingBatch?: number;
}

export interface FireOptions {
  /** fire only this hook (it must listen to the phase) */
  onlyHook?: string;
}

export interface HookRunner {
  /** pass this in the engine's `listeners` */
  listener: LifecycleListener;
  fire(event: LifecycleEventName, ctx: LifecycleContext, opts?: FireOptions): Promise<PhaseResult>;
  /** hooks listening to an event, in the order they would start */
  hooksFor(event: LifecycleEventName): HookConfig[];
  listing(): Promise<HookListing>;
  breakerStates(): Promise<BreakerState[]>;
  /** attempts made by this runner (all runs), in order */
  executions(runId?: string): HookExecution[];
  /** ready for recording: tables created, breakers loaded (done lazily otherwise) */
  ready(): Promise<void>;
}

const HTTP_DEFAULT_RETRIES = 2;
const RETRY_DEFAULT_RETRIES = 3;
/** how long past a timeout we wait for a hook that ignores its abort signal */
const ABANDON_GRACE_MS = 2_000;

/** Per-migration recording: sent at most this long after it was queued (ms) … */
const RECORDING_DELAY_MS = 100;
/** … or at once when this many rows wait. */
const RECORDING_BATCH = 200;

/** Phases fired for every migration or statement of a run: their recording writes are queued. */
const PER_MIGRATION_PHASES = new Set<LifecycleEventName>(['before_migration', 'after_migration', 'before_statement', 'after_statement']);

export function isGatePhase(event: LifecycleEventName): boolean {
  return event.startsWith('before_');
}

export function effectiveRetries(h: HookConfig): number {
  return h.retries ?? (h.policy === 'retry' ? RETRY_DEFAULT_RETRIES : h.kind === 'http' ? HTTP_DEFAULT_RETRIES : 0);
}

export function backoffDelay(h: HookConfig, retry: number): number {
  return Math.min(h.backoffMs * 2 ** (retry - 1), h.maxBackoffMs);
}

export function phaseSettings(config: HooksConfig, event: LifecycleEventName): { strategy: PhaseStrategy; maxConcurrency: number; timeoutMs: number } {
  const p = config.phases[event] ?? {};
  return {
    strategy: p.strategy ?? config.defaults.strategy,
    maxConcurrency: p.maxConcurrency ?? config.defaults.maxConcurrency,
    timeoutMs: p.timeoutMs ?? config.defaults.timeoutMs,
  };
}

/** Hooks of an event in start order: priority ascending, then file order. */
export function orderedHooks(config: HooksConfig, event: LifecycleEventName): HookConfig[] {
  return config.hooks
    .map((h, i) => ({ h, i }))
    .filter(({ h }) => h.enabled && h.on.includes(event))
    .sort((a, b) => a.h.priority - b.h.priority || a.i - b.i)
    .map(({ h }) => h);
}

export function hookTarget(h: HookConfig): string {
  switch (h.kind) {
    case 'sql':
      return (h.sql.trim().split('\n')[0] ?? '').slice(0, 120) + (h.inTransaction ? '  (in the migration transaction)' : '');
    case 'command':
      return typeof h.command === 'string' ? h.command : h.command.join(' ');
    case 'http':
      return `${h.method} ${h.url} (${h.format})`;
    case 'module':
      return `${h.module}#${h.export}`;
  }
}

/** A JSON-safe copy of the context (the transaction client never leaves the engine). */
function plainContext(ctx: LifecycleContext): LifecycleContext {
  const { transactionClient: _client, ...rest } = ctx;
  return JSON.parse(JSON.stringify(rest)) as LifecycleContext;
}

function runAttempt(h: HookConfig, input: Omit<AttemptInput<HookConfig>, 'hook'>): Promise<AttemptResult> {
  switch (h.kind) {
    case 'sql':
      return runSqlHook({ ...input, hook: h });
    case 'command':
      return runCommandHook({ ...input, hook: h });
    case 'http':
      return runHttpHook({ ...input, hook: h });
    case 'module':
      return runModuleHook({ ...input, hook: h });
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

type HookStatus = 'ok' | 'failed';

export function createHookRunner(opts: HookRunnerOptions): HookRunner {
  const config = opts.config;
  const schema = opts.trackingSchema ?? 'confiture';
  const pool = opts.pool ?? null;
  const recording = (opts.record ?? true) && pool !== null;
  const env = opts.env ?? process.env;
  const log = opts.logger ?? childLogger({ service: 'hooks' });
  const breakers = new Map<string, BreakerRecord>();
  const done: HookExecution[] = [];
  let readyPromise: Promise<void> | null = null;
  let recordingBroken = false;
  /** the run whose breakers were read last (breakers are read once per run id, see loadBreakers) */
  let breakersReadFor: string | null = null;
  /**
   * Recording writes (executions, breakers) of the per-migration phases, in order, off the
   * migration's path: they are queued, and sent together (one statement, one commit:
   * saveRecording) at most `recordingDelayMs` after the first of them was queued, or at once when
   * `recordingBatch` rows wait. Any other phase (after_run last), a breaker read or listing, and a
   * non-deferred write send the queue first and wait for it (see flushWrites).
   */
  let writes: Promise<void> = Promise.resolve();
  const recordingDelayMs = opts.recordingDelayMs ?? RECORDING_DELAY_MS;
  const recordingBatch = opts.recordingBatch ?? RECORDING_BATCH;
  /** deferred recording not yet sent: the latest state of each breaker, the executions in order */
  const queuedBreakers = new Map<string, BreakerRecord>();
  const queuedExecutions: HookExecution[] = [];
  let drainTimer: NodeJS.Timeout | null = null;
  /** Sends what is queued now, after the writes already sent (order kept). */
  function drainNow(): void {
    if (drainTimer) clearTimeout(drainTimer);
    drainTimer = null;
    if (queuedBreakers.size === 0 && queuedExecutions.length === 0) return;
    const b = [...queuedBreakers.values()];
    const ex = queuedExecutions.splice(0);
    queuedBreakers.clear();
    writes = writes.then(async () => {
      try {
        await saveRecording(pool!, schema, b, ex);
      } catch (e) {
        log.warn({ err: (e as Error).message, executions: ex.length, breakers: b.length }, 'hook recording failed');
      }
    });
  }
  /** Queues the deferred recording: sent within recordingDelayMs, or now when the batch is full. */
  function scheduleDrain(): void {
    if (queuedExecutions.length + queuedBreakers.size >= recordingBatch) return drainNow();
    // not unref'd: a process that ends normally writes what is queued before it exits
    drainTimer ??= setTimeout(drainNow, recordingDelayMs);
  }
  const flushWrites = (): Promise<void> => {
    drainNow();
    return writes;
  };

  const breakerOf = (id: string) => breakers.get(id) ?? closedBreaker(id);

  /** the hooks of each event in start order, computed once (the config does not change under a runner) */
  const ordered = new Map<LifecycleEventName, HookConfig[]>();
  const hooksOf = (event: LifecycleEventName): HookConfig[] => {
    let list = ordered.get(event);
    if (!list) ordered.set(event, (list = orderedHooks(config, event)));
    return list;
  };

  /**
   * Reads the breakers from the tracking schema (shared by every process on the database). With a
   * run id, once per run: the run lock keeps other runs out meanwhile, and this runner's own
   * attempts update the in-memory state (and the tracking schema) as they happen.
   */
  async function loadBreakers(runId?: string): Promise<void> {
    if (!recording || recordingBroken) return;
    if (runId !== undefined && breakersReadFor === runId) return;
    breakersReadFor = runId ?? null;
    await flushWrites();
    try {
      for (const b of await readBreakers(pool!, schema)) breakers.set(b.hookId, b);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'cannot read hook breakers; using the in-memory state');
    }
  }

  function ready(): Promise<void> {
    readyPromise ??= (async () => {
      if (!recording) return;
      try {
        await ensureHookTables(pool!, schema);
      } catch (e) {
        recordingBroken = true;
        log.error({ err: (e as Error).message, schema }, 'cannot create the hook tables; executions are logged but not recorded');
      }
    })();
    return readyPromise;
  }

  /** A recording write of a phase that is not deferred: after the queued ones, awaited (its failure a warning of the phase). */
  async function write(fn: () => Promise<void>, failure: (e: Error) => string, warnings: string[]): Promise<void> {
    await flushWrites();
    try {
      await fn();
    } catch (e) {
      warnings.push(failure(e as Error));
    }
  }

  async function persistBreaker(rec: BreakerRecord, warnings: string[], defer: boolean): Promise<void> {
    breakers.set(rec.hookId, rec);
    if (!recording || recordingBroken) return;
    if (defer) {
      queuedBreakers.set(rec.hookId, rec);
      return scheduleDrain();
    }
    await write(() => saveRecording(pool!, schema, [rec], []), (e) => `breaker of ${rec.hookId} not saved: ${e.message}`, warnings);
  }

  async function record(e: HookExecution, h: HookConfig, secrets: SecretBag, warnings: string[], defer: boolean): Promise<void> {
    done.push(e);
    const fields = { runId: e.runId, phase: e.phase, hookId: e.hookId, kind: e.kind, attempt: e.attempt, outcome: e.outcome, durationMs: e.durationMs, final: e.final, error: e.error };
    if (e.outcome === 'success') log.info(fields, 'hook execution');
    else if (!e.final || h.policy === 'warn' || (h.policy === 'retry' && h.onExhausted === 'warn')) log.warn(fields, 'hook execution');
    else log.error(fields, 'hook execution');
    try {
      opts.onExecution?.(e);
    } catch {
      // a display callback must not break the run
    }
    if (!recording || recordingBroken) return;
    if (defer) {
      queuedExecutions.push(e);
      return scheduleDrain();
    }
    await write(() => saveRecording(pool!, schema, [], [e]), (err) => `execution of ${e.hookId} not recorded: ${secrets.redact(err.message)}`, warnings);
  }

  function fire(event: LifecycleEventName, rawCtx: LifecycleContext, fireOpts: FireOptions = {}): Promise<PhaseResult> {
    return firePhase(event, rawCtx, fireOpts, false);
  }

  /** `defer`: queue the recording writes (the engine's per-migration phases, see `writes`) */
  async function firePhase(event: LifecycleEventName, rawCtx: LifecycleContext, fireOpts: FireOptions, defer: boolean): Promise<PhaseResult> {
    const phaseStart = Date.now();
    let hooks = hooksOf(event);
    if (fireOpts.onlyHook !== undefined) hooks = hooks.filter((h) => h.id === fireOpts.onlyHook);
    const gatePhase = isGatePhase(event);
    const result: PhaseResult = { runId: rawCtx.runId, phase: event, ok: true, gate: gatePhase ? { proceed: true } : null, executions: [], warnings: [], durationMs: 0 };
    if (hooks.length === 0) return result;

    await ready();
    await loadBreakers(rawCtx.runId);
    const ctx = plainContext({ ...rawCtx, event });
    const txClient: LifecycleSqlClient | null = rawCtx.transactionClient ?? null;
    const settings = phaseSettings(config, event);
    const deadline = phaseStart + settings.timeoutMs;
    const phaseAbort = new AbortController();
    const phaseTimer = setTimeout(() => phaseAbort.abort(), settings.timeoutMs);
    const limit = settings.strategy === 'sequential' ? 1 : settings.maxConcurrency;
    const inPhase = new Set(hooks.map((h) => h.id));
    const status = new Map<string, HookStatus>();
    let stopped: { by: string; reason: string } | null = null;

    const execution = (h: HookConfig, attempt: number, started: number, finished: number, outcome: HookOutcome, output: string | null, error: string | null, final: boolean, secrets: SecretBag): HookExecution => ({
      runId: ctx.runId,
      phase: event,
      hookId: h.id,
      kind: h.kind,
      attempt,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      outcome,
      outputExcerpt: output === null ? null : excerpt(secrets.redact(output)),
      error: error === null ? null : secrets.redact(error).slice(0, 2000),
      final,
    });

    /** Applies the policy to a hook's final failure. */
    const settleFailure = (h: HookConfig, error: string) => {
      const policy = h.policy === 'retry' ? h.onExhausted : h.policy;
      if (policy === 'warn') {
        result.warnings.push(`hook ${h.id} (${event}) failed, policy warn: ${error}`);
        return;
      }
      result.ok = false;
      if (gatePhase && !stopped) {
        stopped = { by: h.id, reason: `hook ${h.id} failed: ${error}` };
        result.gate = { proceed: false, reason: stopped.reason, by: h.id };
      }
    };

    const skip = async (h: HookConfig, reason: string, countsAsFailure: boolean) => {
      const now = Date.now();
      const e = execution(h, 1, now, now, 'skipped', null, reason, true, new SecretBag());
      result.executions.push(e);
      await record(e, h, new SecretBag(), result.warnings, defer);
      status.set(h.id, 'failed');
      if (countsAsFailure) settleFailure(h, reason);
    };

    const runHook = async (h: HookConfig): Promise<void> => {
      const secrets = new SecretBag();
      const maxAttempts = 1 + effectiveRetries(h);
      for (let attempt = 1; ; attempt++) {
        const remaining = deadline - Date.now();
        if (remaining <= 0 || phaseAbort.signal.aborted) {
          return skip(h, `phase ${event} timeout (${settings.timeoutMs} ms) reached before ${attempt > 1 ? `attempt ${attempt}` : 'the hook'} started`, true);
        }
        const admission = admit(breakerOf(h.id), h.breaker, Date.now());
        if (admission.admission === 'blocked') {
          const now = Date.now();
          const view = breakerView(breakerOf(h.id), h.breaker);
          const reason = `circuit breaker open after ${view.consecutiveFailures} consecutive failures; next probe at ${view.retryAt}`;
          const e = execution(h, attempt, now, now, 'breaker_open', null, reason, true, secrets);
          result.executions.push(e);
          await record(e, h, secrets, result.warnings, defer);
          status.set(h.id, 'failed');
          settleFailure(h, reason);
          return;
        }
        if (admission.admission === 'probe') await persistBreaker(admission.next, result.warnings, defer);
        const timeoutMs = Math.min(h.timeoutMs, remaining);
        const abort = new AbortController();
        const onPhaseAbort = () => abort.abort();
        phaseAbort.signal.addEventListener('abort', onPhaseAbort, { once: true });
        const timer = setTimeout(() => abort.abort(), timeoutMs);
        const started = Date.now();
        let r: AttemptResult;
        try {
          let abandon: NodeJS.Timeout | undefined;
          const hard = new Promise<AttemptResult>((resolve) => {
            abandon = setTimeout(
              () => resolve({ ok: false, output: null, error: `did not stop within ${ABANDON_GRACE_MS} ms of its ${timeoutMs} ms timeout; abandoned`, timedOut: true }),
              timeoutMs + ABANDON_GRACE_MS,
            );
          });
          r = await Promise.race([
            runAttempt(h, { ctx, attempt, signal: abort.signal, timeoutMs, projectDir: opts.projectDir, env, secrets, pool, transactionClient: txClient }),
            hard,
          ]).finally(() => clearTimeout(abandon));
        } catch (e) {
          r = { ok: false, output: null, error: e instanceof HookConfigError ? e.message : `hook crashed: ${(e as Error).message}` };
        } finally {
          clearTimeout(timer);
          phaseAbort.signal.removeEventListener('abort', onPhaseAbort);
        }
        const finished = Date.now();
        if (!r.ok && abort.signal.aborted && !r.timedOut) r = { ...r, timedOut: true };
        const rec = afterAttempt(breakerOf(h.id), h.breaker, r.ok, finished);
        await persistBreaker(rec, result.warnings, defer);
        const retryWanted = h.policy === 'retry' ? r.retryable !== false : r.retryable === true;
        const backoff = backoffDelay(h, attempt);
        const willRetry = !r.ok && attempt < maxAttempts && retryWanted && rec.state !== 'open' && finished + backoff < deadline && !phaseAbort.signal.aborted;
        const outcome: HookOutcome = r.ok ? 'success' : r.timedOut ? 'timeout' : 'failure';
        const e = execution(h, attempt, started, finished, outcome, r.output, r.error, !willRetry, secrets);
        result.executions.push(e);
        await record(e, h, secrets, result.warnings, defer);
        if (r.ok) {
          status.set(h.id, 'ok');
          return;
        }
        if (!willRetry) {
          status.set(h.id, 'failed');
          const opened = rec.state === 'open' ? ` (circuit breaker now open for ${h.breaker.coolDownMs} ms)` : '';
          settleFailure(h, `${e.error ?? outcome}${attempt > 1 ? ` after ${attempt} attempts` : ''}${opened}`);
          return;
        }
        await sleep(backoff, phaseAbort.signal);
      }
    };

    // the scheduler: start every hook whose dependencies are done, in order, up to the limit
    const pending = [...hooks];
    const running = new Set<Promise<void>>();
    try {
      for (;;) {
        let progressed = false;
        for (const h of [...pending]) {
          if (running.size >= limit) break;
          const deps = h.dependsOn.filter((d) => inPhase.has(d));
          if (deps.some((d) => !status.has(d))) continue;
          pending.splice(pending.indexOf(h), 1);
          progressed = true;
          if (stopped) {
            await skip(h, `not run: ${(stopped as { reason: string }).reason}`, false);
            continue;
          }
          const failedDep = deps.find((d) => status.get(d) !== 'ok');
          if (failedDep) {
            await skip(h, `not run: dependency ${failedDep} did not succeed`, true);
            continue;
          }
          const p: Promise<void> = runHook(h).finally(() => running.delete(p));
          running.add(p);
        }
        if (pending.length === 0 && running.size === 0) break;
        if (running.size > 0) await Promise.race(running);
        else if (!progressed) {
          // unreachable with an acyclic config; never spin
          for (const h of pending.splice(0)) await skip(h, 'not run: unsatisfiable dependencies', true);
        }
      }
    } finally {
      clearTimeout(phaseTimer);
    }
    result.durationMs = Date.now() - phaseStart;
    return result;
  }

  const listener: LifecycleListener = async (ctx): Promise<GateDecision | void> => {
    try {
      const perMigration = PER_MIGRATION_PHASES.has(ctx.event);
      // the run-level phases (after_run last) wait for the queued writes: a finished run is recorded
      if (!perMigration) await flushWrites();
      // an event no hook listens to costs nothing more (the engine emits seven per migration)
      if (hooksOf(ctx.event).length === 0) return undefined;
      const r = await firePhase(ctx.event, ctx, {}, perMigration);
      if (r.gate && !r.gate.proceed) return r.gate;
      return undefined;
    } catch (e) {
      log.error({ event: ctx.event, runId: ctx.runId, err: (e as Error).stack }, 'hook runner failed');
      // a broken runner must not wave a gated step through
      if (isGatePhase(ctx.event)) return { proceed: false, reason: `hooks could not run: ${(e as Error).message}`, by: 'hooks' };
      return undefined;
    }
  };

  async function breakerStates(): Promise<BreakerState[]> {
    await loadBreakers();
    return config.hooks.map((h) => breakerView(breakerOf(h.id), h.breaker));
  }

  async function listing(): Promise<HookListing> {
    const states = new Map((await breakerStates()).map((b) => [b.hookId, b] as const));
    const hooks: HookSummary[] = config.hooks.map((h) => ({
      id: h.id,
      kind: h.kind,
      on: h.on,
      priority: h.priority,
      policy: h.policy,
      timeoutMs: h.timeoutMs,
      retries: effectiveRetries(h),
      dependsOn: h.dependsOn,
      enabled: h.enabled,
      target: hookTarget(h),
      breaker: recording && !recordingBroken ? (states.get(h.id) ?? null) : null,
    }));
    const phases: PhaseHooks[] = ALL_LIFECYCLE_EVENTS.map((phase) => ({ phase, ...phaseSettings(config, phase), hooks: startOrder(phase) })).filter(
      (p) => p.hooks.length > 0,
    );
    return { hooks, phases, breakersKnown: recording && !recordingBroken };
  }

  /** Start order for display: dependencies first, then priority. */
  function startOrder(event: LifecycleEventName): string[] {
    const hooks = orderedHooks(config, event);
    const ids = new Set(hooks.map((h) => h.id));
    const out: string[] = [];
    const left = [...hooks];
    while (left.length > 0) {
      const i = left.findIndex((h) => h.dependsOn.every((d) => !ids.has(d) || out.includes(d)));
      out.push(left.splice(i < 0 ? 0 : i, 1)[0]!.id);
    }
    return out;
  }

  return {
    listener,
    fire,
    hooksFor: (event) => [...hooksOf(event)],
    listing,
    breakerStates,
    executions: (runId) => (runId === undefined ? [...done] : done.filter((e) => e.runId === runId)),
    ready,
  };
}

export function newRunId(): string {
  return crypto.randomUUID();
}
