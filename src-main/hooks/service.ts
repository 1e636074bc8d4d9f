/** What the CLI and the IPC handlers share: a runner for a project, a test fire, reports. */
import type pg from 'pg';
import type { HookExecutionsReport, PhaseResult } from '../../src-shared/domain/hooks';
import type { LifecycleEventName } from '../../src-shared/domain/lifecycle';
import { ConfitureError } from '../errors';
import type { Project } from '../project';
import { readApplied } from '../store';
import { criticalPath } from './critical-path';
import { createHookRunner, type HookRunner, type HookRunnerOptions } from './runner';
import { sampleContext } from './sample';
import { readExecutions, recentRuns } from './store';

export function runnerForProject(project: Project, pool: pg.Pool | null, extra: Partial<HookRunnerOptions> = {}): HookRunner {
  return createHookRunner({ config: project.config.hooks, projectDir: project.dir, trackingSchema: project.trackingSchema, pool, ...extra });
}

/** Fires a phase (or one hook of it) with a realistic sample context; really runs the hooks. */
export async function testHooks(
  project: Project,
  pool: pg.Pool,
  o: { phase: LifecycleEventName; hookId?: string; databaseLabel: string; onExecution?: HookRunnerOptions['onExecution'] },
): Promise<PhaseResult> {
  const hooks = project.config.hooks.hooks;
  if (o.hookId !== undefined) {
    const hook = hooks.find((h) => h.id === o.hookId);
    if (!hook) throw new ConfitureError('not_found', `No hook "${o.hookId}" in confiture.yaml (hooks: ${hooks.map((h) => h.id).join(', ') || 'none'})`, { field: 'hook' });
    if (!hook.on.includes(o.phase)) {
      throw new ConfitureError('invalid_input', `Hook "${o.hookId}" does not listen to ${o.phase}; it listens to ${hook.on.join(', ')}`, { field: 'phase' });
    }
    if (!hook.enabled) throw new ConfitureError('invalid_input', `Hook "${o.hookId}" is disabled (enabled: false)`, { field: 'hook' });
  }
  const v = await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const applied = (await readApplied(pool, project.trackingSchema, project.id).catch(() => [])).map((a) => a.version);
  const ctx = await sampleContext(o.phase, { project, database: { label: o.databaseLabel, serverVersionNum: Number(v.rows[0]?.v ?? 0) }, applied });
  const runner = runnerForProject(project, pool, o.onExecution ? { onExecution: o.onExecution } : {});
  return runner.fire(o.phase, ctx, o.hookId !== undefined ? { onlyHook: o.hookId } : {});
}

/** Executions of one run (default: the latest run with hook activity) and its critical path. */
export async function executionsReport(pool: pg.Pool, schema: string, runId?: string): Promise<HookExecutionsReport> {
  const runs = await recentRuns(pool, schema, 50);
  const id = runId ?? runs[0]?.runId ?? null;
  const executions = id ? await readExecutions(pool, schema, id) : [];
  return { runId: id, runs, executions, criticalPath: criticalPath(executions) };
}
