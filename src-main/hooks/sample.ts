/**
 * A realistic context for `confiture hooks test`: the project's first pending (or first)
 * migration and its first statement, parsed with the real parser.
 */
import type { MigrationFile } from '../../src-shared/domain/project';
import type { LifecycleContext, LifecycleEventName, RunKind, StatementRef } from '../../src-shared/domain/lifecycle';
import { initParser, parseSqlFile } from '../parse';
import { newRunId } from './runner';

export interface SampleOptions {
  project: { dir: string; name: string; migrations: MigrationFile[] };
  database: { label: string; serverVersionNum: number };
  /** versions already applied; the sample picks the first migration not in it */
  applied?: string[];
  runId?: string;
  runKind?: RunKind;
}

async function firstStatement(m: MigrationFile): Promise<StatementRef | undefined> {
  try {
    await initParser();
    const parsed = parseSqlFile(m.upPath);
    const s = parsed.statements[0];
    if (!s) return undefined;
    return { index: 0, kind: s.kind, sql: s.sql.slice(0, 2000), line: s.range.start.line };
  } catch {
    return undefined;
  }
}

export async function sampleContext(event: LifecycleEventName, o: SampleOptions): Promise<LifecycleContext> {
  const applied = new Set(o.applied ?? []);
  const pending = o.project.migrations.filter((m) => !applied.has(m.version));
  const plan = (pending.length > 0 ? pending : o.project.migrations).map((m) => ({ version: m.version, name: m.name, checksum: m.checksum, path: m.upPath }));
  const migration = plan[0];
  const ctx: LifecycleContext = {
    event,
    at: new Date().toISOString(),
    runId: o.runId ?? newRunId(),
    runKind: o.runKind ?? (event === 'before_dry_run' || event === 'after_dry_run' ? 'dry_run' : 'up'),
    project: { dir: o.project.dir, name: o.project.name },
    database: o.database,
    plan,
  };
  const perMigration = /migration|statement|validate|rollback/.test(event);
  if (migration && perMigration) ctx.migration = migration;
  if (migration && event.includes('statement')) {
    const file = o.project.migrations.find((m) => m.version === migration.version)!;
    const st = await firstStatement(file);
    if (st) ctx.statement = st;
  }
  if (event.startsWith('after_') || event === 'run_completed') {
    ctx.durationMs = 1234;
    ctx.outcome = 'success';
    if (event.includes('statement')) ctx.rows = 0;
  }
  if (event === 'run_failed' || event === 'run_rolled_back' || event === 'after_rollback') {
    ctx.outcome = 'failure';
    ctx.error = { code: 'database_error', message: 'canceling statement due to lock timeout (sample)', ...(migration ? { file: migration.path, line: 1 } : {}) };
  }
  if (event === 'run_cancelled') ctx.outcome = 'cancelled';
  if (event.startsWith('alert_')) {
    ctx.alert =
      event === 'alert_lock_wait'
        ? { waitMs: 5200, blockerPid: 4242, relation: 'public.orders', mode: 'AccessExclusiveLock', query: 'ALTER TABLE orders ...' }
        : event === 'alert_blocking_others'
          ? { blockedPids: [4243, 4244], relation: 'public.orders', longestWaitMs: 3100 }
          : event === 'alert_long_transaction'
            ? { transactionMs: 600_000, pid: 4242 }
            : event === 'alert_performance_regression'
              ? { query: 'SELECT ... FROM orders WHERE customer_id = $1', baselineMs: 1.2, currentMs: 9.8 }
              : { slo: 'migration-duration', target: '95% under 60s', current: '91%' };
  }
  return ctx;
}
