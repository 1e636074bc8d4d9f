/**
 * One run of the engine: apply (`up`), revert (`down`) or rehearse (`dry_run`), optionally in
 * stepping mode. The same executor serves all of them:
 *
 * - a transactional migration runs in ONE transaction with its tracking rows (all or nothing);
 * - a migration with a statement that cannot run in a transaction runs statement by statement,
 *   each one's progress committed in `statement_runs`, so a crash is visible and the next run
 *   resumes after the last statement that succeeded;
 * - a rehearsal runs everything in one transaction, measures, and rolls back.
 *
 * Connections: the run lock lives on its own idle connection, statements run on a worker
 * connection, and the lock monitor (and abort) use a third one.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { GateDecision, LifecycleContext, LifecycleEventName, LifecycleListener, LockTaken, MigrationRef, RehearsedStatement, RunKind, StatementRef } from '../../src-shared/domain/lifecycle';
import type {
  Direction,
  LockMonitorSnapshot,
  LockSession,
  MigrationResult,
  PlannedMigration,
  PlannedStatement,
  RunnerEventBody,
  RunPlan,
  RunReport,
  RunSnapshot,
  RunState,
  StatementKey,
  StatementResult,
} from '../../src-shared/domain/runner';
import type { ErrorValue } from '../../src-shared/errors';
import { ConfitureError, toErrorValue } from '../errors';
import { childLogger } from '../logging';
import type { Project } from '../project';
import { ensureTrackingSchema, finishRun, insertRun, readApplied, readResumePoint, recordMigration, recordMigrationAndCommit, recordStatementAndCommit, recordStatementProgress, prepareTracking, acceptDrift as storeAcceptDrift, type PreparedTracking, type ResumePoint, type StatementRunRow } from '../store';
import { initParser } from '../parse';
import { LockMonitor } from './monitor';
import { buildPlan } from './plan';
import { refuseIfIdChanged } from './projects';
import { probeStatement, settleInterruptedRuns } from './recovery';
import { acquireRunLock } from './runlock';

/** Where the engine runs: it opens its own dedicated connections and ends them. */
export interface EngineTarget {
  connect(): Promise<pg.Client>;
  /** safe to show (no password) */
  label: string;
}

export type EngineStream = 'runner/events' | 'locks/monitor';

export interface RunOptions {
  kind: 'up' | 'down' | 'dry_run';
  /** up/dry_run: apply up to this version; down: revert everything above it */
  to?: string;
  /** up: at most N migrations; down: the N newest (default 1) */
  steps?: number;
  /** apply although an applied file changed; recorded in applied_migrations.drift_accepted */
  acceptDrift?: boolean;
  /** pause before the first statement and wait for step/continue */
  stepping?: boolean;
  breakpoints?: StatementKey[];
  /** lifecycle subscribers; `before_*` answers of `{ proceed: false }` stop the run */
  listeners?: LifecycleListener[];
  /** where runner and monitor events go (ctx.streams.publish in the app) */
  publish?: (stream: EngineStream, topic: string, event: unknown) => void;
  monitor?: { intervalMs?: number; autoAbortAfterMs?: number };
  /**
   * dry_run: also rehearse each migration (after the first) alone, before the plan, so the locks
   * it takes itself are visible even when an earlier pending migration already holds them
   * (default true; costs one more execution of each such migration, rolled back)
   */
  isolateLocks?: boolean;
  runId?: string;
  approvalId?: string;
  appVersion?: string;
  startedBy?: string;
}

class Cancelled extends Error {}
class GateRefused extends Error {
  constructor(readonly decision: GateDecision, readonly event: string) {
    super(decision.reason ?? 'refused');
  }
}

const LOCK_TIMEOUT = '55P03';
/** statements that may drop the session's prepared statements (conservative: any mention) */
const DEALLOCATES = /\b(deallocate|discard)\b/i;
const QUERY_CANCELED = '57014';

interface PgError {
  code?: string;
  message: string;
  position?: string;
  severity?: string;
}

function isPgError(e: unknown): e is PgError {
  return typeof e === 'object' && e !== null && 'severity' in e && typeof (e as PgError).code === 'string';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const durationSetting = (ms: number) => `${ms}ms`;

/** `BEGIN; SET LOCAL ...` for a transactional migration; the values are checked numbers, never text. */
function transactionPrologue(m: PlannedMigration): string {
  const ms = (v: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfitureError('internal', `${path.basename(m.path)}: invalid timeout ${String(v)}`);
    return durationSetting(Math.round(v));
  };
  return `BEGIN; SET LOCAL lock_timeout = '${ms(m.lockTimeoutMs)}'; SET LOCAL statement_timeout = '${ms(m.statementTimeoutMs)}';\n`;
}

/** The file line of a server error inside a statement (its `position` is 1-based within the SQL). */
function errorLine(stmt: PlannedStatement, e: unknown): number {
  if (!isPgError(e) || !e.position) return stmt.line;
  const pos = Number(e.position) - 1;
  return stmt.line + (stmt.sql.slice(0, Math.max(0, pos)).match(/\n/g)?.length ?? 0);
}

function sessionLabel(s: LockSession): string {
  const where = [s.applicationName || null, s.clientAddr ? `from ${s.clientAddr}` : null].filter(Boolean).join(' ');
  return `pid ${s.pid}${s.user ? ` (${s.user}${where ? `, ${where}` : ''})` : where ? ` (${where})` : ''}${s.query ? `: ${s.query.slice(0, 120)}` : ''}`;
}

interface RelationFacts {
  name: string;
  relfilenode: string;
}

export class Run {
  readonly id: string;
  readonly kind: RunKind;
  readonly direction: Direction;
  state: RunState = 'starting';
  plan: RunPlan | null = null;
  position: StatementKey | null = null;
  readonly results: MigrationResult[] = [];
  readonly rehearsal: RehearsedStatement[] = [];
  report: RunReport | null = null;
  lastMonitor: LockMonitorSnapshot | null = null;

  private readonly log = childLogger({ service: 'engine' });
  private readonly listeners: LifecycleListener[];
  private readonly breakpoints = new Set<string>();
  private pauseBeforeNext: boolean;
  private resumeWaiter: (() => void) | null = null;
  private aborted: string | null = null;
  private seq = 0;
  private readonly startedAt = new Date();
  private readonly blockersSeen = new Map<number, LockSession>();
  /** per migration version: the sessions the monitor saw waiting on us, and their longest wait */
  private readonly blockedByUs = new Map<string, { who: Map<number, string>; longestWaitMs: number }>();
  private alerted = new Set<string>();
  private lockClient: pg.Client | null = null;
  private worker: pg.Client | null = null;
  private monitorClient: pg.Client | null = null;
  private monitor: LockMonitor | null = null;
  private workerPid: number | null = null;
  private serverVersionNum = 0;
  private running = false;
  private runRowWritten = false;
  private finished: Promise<RunReport> | null = null;
  private readonly by: string;
  /**
   * the worker session's prepared tracking write (store.prepareTracking); dropped for good before
   * a migration that could deallocate it (DEALLOCATE / DISCARD) runs on the worker
   */
  private tracking: PreparedTracking | null = null;
  /** per migration (`version:direction`) run outside a transaction: what earlier runs left */
  private readonly resumePoints = new Map<string, ResumePoint>();

  constructor(
    private readonly project: Project,
    private readonly target: EngineTarget,
    private readonly opts: RunOptions,
  ) {
    this.id = opts.runId ?? crypto.randomUUID();
    this.kind = opts.kind === 'dry_run' ? 'dry_run' : opts.stepping ? 'step' : opts.kind;
    this.direction = opts.kind === 'down' ? 'down' : 'up';
    this.listeners = opts.listeners ?? [];
    this.pauseBeforeNext = opts.stepping === true;
    for (const b of opts.breakpoints ?? []) this.breakpoints.add(`${b.version}:${b.index}`);
    this.by = opts.startedBy ?? safeUser();
  }

  get stepping(): boolean {
    return this.opts.stepping === true;
  }

  private get schema(): string {
    return this.project.trackingSchema;
  }

  // ---------- control (step-through) ----------

  /** Runs the statement the run is paused before, then pauses again. */
  step(): void {
    this.pauseBeforeNext = true;
    this.wake();
  }

  /** Runs until the next breakpoint (or the end). */
  continue(): void {
    this.pauseBeforeNext = false;
    this.wake();
  }

  /** Pauses before the next statement. */
  pause(): void {
    this.pauseBeforeNext = true;
  }

  /** Cancels the running statement (pg_cancel_backend) and rolls back the open transaction. */
  async abort(reason = 'aborted by the user'): Promise<void> {
    if (this.aborted || this.report) return;
    this.aborted = reason;
    this.wake();
    if (this.running && this.workerPid !== null && this.monitor) await this.monitor.cancel(this.workerPid);
  }

  setBreakpoints(keys: StatementKey[]): void {
    this.breakpoints.clear();
    for (const b of keys) this.breakpoints.add(`${b.version}:${b.index}`);
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.id,
      kind: this.kind,
      direction: this.direction,
      state: this.state,
      stepping: this.stepping,
      plan: this.plan?.migrations ?? [],
      position: this.position,
      breakpoints: [...this.breakpoints].map((k) => {
        const i = k.lastIndexOf(':');
        return { version: k.slice(0, i), index: Number(k.slice(i + 1)) };
      }),
      migrations: this.results,
      report: this.report,
      monitor: this.lastMonitor,
    };
  }

  /** Resolves with the report when the run ends (after `prepare` + `execute`). */
  done(): Promise<RunReport> {
    if (!this.finished) throw new ConfitureError('internal', 'the run has not started');
    return this.finished;
  }

  private wake(): void {
    const w = this.resumeWaiter;
    this.resumeWaiter = null;
    w?.();
  }

  // ---------- events ----------

  private publish(event: RunnerEventBody): void {
    this.opts.publish?.('runner/events', this.id, { runId: this.id, seq: ++this.seq, at: new Date().toISOString(), ...event });
  }

  private setState(state: RunState, reason?: string): void {
    this.state = state;
    this.publish({ type: 'state', state, ...(reason ? { reason } : {}) });
  }

  private async emit(event: LifecycleEventName, extra: Partial<LifecycleContext> = {}): Promise<void> {
    if (this.listeners.length === 0) return;
    const ctx: LifecycleContext = {
      event,
      at: new Date().toISOString(),
      runId: this.id,
      runKind: this.kind,
      project: { dir: this.project.dir, name: this.project.name },
      database: { label: this.target.label, serverVersionNum: this.serverVersionNum },
      ...extra,
    };
    const gate = event.startsWith('before_');
    for (const listener of this.listeners) {
      let answer: GateDecision | void;
      try {
        answer = await listener(ctx);
      } catch (e) {
        if (gate) throw new GateRefused({ proceed: false, reason: `a ${event} listener failed: ${(e as Error).message}`, by: 'listener' }, event);
        this.log.warn({ event, err: (e as Error).message }, 'lifecycle listener failed');
        continue;
      }
      if (gate && answer && answer.proceed === false) throw new GateRefused(answer, event);
    }
  }

  private migrationRef(m: PlannedMigration): MigrationRef {
    return { version: m.version, name: m.name, checksum: m.checksum, path: m.path };
  }

  private statementRef(s: PlannedStatement): StatementRef {
    return { index: s.index, kind: s.kind, sql: s.sql, line: s.line };
  }

  // ---------- lifecycle of the run ----------

  /**
   * Takes the run lock, creates/upgrades the tracking schema, plans and checks everything.
   * Throws (lock_held, parse_error, drift, ...) before anything runs.
   */
  async prepare(): Promise<RunPlan> {
    try {
      // startup latency: the parser loads and the three connections (run lock, worker, monitor)
      // open at the same time; the lock is still taken before anything is read or written
      void initParser().catch(() => undefined);
      const conns = await Promise.allSettled([this.connect(), this.connect(), this.connect()]);
      const opened = conns.map((c) => (c.status === 'fulfilled' ? c.value : null));
      this.lockClient = opened[0] ?? null;
      this.worker = opened[1] ?? null;
      this.monitorClient = opened[2] ?? null;
      const failed = conns.find((c) => c.status === 'rejected');
      if (failed) throw failed.reason;
      const [, r] = await Promise.all([
        acquireRunLock(this.lockClient!, this.schema, this.id),
        this.worker!.query<{ pid: number; v: string }>("SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS v"),
      ]);
      this.workerPid = r.rows[0]!.pid;
      this.serverVersionNum = Number(r.rows[0]!.v);
      if (this.kind !== 'dry_run') {
        await ensureTrackingSchema(this.worker!, this.schema);
        this.tracking = await prepareTracking(this.worker!, this.schema);
        // before reading anything: a killed run's statement may still be running (and committing)
        await settleInterruptedRuns(this.worker!, this.schema, this.id, {
          onWait: (pids) => this.log.warn({ pids }, 'waiting for the statement an interrupted run left running on the server to finish'),
          cancelled: () => this.aborted !== null,
        });
      }
      const applied = await readApplied(this.worker!, this.schema, this.project.id);
      if (applied.length === 0) await refuseIfIdChanged(this.worker!, this.project);
      await this.emit('before_load');
      const plan = await buildPlan(this.project, applied, { direction: this.direction, ...(this.opts.to !== undefined ? { to: this.opts.to } : {}), ...(this.opts.steps !== undefined ? { steps: this.opts.steps } : {}) });
      if (plan.drift.length > 0 && !this.opts.acceptDrift) {
        const list = plan.drift.map((d) => `${d.version}_${d.name}`).join(', ');
        throw new ConfitureError(
          'project_error',
          `Applied migration file${plan.drift.length > 1 ? 's' : ''} changed since ${plan.drift.length > 1 ? 'they were' : 'it was'} applied: ${list}. ` +
            'Restore the original file, or re-run with --accept-drift to record the new checksum (the change is NOT re-applied).',
          { field: 'checksum' },
          { drift: plan.drift },
        );
      }
      if (this.kind !== 'dry_run') {
        for (const m of plan.migrations) {
          if (m.transaction !== 'none') continue;
          const resume = await readResumePoint(this.worker!, this.schema, this.project.id, m.version, m.direction, m.checksum);
          this.resumePoints.set(`${m.version}:${m.direction}`, resume);
          let k = 0;
          while (resume.done.includes(k)) k++;
          if (k > 0) m.resumeFrom = k;
        }
      }
      this.plan = plan;
      await this.emit('after_load', { plan: plan.migrations.map((m) => this.migrationRef(m)) });
      return plan;
    } catch (e) {
      await this.cleanup();
      if (e instanceof GateRefused) throw new ConfitureError('policy_failure', `${e.decision.by ?? 'a hook'} stopped the run at ${e.event}: ${e.decision.reason ?? 'no reason given'}`);
      throw e;
    }
  }

  /** Starts executing the prepared plan; returns at once. Await `done()` for the report. */
  start(): Promise<RunReport> {
    if (!this.plan) throw new ConfitureError('internal', 'prepare() the run first');
    if (!this.finished) this.finished = this.execute();
    return this.finished;
  }

  private async connect(): Promise<pg.Client> {
    const c = await this.target.connect();
    c.on('error', (err) => this.log.warn({ err: err.message }, 'connection error'));
    return c;
  }

  private async execute(): Promise<RunReport> {
    const plan = this.plan!;
    const worker = this.worker!;
    let error: ErrorValue | undefined;
    let outcome: RunReport['outcome'] = 'success';
    let inDryRunTx = false;
    try {
      if (this.kind !== 'dry_run') {
        await insertRun(worker, this.schema, {
          id: this.id,
          kind: this.kind,
          startedBy: this.by,
          host: os.hostname(),
          appVersion: this.opts.appVersion ?? '0.0.0',
          project: this.project.name,
          projectId: this.project.id,
          workerPid: this.workerPid,
          targetVersion: this.opts.to ?? null,
          options: { to: this.opts.to ?? null, steps: this.opts.steps ?? null, acceptDrift: this.opts.acceptDrift === true, stepping: this.stepping },
          lockPid: this.lockClient ? ((this.lockClient as unknown as { processID?: number }).processID ?? null) : null,
        });
        this.runRowWritten = true;
        if (plan.drift.length > 0 && this.opts.acceptDrift) {
          for (const d of plan.drift) await storeAcceptDrift(worker, this.schema, { project: this.project.id, version: d.version, previous: d.appliedChecksum, current: d.fileChecksum, by: this.by, runId: this.id });
        }
      }
      this.monitorClient ??= await this.connect();
      this.monitor = new LockMonitor(this.monitorClient, this.id, this.serverVersionNum, this.monitorIntervalMs(), {
        // the whole run long, not only while a statement runs: paused in step-through inside a
        // transaction the locks are still held and others queue behind them
        currentPid: () => (this.report === null && this.worker ? this.workerPid : null),
        onSnapshot: (s, version) => this.onMonitor(s, version),
        tag: () => this.position?.version ?? null,
      });
      this.monitor.start();
      this.setState('running');
      // listed before the gates: a run the before_run gate refuses still reports what it did not run
      for (const m of plan.migrations) this.results.push({ version: m.version, name: m.name, direction: m.direction, outcome: 'not_run', durationMs: null, attempts: 0, statements: [] });
      await this.emit('run_started', { plan: plan.migrations.map((m) => this.migrationRef(m)) });
      await this.emit('before_run', { plan: plan.migrations.map((m) => this.migrationRef(m)) });
      if (this.kind === 'dry_run') {
        await this.emit('before_dry_run', { plan: plan.migrations.map((m) => this.migrationRef(m)) });
        await worker.query('BEGIN');
        inDryRunTx = true;
        if (this.opts.isolateLocks !== false) await this.rehearseAlone(plan.migrations);
      }
      for (let i = 0; i < plan.migrations.length; i++) {
        const m = plan.migrations[i]!;
        const res = this.results[i]!;
        await this.runMigration(m, res);
        if (res.outcome === 'failed' || res.outcome === 'cancelled') {
          error = res.error;
          outcome = res.outcome === 'cancelled' ? 'cancelled' : 'failure';
          break;
        }
      }
      if (inDryRunTx) {
        await this.rollbackDryRun();
        inDryRunTx = false;
        await this.emit('after_dry_run', { rehearsal: this.rehearsal, outcome: outcome === 'success' ? 'success' : 'failure' });
      }
    } catch (e) {
      if (e instanceof GateRefused) {
        outcome = 'policy_failure';
        error = { code: 'policy_failure', message: `${e.decision.by ?? 'a hook'} stopped the run at ${e.event}: ${e.decision.reason ?? 'no reason given'}`, details: { event: e.event, by: e.decision.by ?? null } };
      } else if (e instanceof Cancelled) {
        outcome = 'cancelled';
        error = { code: 'cancelled', message: this.aborted ?? 'cancelled' };
      } else {
        outcome = 'failure';
        error = toErrorValue(e);
      }
      if (inDryRunTx) await this.rollbackDryRun().catch(() => undefined);
    }
    this.running = false;
    this.position = null;
    const finishedAt = new Date();
    const report: RunReport = {
      runId: this.id,
      kind: this.kind,
      direction: this.direction,
      ok: outcome === 'success',
      outcome,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
      migrations: this.results,
      ...(this.kind === 'dry_run' ? { rehearsal: this.rehearsal } : {}),
      ...(error ? { error } : {}),
      ...(this.blockersSeen.size > 0 ? { blockers: [...this.blockersSeen.values()] } : {}),
    };
    if (this.runRowWritten) {
      const dbOutcome = outcome === 'success' ? 'success' : outcome === 'cancelled' ? 'cancelled' : outcome === 'policy_failure' ? 'policy_failure' : 'failed';
      const blocked = Object.fromEntries(this.results.filter((m) => m.blockedOthers).map((m) => [m.version, m.blockedOthers!]));
      await finishRun(worker, this.schema, this.id, dbOutcome, error ?? null, blocked)
        .catch(() => (this.lockClient ? finishRun(this.lockClient, this.schema, this.id, dbOutcome, error ?? null, blocked) : undefined))
        .catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'could not record the end of the run'));
    }
    this.report = report;
    const final: RunState = outcome === 'success' ? 'completed' : outcome === 'cancelled' ? 'cancelled' : 'failed';
    await this.emitSafe(outcome === 'success' ? 'after_run' : 'after_run', { outcome: outcome === 'success' ? 'success' : outcome === 'cancelled' ? 'cancelled' : 'failure', durationMs: report.durationMs, ...(error ? { error: { code: error.code, message: error.message, ...(error.where?.file ? { file: error.where.file } : {}), ...(error.where?.line ? { line: error.where.line } : {}) } } : {}) });
    await this.emitSafe(outcome === 'success' ? 'run_completed' : outcome === 'cancelled' ? 'run_cancelled' : 'run_failed', { durationMs: report.durationMs, ...(error ? { error: { code: error.code, message: error.message } } : {}) });
    if (error) this.publish({ type: 'error', error });
    this.setState(final, error?.message);
    this.publish({ type: 'finished', report });
    await this.cleanup();
    return report;
  }

  private async emitSafe(event: LifecycleEventName, extra: Partial<LifecycleContext>): Promise<void> {
    try {
      await this.emit(event, extra);
    } catch {
      // after-the-fact events cannot gate
    }
  }

  private async rollbackDryRun(): Promise<void> {
    await this.emit('before_rollback').catch(() => undefined);
    await this.worker!.query('ROLLBACK');
    await this.emitSafe('after_rollback', { outcome: 'success' });
  }

  private async cleanup(): Promise<void> {
    this.monitor?.stop();
    // ending the lock connection releases the session advisory lock
    for (const c of [this.worker, this.monitorClient, this.lockClient]) await c?.end().catch(() => undefined);
    this.worker = this.monitorClient = this.lockClient = null;
  }

  /** `version`: the migration that was running when this look began (the one that held the locks) */
  private onMonitor(s: LockMonitorSnapshot, version: string | null): void {
    this.lastMonitor = s;
    this.opts.publish?.('locks/monitor', this.id, s);
    const pos = this.position;
    const key = pos ? `${pos.version}:${pos.index}` : '';
    if (s.waiting && s.blockers.length > 0) {
      for (const b of s.blockers) this.blockersSeen.set(b.pid, b);
      if (pos) this.publish({ type: 'waiting', version: pos.version, index: pos.index, blockers: s.blockers });
      if (!this.alerted.has(`wait:${key}`)) {
        this.alerted.add(`wait:${key}`);
        void this.emitSafe('alert_lock_wait', { alert: { ourPid: s.ourPid, blockers: s.blockers } });
      }
    }
    if (s.blocked.length > 0) {
      if (version) {
        const agg = this.blockedByUs.get(version) ?? { who: new Map<number, string>(), longestWaitMs: 0 };
        for (const b of s.blocked) {
          agg.who.set(b.pid, b.applicationName || [b.user, b.clientAddr].filter(Boolean).join('@') || `pid ${b.pid}`);
          agg.longestWaitMs = Math.max(agg.longestWaitMs, b.waitingMs ?? 0);
        }
        this.blockedByUs.set(version, agg);
      }
      if (!this.alerted.has(`block:${key}`)) {
        this.alerted.add(`block:${key}`);
        void this.emitSafe('alert_blocking_others', { alert: { ourPid: s.ourPid, blocked: s.blocked } });
      }
      const limit = this.opts.monitor?.autoAbortAfterMs;
      const worst = s.blocked.reduce((a, b) => ((b.waitingMs ?? 0) > (a.waitingMs ?? 0) ? b : a));
      if (limit !== undefined && (worst.waitingMs ?? 0) > limit) {
        void this.abort(`auto-aborted: ${sessionLabel(worst)} was blocked by this migration for ${worst.waitingMs} ms (limit ${limit} ms)`);
      }
    }
  }

  // ---------- migrations ----------

  private async runMigration(m: PlannedMigration, res: MigrationResult): Promise<void> {
    const ref = this.migrationRef(m);
    if (this.tracking && m.statements.some((s) => DEALLOCATES.test(s.sql))) this.tracking = null;
    await this.emit('before_migration', { migration: ref });
    const t0 = performance.now();
    const retries = this.project.config.engine.lockRetries;
    const backoff = this.project.config.engine.retryBackoff;
    for (let attempt = 1; ; attempt++) {
      res.attempts = attempt;
      res.statements = [];
      this.publish({ type: 'migration_started', version: m.version, name: m.name, direction: m.direction, attempt });
      let failure: unknown = null;
      let failedStmt: PlannedStatement | null = null;
      try {
        if (this.kind === 'dry_run') await this.rehearseMigration(m, res);
        else if (m.transaction === 'transaction') await this.applyInTransaction(m, res, t0);
        else await this.applyStatementByStatement(m, res, t0, retries, backoff);
      } catch (e) {
        if (e instanceof GateRefused) throw e;
        failure = e instanceof StatementFailure ? e.cause : e;
        failedStmt = e instanceof StatementFailure ? e.stmt : null;
      }
      const blocked = this.blockedByUs.get(m.version);
      if (blocked) {
        res.blockedOthers = { sessions: blocked.who.size, longestWaitMs: Math.round(blocked.longestWaitMs), sampledEveryMs: this.monitorIntervalMs(), who: [...new Set(blocked.who.values())].slice(0, 10) };
      }
      if (failure === null) {
        res.outcome = this.kind === 'dry_run' ? 'rehearsed' : m.direction === 'up' ? 'applied' : 'reverted';
        res.durationMs = performance.now() - t0;
        this.publish({ type: 'migration_finished', version: m.version, outcome: res.outcome, durationMs: res.durationMs, ...(res.blockedOthers ? { blockedOthers: res.blockedOthers } : {}) });
        await this.emitSafe('after_migration', { migration: ref, outcome: 'success', durationMs: res.durationMs });
        return;
      }
      const lockTimedOut = isPgError(failure) && failure.code === LOCK_TIMEOUT;
      if (this.kind !== 'dry_run' && m.transaction === 'transaction' && lockTimedOut && !this.aborted && attempt <= retries) {
        const delayMs = backoff * 2 ** (attempt - 1);
        this.publish({ type: 'retry', version: m.version, attempt: attempt + 1, delayMs, reason: `lock timeout after ${m.lockTimeoutMs} ms${this.blockerText()}` });
        this.log.info({ version: m.version, attempt, delayMs }, 'lock timeout: retrying');
        await sleep(delayMs);
        continue;
      }
      res.outcome = this.aborted || failure instanceof Cancelled ? 'cancelled' : 'failed';
      res.durationMs = performance.now() - t0;
      res.error = await this.describeFailure(m, failedStmt, failure, attempt);
      this.publish({ type: 'migration_finished', version: m.version, outcome: res.outcome, durationMs: res.durationMs, error: res.error, ...(res.blockedOthers ? { blockedOthers: res.blockedOthers } : {}) });
      await this.emitSafe('after_migration', { migration: ref, outcome: res.outcome === 'cancelled' ? 'cancelled' : 'failure', durationMs: res.durationMs, error: { code: res.error.code, message: res.error.message, file: m.path, ...(res.error.where?.line ? { line: res.error.where.line } : {}) } });
      return;
    }
  }

  private monitorIntervalMs(): number {
    return Math.min(1000, this.opts.monitor?.intervalMs ?? 1000);
  }

  private blockerText(): string {
    const b = [...this.blockersSeen.values()];
    return b.length ? `; blocked by ${b.map(sessionLabel).join('; ')}` : '';
  }

  private async describeFailure(m: PlannedMigration, stmt: PlannedStatement | null, e: unknown, attempts: number): Promise<ErrorValue> {
    const file = path.basename(m.path);
    if (this.aborted || e instanceof Cancelled) {
      return { code: 'cancelled', message: `${file}: ${this.aborted ?? 'cancelled'}; the open transaction was rolled back`, where: { file: m.path, ...(stmt ? { line: stmt.line } : {}) } };
    }
    const base = toErrorValue(e);
    if (base.code === 'connection_error' || (isPgError(e) && (e.code === '57P01' || e.code === '57P02' || e.code === '57P03')) || /Connection terminated|ECONNRESET|not queryable/i.test(base.message)) {
      return {
        code: 'connection_error',
        message: `${file}: the connection to the database was lost (${base.message}). ${m.transaction === 'transaction' ? 'The server rolled the migration back' : 'Statements recorded as successful in confiture.statement_runs stay applied'}; run again to resume.`,
        where: { file: m.path, ...(stmt ? { line: stmt.line } : {}) },
      };
    }
    const line = stmt ? errorLine(stmt, e) : undefined;
    let message = `${file}${line ? `:${line}` : ''}: ${base.message}`;
    if (isPgError(e) && e.code === LOCK_TIMEOUT) {
      message = `${file}${line ? `:${line}` : ''}: gave up waiting for a lock after ${m.lockTimeoutMs} ms, ${attempts} attempt${attempts > 1 ? 's' : ''}${this.blockerText()}. Nothing of this migration was applied.`;
    } else if (isPgError(e) && e.code === QUERY_CANCELED && /statement timeout/i.test(e.message)) {
      message = `${file}${line ? `:${line}` : ''}: the statement ran longer than statement_timeout (${m.statementTimeoutMs} ms) and was cancelled.`;
    }
    if (stmt && m.transaction === 'none') {
      const invalid = await this.invalidIndexFor(stmt).catch(() => null);
      if (invalid) message += ` The failed concurrent build left the INVALID index ${invalid}: run DROP INDEX CONCURRENTLY ${invalid}; then run the migration again.`;
      else message += ' Statements before it stay applied (they ran outside a transaction); the next run resumes at this statement.';
    } else if (m.transaction === 'transaction' && this.kind !== 'dry_run') {
      message += ' The migration was rolled back; nothing of it was applied.';
    }
    return {
      code: 'migration_failed',
      message,
      where: { file: m.path, ...(line ? { line } : {}) },
      details: { version: m.version, ...(isPgError(e) ? { sqlstate: e.code } : {}), ...(stmt ? { statement: stmt.index } : {}), ...(this.blockersSeen.size ? { blockers: [...this.blockersSeen.values()] } : {}) },
    };
  }

  /** The index a CREATE/REINDEX ... CONCURRENTLY statement names, if it exists and is INVALID. */
  private async invalidIndexFor(stmt: PlannedStatement): Promise<string | null> {
    if (stmt.kind !== 'create_index' && stmt.kind !== 'reindex') return null;
    const c = this.monitorClient ?? this.worker;
    if (!c) return null;
    const name = this.indexNameOf(stmt);
    if (!name) return null;
    const r = await c.query<{ name: string }>(
      `SELECT i.indexrelid::regclass::text AS name FROM pg_index i WHERE NOT i.indisvalid AND i.indexrelid = to_regclass($1)`,
      [name],
    );
    return r.rows[0]?.name ?? null;
  }

  private indexNameOf(stmt: PlannedStatement): string | null {
    return stmt.indexName ?? null;
  }

  private async beforeStatement(m: PlannedMigration, s: PlannedStatement): Promise<void> {
    this.position = { version: m.version, index: s.index };
    if (this.aborted) throw new Cancelled(this.aborted);
    if (this.pauseBeforeNext || (this.stepping && this.breakpoints.has(`${m.version}:${s.index}`))) {
      this.setState('paused');
      this.publish({ type: 'paused_at', version: m.version, index: s.index });
      // install the waiter before listeners run: a step/continue arriving during a slow
      // run_paused hook (a webhook, say) must not be lost
      const resumed = new Promise<void>((resolve) => (this.resumeWaiter = resolve));
      await this.emitSafe('run_paused', { migration: this.migrationRef(m), statement: this.statementRef(s) });
      await resumed;
      if (this.aborted) throw new Cancelled(this.aborted);
      this.setState('running');
      await this.emitSafe('run_resumed', { migration: this.migrationRef(m), statement: this.statementRef(s) });
    }
    await this.emit('before_statement', { migration: this.migrationRef(m), statement: this.statementRef(s) });
  }

  /**
   * Runs one statement on the worker with the monitor watching; returns timing and rows.
   * `prologue` (BEGIN and the timeouts of a transactional migration) travels in the same
   * simple-protocol message, saving its round trips; it is never the part that fails in practice,
   * and error positions are reported relative to the statement.
   */
  private async exec(m: PlannedMigration, s: PlannedStatement, attempt: number, prologue = ''): Promise<{ durationMs: number; rows: number | null; startedAt: string }> {
    this.publish({ type: 'statement_started', version: m.version, index: s.index, line: s.line, kind: s.kind, attempt });
    const startedAt = new Date().toISOString();
    this.running = true;
    // an early look so a short lock_timeout still shows who blocked us
    const early = setTimeout(() => void this.monitor?.poll(), Math.min(100, Math.max(10, m.lockTimeoutMs / 3 || 100)));
    const t = performance.now();
    try {
      const out: pg.QueryResult | pg.QueryResult[] = await this.worker!.query(prologue + s.sql);
      const r = Array.isArray(out) ? out[out.length - 1]! : out;
      return { durationMs: performance.now() - t, rows: typeof r.rowCount === 'number' ? r.rowCount : null, startedAt };
    } catch (e) {
      if (prologue && isPgError(e) && e.position) e.position = String(Math.max(1, Number(e.position) - prologue.length));
      throw e;
    } finally {
      clearTimeout(early);
      this.running = false;
    }
  }

  private statementDone(m: PlannedMigration, s: PlannedStatement, res: MigrationResult, r: StatementResult): void {
    res.statements.push(r);
    this.publish({ type: 'statement_finished', version: m.version, index: s.index, outcome: r.outcome, durationMs: r.durationMs, rows: r.rows, ...(r.error ? { error: r.error } : {}) });
  }

  private async afterStatement(m: PlannedMigration, s: PlannedStatement, r: StatementResult): Promise<void> {
    if (this.stepping) {
      const locks = await this.ourLocks().catch(() => []);
      this.publish({ type: 'locks', version: m.version, index: s.index, locks });
    }
    await this.emitSafe('after_statement', { migration: this.migrationRef(m), statement: this.statementRef(s), durationMs: r.durationMs ?? 0, rows: r.rows, outcome: r.outcome === 'success' ? 'success' : 'failure' });
  }

  private async ourLocks(): Promise<LockTaken[]> {
    const r = await this.worker!.query<LockTaken>(
      `SELECT DISTINCT l.relation::regclass::text AS relation, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
       WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation' AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
       ORDER BY 1, 2`,
    );
    return r.rows;
  }

  /**
   * One transaction: the statements and every tracking row commit together or not at all.
   * Round trips: BEGIN + the migration's SET LOCAL timeouts go with the first statement, each
   * further statement is one, and the tracking rows go with COMMIT — N+1 for N statements.
   */
  private async applyInTransaction(m: PlannedMigration, res: MigrationResult, t0: number): Promise<void> {
    const w = this.worker!;
    const rows: StatementRunRow[] = [];
    let prologue = transactionPrologue(m);
    try {
      for (const s of m.statements) {
        await this.beforeStatement(m, s);
        let r: Awaited<ReturnType<Run['exec']>>;
        try {
          const p = prologue;
          prologue = '';
          r = await this.exec(m, s, res.attempts, p);
        } catch (e) {
          this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: this.aborted ? 'cancelled' : 'failure', durationMs: null, rows: null, attempts: res.attempts, error: (e as Error).message });
          throw new StatementFailure(s, e);
        }
        const sr: StatementResult = { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'success', durationMs: r.durationMs, rows: r.rows, attempts: res.attempts };
        this.statementDone(m, s, res, sr);
        rows.push({ index: s.index, kind: s.kind, line: s.line, startedAt: r.startedAt, finishedAt: new Date().toISOString(), durationMs: r.durationMs, rows: r.rows, outcome: 'success', error: null, attempts: res.attempts });
        await this.afterStatement(m, s, sr);
      }
      // a file without statements still records its row in a transaction
      if (prologue) await w.query(prologue);
      if (this.aborted) throw new Cancelled(this.aborted);
      await recordMigrationAndCommit(w, this.schema, {
        project: this.project.id,
        runId: this.id,
        version: m.version,
        name: m.name,
        checksum: m.checksum,
        direction: m.direction,
        by: this.by,
        durationMs: performance.now() - t0,
        approvalId: this.opts.approvalId ?? null,
        statements: rows,
      }, this.tracking ?? undefined);
    } catch (e) {
      await this.emitSafe('before_rollback', { migration: this.migrationRef(m) });
      // harmless when the failure came before BEGIN was sent (a gate, an abort while paused)
      await w.query('ROLLBACK').catch(() => undefined);
      await this.emitSafe('after_rollback', { migration: this.migrationRef(m), outcome: 'success' });
      throw e;
    }
  }

  private async applyStatementByStatement(m: PlannedMigration, res: MigrationResult, t0: number, retries: number, backoff: number): Promise<void> {
    const w = this.worker!;
    const rows: StatementRunRow[] = [];
    await w.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [durationSetting(m.lockTimeoutMs), durationSetting(m.statementTimeoutMs)]);
    const progress = (row: StatementRunRow) => ({ project: this.project.id, runId: this.id, version: m.version, direction: m.direction, checksum: m.checksum, row });
    try {
      await this.recoverInFlight(m, res, rows);
      for (const s of m.statements) {
        if (m.resumeFrom !== undefined && s.index < m.resumeFrom) {
          if (!res.statements.some((x) => x.index === s.index)) this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'skipped', durationMs: null, rows: null, attempts: 0 });
          continue;
        }
        for (let attempt = 1; ; attempt++) {
          await this.beforeStatement(m, s);
          const existedBefore = !s.transactional && (await this.indexExists(s));
          const row: StatementRunRow = { index: s.index, kind: s.kind, line: s.line, startedAt: new Date().toISOString(), finishedAt: null, durationMs: null, rows: null, outcome: 'running', error: null, attempts: attempt };
          // a statement that can run in a transaction commits in one with its success row (a crash
          // leaves both or neither); one that cannot is marked 'running' first, and after a crash
          // the next run asks the catalog whether it took effect (recovery.ts)
          if (!s.transactional) await recordStatementProgress(w, this.schema, progress(row));
          try {
            const r = await this.exec(m, s, attempt, s.transactional ? 'BEGIN;\n' : '');
            Object.assign(row, { finishedAt: new Date().toISOString(), durationMs: r.durationMs, rows: r.rows, outcome: 'success' });
            if (s.transactional) await recordStatementAndCommit(w, this.schema, progress(row));
            else await recordStatementProgress(w, this.schema, progress(row));
            rows.push(row);
            const sr: StatementResult = { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'success', durationMs: r.durationMs, rows: r.rows, attempts: attempt };
            this.statementDone(m, s, res, sr);
            await this.afterStatement(m, s, sr);
            break;
          } catch (e) {
            if (s.transactional) await w.query('ROLLBACK').catch(() => undefined);
            Object.assign(row, { finishedAt: new Date().toISOString(), outcome: this.aborted ? 'cancelled' : 'failure', error: (e as Error).message });
            await recordStatementProgress(w, this.schema, progress(row)).catch(() => undefined);
            const lockTimedOut = isPgError(e) && e.code === LOCK_TIMEOUT;
            if (lockTimedOut && !this.aborted && attempt <= retries) {
              // a concurrent build we started and that gave up leaves an INVALID index: drop it before retrying
              const invalid = !existedBefore ? await this.invalidIndexFor(s).catch(() => null) : null;
              if (invalid) await w.query(`DROP INDEX CONCURRENTLY IF EXISTS ${invalid}`);
              const delayMs = backoff * 2 ** (attempt - 1);
              this.publish({ type: 'retry', version: m.version, attempt: attempt + 1, delayMs, reason: `lock timeout after ${m.lockTimeoutMs} ms${this.blockerText()}` });
              await sleep(delayMs);
              continue;
            }
            this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: row.outcome as 'failure' | 'cancelled', durationMs: null, rows: null, attempts: attempt, error: (e as Error).message });
            throw new StatementFailure(s, e);
          }
        }
      }
      if (this.aborted) throw new Cancelled(this.aborted);
      await w.query('BEGIN');
      try {
        await recordMigration(w, this.schema, { project: this.project.id, runId: this.id, version: m.version, name: m.name, checksum: m.checksum, direction: m.direction, by: this.by, durationMs: performance.now() - t0, approvalId: this.opts.approvalId ?? null, statements: rows });
        await w.query('COMMIT');
      } catch (e) {
        await w.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      await w.query('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
    }
  }

  /**
   * The statement an earlier run attempted and did not record as applied (killed while it ran, or
   * failed): if the catalog shows it took effect, record it as applied and resume after it; if it
   * left an INVALID index, drop that first. See recovery.ts.
   */
  private async recoverInFlight(m: PlannedMigration, res: MigrationResult, rows: StatementRunRow[]): Promise<void> {
    const k = m.resumeFrom ?? 0;
    const s = m.statements[k];
    const attempt = this.resumePoints.get(`${m.version}:${m.direction}`)?.attempts.get(k);
    if (!s || s.transactional || !attempt) return;
    const verdict = await probeStatement(this.worker!, s);
    this.log.info({ version: m.version, statement: k, previous: attempt.outcome, verdict }, 'statement attempted by an earlier run');
    if (verdict.took === 'no' && verdict.cleanup) await this.worker!.query(verdict.cleanup);
    if (verdict.took !== 'yes') return;
    const now = new Date().toISOString();
    const row: StatementRunRow = { index: s.index, kind: s.kind, line: s.line, startedAt: now, finishedAt: now, durationMs: null, rows: null, outcome: 'success', error: null, attempts: 0, recovered: `run ${attempt.runId} was interrupted (${attempt.outcome}); ${verdict.evidence}` };
    await recordStatementProgress(this.worker!, this.schema, { project: this.project.id, runId: this.id, version: m.version, direction: m.direction, checksum: m.checksum, row });
    rows.push(row);
    this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'skipped', durationMs: null, rows: null, attempts: 0 });
    // statements after it may have been recorded too (a later run's): skip the contiguous run of them
    const done = new Set(this.resumePoints.get(`${m.version}:${m.direction}`)?.done ?? []);
    let next = k + 1;
    while (done.has(next)) next++;
    m.resumeFrom = next;
  }

  private async indexExists(s: PlannedStatement): Promise<boolean> {
    const name = this.indexNameOf(s);
    if (!name) return false;
    const r = await this.worker!.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
    return r.rows[0]?.ok === true;
  }

  // ---------- rehearsal ----------

  private async relations(): Promise<Map<string, RelationFacts>> {
    const r = await this.worker!.query<{ oid: string; name: string; relfilenode: string }>(
      `SELECT c.oid::text AS oid, c.oid::regclass::text AS name, c.relfilenode::text AS relfilenode
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp%'`,
    );
    return new Map(r.rows.map((x) => [x.oid, { name: x.name, relfilenode: x.relfilenode }]));
  }

  private async heldLocks(): Promise<{ oid: string; mode: string }[]> {
    const r = await this.worker!.query<{ oid: string; mode: string }>(
      `SELECT DISTINCT l.relation::text AS oid, l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation'`,
    );
    return r.rows;
  }

  /** lock key (oid:mode) → the statement that first acquired it in this rehearsal */
  private readonly lockSince = new Map<string, { version: string; index: number }>();
  /** version:index → the locks the statement acquired with its migration rehearsed alone */
  private readonly ownLocks = new Map<string, LockTaken[]>();
  private readonly ownLocksFrom = new Map<string, 'plan' | 'isolated' | 'depends'>();

  /**
   * Rehearses each migration after the first one alone, at the start of the rehearsal
   * transaction, each inside a savepoint that is rolled back: ROLLBACK TO SAVEPOINT releases the
   * locks acquired since it, so each migration starts with no lock held and what it acquires is
   * its own. A migration that needs an earlier pending one fails alone: it is marked `depends`.
   */
  private async rehearseAlone(migrations: PlannedMigration[]): Promise<void> {
    const w = this.worker!;
    migrations.forEach((m, i) => {
      if (i === 0) this.ownLocksFrom.set(m.version, 'plan');
    });
    for (const m of migrations.slice(1)) {
      if (this.aborted) throw new Cancelled();
      if (!m.statements.some((s) => s.transactional)) continue;
      await w.query('SAVEPOINT confiture_alone');
      let ok = true;
      const found = new Map<number, LockTaken[]>();
      try {
        await w.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [durationSetting(m.lockTimeoutMs), durationSetting(m.statementTimeoutMs)]);
        for (const s of m.statements) {
          if (!s.transactional) continue;
          const before = await this.relations();
          const held = new Set((await this.heldLocks()).map((l) => `${l.oid}:${l.mode}`));
          await w.query(s.sql);
          const after = await this.relations();
          const nameOf = (oid: string) => after.get(oid)?.name ?? before.get(oid)?.name ?? null;
          found.set(s.index, (await this.heldLocks()).filter((l) => !held.has(`${l.oid}:${l.mode}`) && nameOf(l.oid) !== null).map((l) => ({ relation: nameOf(l.oid)!, mode: l.mode })));
        }
      } catch (e) {
        ok = false;
        this.log.debug({ version: m.version, err: (e as Error).message }, 'migration cannot be rehearsed alone: it needs an earlier pending migration');
      }
      await w.query('ROLLBACK TO SAVEPOINT confiture_alone');
      await w.query('RELEASE SAVEPOINT confiture_alone');
      this.ownLocksFrom.set(m.version, ok ? 'isolated' : 'depends');
      if (ok) for (const [idx, locks] of found) this.ownLocks.set(`${m.version}:${idx}`, locks);
    }
  }

  private async rehearseMigration(m: PlannedMigration, res: MigrationResult): Promise<void> {
    const w = this.worker!;
    await w.query('SAVEPOINT confiture_migration');
    await w.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [durationSetting(m.lockTimeoutMs), durationSetting(m.statementTimeoutMs)]);
    for (const s of m.statements) {
      await this.beforeStatement(m, s);
      const base: RehearsedStatement = { version: m.version, index: s.index, kind: s.kind, line: s.line, durationMs: null, rows: null, locks: [], rewritten: [], rehearsed: false };
      if (!s.transactional) {
        const entry = { ...base, note: 'not rehearsable in a transaction: this statement runs outside one and was analysed statically only' };
        this.rehearsal.push(entry);
        this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'skipped', durationMs: null, rows: null, attempts: 1 });
        continue;
      }
      const before = await this.relations();
      const locksBefore = new Set((await this.heldLocks()).map((l) => `${l.oid}:${l.mode}`));
      let r: Awaited<ReturnType<Run['exec']>>;
      try {
        r = await this.exec(m, s, 1);
      } catch (e) {
        this.rehearsal.push({ ...base, rehearsed: true, error: (e as Error).message });
        this.statementDone(m, s, res, { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: this.aborted ? 'cancelled' : 'failure', durationMs: null, rows: null, attempts: 1, error: (e as Error).message });
        throw new StatementFailure(s, e);
      }
      const after = await this.relations();
      const held = await this.heldLocks();
      const nameOf = (oid: string) => after.get(oid)?.name ?? before.get(oid)?.name ?? null;
      const toLock = (l: { oid: string; mode: string }) => ({ relation: nameOf(l.oid)!, mode: l.mode });
      const userLocks = held.filter((l) => nameOf(l.oid) !== null);
      const here = { version: m.version, index: s.index };
      for (const l of userLocks) if (!locksBefore.has(`${l.oid}:${l.mode}`) && !this.lockSince.has(`${l.oid}:${l.mode}`)) this.lockSince.set(`${l.oid}:${l.mode}`, here);
      const rewritten: string[] = [];
      for (const [oid, b] of before) {
        const a = after.get(oid);
        if (a && b.relfilenode !== '0' && a.relfilenode !== b.relfilenode) rewritten.push(a.name);
      }
      const newly = userLocks.filter((l) => !locksBefore.has(`${l.oid}:${l.mode}`)).map(toLock);
      const from = this.ownLocksFrom.get(m.version) ?? (this.opts.isolateLocks === false ? undefined : 'plan');
      const own = from === 'isolated' ? this.ownLocks.get(`${m.version}:${s.index}`) : from === 'plan' ? newly : undefined;
      const entry: RehearsedStatement = {
        ...base,
        rehearsed: true,
        durationMs: r.durationMs,
        rows: r.rows,
        locks: newly,
        locksHeld: userLocks
          .map((l) => ({ ...toLock(l), since: this.lockSince.get(`${l.oid}:${l.mode}`) ?? here }))
          .sort((a, b) => a.relation.localeCompare(b.relation) || a.mode.localeCompare(b.mode)),
        ...(own ? { ownLocks: own } : {}),
        ...(from ? { ownLocksFrom: from } : {}),
        rewritten: rewritten.sort(),
      };
      this.rehearsal.push(entry);
      const sr: StatementResult = { version: m.version, index: s.index, kind: s.kind, line: s.line, outcome: 'success', durationMs: r.durationMs, rows: r.rows, attempts: 1 };
      this.statementDone(m, s, res, sr);
      this.publish({ type: 'locks', version: m.version, index: s.index, locks: entry.locksHeld ?? [] });
      await this.emitSafe('after_statement', { migration: this.migrationRef(m), statement: this.statementRef(s), durationMs: r.durationMs, rows: r.rows, outcome: 'success', rehearsal: [entry] });
    }
    await w.query('RELEASE SAVEPOINT confiture_migration');
  }
}

class StatementFailure extends Error {
  constructor(
    readonly stmt: PlannedStatement,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
