import type { Command } from 'commander';
import { EXIT, exitCodeFor } from '../../../src-shared/errors';
import { blockedOthersText } from '../../../src-shared/format';
import type { RunReport } from '../../../src-shared/domain/runner';
import type { LifecycleListener } from '../../../src-shared/domain/lifecycle';
import { runMigrations, targetFor } from '../../engine';
import { standardListeners } from '../../lifecycle';
import { formatExecution } from './hooks';
import type { RunSloCheck } from '../../../src-shared/domain/slo';
import { openValidProject, type Project } from '../../project';
import { migrationStatus } from '../../status';
import { parseFormat, printJson, reportError, UsageError, partialText } from '../output';
import { runProgressListener } from '../run-progress';
import { activity, notice } from '../terminal';
import { runTracing } from '../../telemetry';
import { embeddedDatabaseFor, openSession } from '../session';

interface MigrateOptions {
  project: string;
  db?: string;
  format: string;
  to?: string;
  steps?: string;
  acceptDrift?: boolean;
  dryRun?: boolean;
  autoAbortAfter?: string;
}

function parseSteps(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--steps must be a positive whole number (got "${v}")`);
  return Number(v);
}

function parseVersion(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[0-9][0-9._]*$/.test(v)) throw new UsageError(`--to must be a migration version such as 0007 (got "${v}")`);
  return v;
}

const ms = (n: number | null) => (n === null ? '' : n < 1000 ? `${n.toFixed(1)} ms` : `${(n / 1000).toFixed(2)} s`);

function printReport(project: Project, label: string, r: RunReport): void {
  const verb = r.kind === 'dry_run' ? 'Rehearsed (rolled back)' : r.direction === 'down' ? 'Reverting' : 'Applying';
  process.stdout.write(`${verb} on ${label} — ${project.name}\n`);
  if (r.error?.code === 'policy_failure') {
    // a gate (hook, listener, approval policy) refused: say who and why, never "nothing to do"
    const event = (r.error.details as { event?: string } | undefined)?.event;
    process.stdout.write(`  refused${event ? ` at ${event}` : ''}: ${r.error.message}\n`);
  } else if (r.migrations.length === 0) process.stdout.write(r.ok ? '  nothing to do: the database is up to date\n' : `  nothing ran${r.error ? `: ${r.error.message}` : ''}\n`);
  for (const m of r.migrations) {
    process.stdout.write(`  ${m.outcome.padEnd(9)} ${m.version}_${m.name}  ${ms(m.durationMs)}${m.attempts > 1 ? `  (${m.attempts} attempts)` : ''}\n`);
    if (m.blockedOthers) process.stdout.write(`            ${blockedOthersText(m.blockedOthers)}\n`);
    if (r.kind === 'dry_run') {
      for (const s of (r.rehearsal ?? []).filter((x) => x.version === m.version)) {
        const locks = s.locks.map((l) => `${l.mode} on ${l.relation}`).join(', ');
        const detail = s.rehearsed ? `${ms(s.durationMs)}${s.rows !== null ? `, ${s.rows} rows` : ''}${locks ? `, takes ${locks}` : ''}${s.rewritten.length ? `, REWRITES ${s.rewritten.join(', ')}` : ''}` : (s.note ?? '');
        process.stdout.write(`      line ${String(s.line).padEnd(4)} ${s.kind.padEnd(18)} ${s.error ? `ERROR ${s.error}` : detail}\n`);
      }
    }
  }
  process.stdout.write(`${r.ok ? 'done' : r.outcome} in ${ms(r.durationMs)}\n`);
}

function toJson(r: RunReport) {
  return {
    runId: r.runId,
    kind: r.kind,
    direction: r.direction,
    ok: r.ok,
    outcome: r.outcome,
    durationMs: r.durationMs,
    migrations: r.migrations.map((m) => ({ version: m.version, name: m.name, outcome: m.outcome, durationMs: m.durationMs, attempts: m.attempts, statements: m.statements, ...(m.error ? { error: m.error } : {}), ...(m.blockedOthers ? { blockedOthers: m.blockedOthers } : {}) })),
    ...(r.rehearsal ? { rehearsal: r.rehearsal } : {}),
    ...(r.blockers ? { blockers: r.blockers } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function registerMigrate(program: Command, setExit: (code: number) => void): void {
  const migrate = program.command('migrate').description('Apply, revert, rehearse migrations and show their state');
  const common = (c: Command) =>
    c
      .option('-p, --project <dir>', 'project folder', '.')
      .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
      .option('--format <format>', 'text or json', 'text');

  const run = (kind: 'up' | 'down' | 'dry_run') => async (opts: MigrateOptions) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      const to = parseVersion(opts.to);
      const steps = parseSteps(opts.steps);
      const autoAbort = opts.autoAbortAfter === undefined ? undefined : parseSteps(opts.autoAbortAfter);
      const effective = kind === 'up' && opts.dryRun ? 'dry_run' : kind;
      const project = openValidProject(opts.project);
      const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
      try {
        const progress: LifecycleListener = (c) => {
          if (c.event === 'before_migration' && c.migration) notice(`→ ${c.migration.version}_${c.migration.name}`);
        };
        let sloCheck: RunSloCheck | null = null;
        const tracing = runTracing({ serviceVersion: session.ctx.version, connectionLabel: session.connection.label });
        const standard = standardListeners(project, session.pool, {
          connect: () => session.ctx.connections.client(session.connection.id),
          connectionLabel: session.connection.label,
          appVersion: session.ctx.version,
          onHookExecution: (e) => {
            tracing?.onHookExecution(e);
            if (format === 'text') notice(formatExecution(e));
          },
          extra: [...(format === 'text' ? [progress] : []), ...(tracing ? [tracing.listener] : [])],
          onSloCheck: (c) => {
            sloCheck = c;
            if (format === 'text' && c.violations.length > 0) {
              notice(`SLO: ${c.violations.length} event(s) of this run outside ${[...new Set(c.violations.map((v) => v.objectiveId))].join(', ')} (see confiture slo report)`);
            }
          },
        });
        const hookRunner = standard.hooks;
        const report = await runMigrations(project, targetFor(session.ctx, session.connection.id), {
          kind: effective,
          ...(to !== undefined ? { to } : {}),
          ...(steps !== undefined ? { steps } : {}),
          acceptDrift: opts.acceptDrift === true,
          appVersion: session.ctx.version,
          ...(autoAbort !== undefined ? { monitor: { autoAbortAfterMs: autoAbort } } : {}),
          listeners: standard.listeners,
          ...(activity().active ? { publish: runProgressListener() } : {}),
        });
        activity().stop();
        await tracing?.finish();
        const hookActivity = hookRunner.executions(report.runId);
        if (format === 'json') printJson({ ...toJson(report), hooks: hookActivity, ...(sloCheck ? { slo: sloCheck } : {}) });
        else printReport(project, session.connection.label, report);
        if (format === 'text' && hookActivity.length > 0) {
          const failed = hookActivity.filter((e) => e.final && e.outcome !== 'success').length;
          process.stdout.write(`hooks: ${hookActivity.length} executions${failed ? `, ${failed} failed` : ''} (confiture hooks list; details in ${project.trackingSchema}.hook_executions)\n`);
        }
        if (report.error) {
          if (format !== 'json') process.stderr.write(`confiture: ${report.error.code}: ${report.error.message}\n`);
          setExit(exitCodeFor(report.error.code));
        } else setExit(EXIT.ok);
      } finally {
        await session.close();
      }
    } catch (e) {
      setExit(reportError(e, format));
    }
  };

  common(migrate.command('up').description('Apply pending migrations, each in its own transaction with its tracking row'))
    .option('--to <version>', 'apply up to and including this version')
    .option('--steps <n>', 'apply at most N migrations')
    .option('--dry-run', 'rehearse inside a transaction and roll back (same as `migrate dry-run`)')
    .option('--accept-drift', 'accept changed checksums of applied files (recorded; the change is not re-applied)')
    .option('--auto-abort-after <ms>', 'abort when a session has been blocked by the migration longer than this')
    .action(run('up'));
  common(migrate.command('down').description('Revert applied migrations with their .down.sql, newest first (default: 1)'))
    .option('--to <version>', 'revert every applied migration above this version (0: all)')
    .option('--steps <n>', 'revert the N newest migrations')
    .option('--accept-drift', 'accept changed checksums of applied files')
    .action(run('down'));
  common(migrate.command('dry-run').description('Rehearse pending migrations in a transaction: timings, rows, locks taken, rewrites; then roll back'))
    .option('--to <version>', 'rehearse up to this version')
    .option('--steps <n>', 'rehearse at most N migrations')
    .option('--accept-drift', 'accept changed checksums of applied files')
    .action(run('dry_run'));
  common(migrate.command('status').description('List migrations with their state (same as `confiture status`)')).action(async (opts: MigrateOptions) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      const project = openValidProject(opts.project);
      const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
      try {
        const { migrations } = await migrationStatus(project, session.pool);
        if (format === 'json') printJson({ project: project.dir, projectId: project.id, connection: session.connection.label, migrations });
        else {
          process.stdout.write(`${project.name} (project id ${project.id}) on ${session.connection.label}\n`);
          for (const m of migrations) process.stdout.write(`  ${m.state.padEnd(8)} ${m.version}  ${m.name}${m.appliedAt ? `  applied ${m.appliedAt} by ${m.appliedBy}` : ''}${partialText(m)}${m.blockedOthers ? `  (${blockedOthersText(m.blockedOthers)})` : ''}\n`);
        }
        setExit(EXIT.ok);
      } finally {
        await session.close();
      }
    } catch (e) {
      setExit(reportError(e, format));
    }
  });
}
