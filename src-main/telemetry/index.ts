/**
 * OpenTelemetry traces of a migration run, exported over OTLP/HTTP when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: one trace per
 * run, with a span per migration, per statement and per hook attempt:
 *
 *   confiture run (up)
 *   ├── hook no-long-transactions (before_run)
 *   ├── migration 0007_add_orders_currency
 *   │   ├── hook notify (before_migration)
 *   │   └── statement 1 alter_table
 *   └── …
 *
 * Spans are built from the lifecycle events and hook executions with their own timestamps, and
 * exported when the run ends (`finish`), so the order in which listeners see an event does not
 * matter: a hook of `before_migration` runs before the migration's span starts, and the span is
 * widened to hold it. The exporter is the official one and honours the standard OTEL_* variables
 * (headers, timeout, service name); `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn
 * tracing off.
 */
import type { Attributes } from '@opentelemetry/api';
import type { HookExecution } from '../../src-shared/domain/hooks';
import type { LifecycleContext, LifecycleListener } from '../../src-shared/domain/lifecycle';
import { childLogger } from '../logging';

export interface RunTracing {
  /** add to the run's lifecycle listeners */
  listener: LifecycleListener;
  /** pass every hook attempt (StandardListenerOptions.onHookExecution) */
  onHookExecution(e: HookExecution): void;
  /** builds the spans, exports them and shuts the exporter down; never throws */
  finish(): Promise<void>;
}

/** Tracing is on when an OTLP endpoint is configured and the SDK is not disabled. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).includes('none')) return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface Interval {
  start: number;
  end: number;
  attributes: Attributes;
  failed: string | null;
}

export interface StatementNode extends Interval {
  index: number;
  kind: string;
  hooks: HookExecution[];
}

export interface MigrationNode extends Interval {
  version: string;
  name: string;
  statements: StatementNode[];
  hooks: HookExecution[];
}

export const ms = (iso: string) => Date.parse(iso);

/** What a run recorded, ready to become spans. */
export interface RecordedRun {
  run: Interval & { id: string; kind: string; project: string };
  runHooks: HookExecution[];
  migrations: MigrationNode[];
  firstSeen: number;
  lastSeen: number;
}

/** The tracing of one run, or null when tracing is off. */
export function runTracing(opts: { serviceVersion: string; connectionLabel: string; env?: NodeJS.ProcessEnv }): RunTracing | null {
  const env = opts.env ?? process.env;
  if (!tracingEnabled(env)) return null;
  const log = childLogger({ service: 'telemetry' });

  let run: (Interval & { id: string; kind: string; project: string }) | null = null;
  const migrations: MigrationNode[] = [];
  const runHooks: HookExecution[] = [];
  /** hooks of a `before_*` phase whose span starts after them */
  let pendingMigrationHooks: HookExecution[] = [];
  let pendingStatementHooks: HookExecution[] = [];
  let current: MigrationNode | null = null;
  let statement: StatementNode | null = null;
  /** between before_* and after_* as this listener sees them (hooks of after_* run before it does) */
  let migrationOpen = false;
  let statementOpen = false;
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = 0;
  const seen = (t: number) => {
    firstSeen = Math.min(firstSeen, t);
    lastSeen = Math.max(lastSeen, t);
  };

  const listener: LifecycleListener = (ctx: LifecycleContext) => {
    const at = ms(ctx.at);
    seen(at);
    run ??= { id: ctx.runId, kind: ctx.runKind, project: ctx.project.name, start: at, end: at, attributes: {}, failed: null };
    if (ctx.event === 'before_migration' && ctx.migration) {
      current = { version: ctx.migration.version, name: ctx.migration.name, start: at, end: at, statements: [], hooks: pendingMigrationHooks, attributes: { 'confiture.migration.version': ctx.migration.version, 'confiture.migration.name': ctx.migration.name, 'confiture.migration.checksum': ctx.migration.checksum }, failed: null };
      pendingMigrationHooks = [];
      migrations.push(current);
      migrationOpen = true;
    } else if (ctx.event === 'after_migration' && current) {
      migrationOpen = false;
      current.end = at;
      if (ctx.durationMs !== undefined) current.attributes['confiture.duration_ms'] = ctx.durationMs;
      if (ctx.outcome) current.attributes['confiture.outcome'] = ctx.outcome;
      if (ctx.outcome === 'failure' || ctx.error) current.failed = ctx.error?.message ?? 'migration failed';
    } else if (ctx.event === 'before_statement' && ctx.statement && current) {
      statement = { index: ctx.statement.index, kind: ctx.statement.kind, start: at, end: at, hooks: pendingStatementHooks, attributes: { 'confiture.statement.index': ctx.statement.index, 'confiture.statement.kind': ctx.statement.kind, 'confiture.statement.line': ctx.statement.line, 'db.query.text': ctx.statement.sql.slice(0, 2000) }, failed: null };
      pendingStatementHooks = [];
      current.statements.push(statement);
      statementOpen = true;
    } else if (ctx.event === 'after_statement' && statement) {
      statementOpen = false;
      statement.end = at;
      if (ctx.durationMs !== undefined) statement.attributes['confiture.duration_ms'] = ctx.durationMs;
      if (ctx.rows !== undefined && ctx.rows !== null) statement.attributes['db.response.returned_rows'] = ctx.rows;
      if (ctx.outcome) statement.attributes['confiture.outcome'] = ctx.outcome;
      if (ctx.outcome === 'failure') statement.failed = ctx.error?.message ?? 'statement failed';
    } else if (ctx.event === 'after_run') {
      run.end = at;
      if (ctx.outcome) run.attributes['confiture.outcome'] = ctx.outcome;
      if (ctx.outcome === 'failure') run.failed = ctx.error?.message ?? 'run failed';
    }
  };

  const onHookExecution = (e: HookExecution) => {
    seen(ms(e.startedAt));
    seen(ms(e.finishedAt));
    const during = e.phase.startsWith('alert_');
    if (e.phase === 'before_migration') pendingMigrationHooks.push(e);
    else if (e.phase === 'before_statement') pendingStatementHooks.push(e);
    else if (statement && statementOpen && (e.phase === 'after_statement' || during)) statement.hooks.push(e);
    else if (current && migrationOpen && (e.phase === 'after_migration' || e.phase === 'before_rollback' || e.phase === 'after_rollback' || e.phase === 'after_statement' || during)) current.hooks.push(e);
    else runHooks.push(e);
  };

  async function finish(): Promise<void> {
    if (!run) return;
    try {
      // the SDK is loaded only when there is a trace to export: other commands start without it
      const { exportRun } = await import('./otlp');
      await exportRun({ run, runHooks, migrations, firstSeen, lastSeen }, { serviceName: env.OTEL_SERVICE_NAME || 'confiture', serviceVersion: opts.serviceVersion, connectionLabel: opts.connectionLabel });
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'could not export the trace of the run');
    }
  }

  return { listener, onHookExecution, finish };
}
