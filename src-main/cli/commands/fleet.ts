/**
 * `confiture rollout plan|start|status|pause|resume|abort --env prod` and `confiture worker`:
 * fleet rollouts in waves on the control database's job engine (src-main/fleet).
 */
import type { Command } from 'commander';
import { EXIT } from '../../../src-shared/errors';
import { createContext, type AppContext } from '../../context';
import {
  abortRollout,
  latestRollout,
  openFleet,
  pauseRollout,
  planRollout,
  reconcileRollout,
  resumeRollout,
  rolloutStatus,
  startRollout,
  startWorker,
  type Fleet,
  type RolloutPlan,
  type RolloutStatus,
} from '../../fleet';
import { openValidProject, type Project } from '../../project';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { notice } from '../terminal';

interface FleetOptions {
  project: string;
  env?: string;
  targets?: string;
  control?: string;
  rollout?: string;
  format: string;
  to?: string;
  wait?: boolean;
  workers?: string;
  overrideGate?: boolean;
  concurrency?: string;
}

function positive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new UsageError(`${flag} must be a whole number from 1 to 1000 (got "${v}")`);
  return Number(v);
}

function requireEnv(o: FleetOptions): string {
  if (!o.env) throw new UsageError('--env <name> is required (an environment of confiture.yaml)');
  return o.env;
}

async function withFleet<T>(o: FleetOptions, fn: (project: Project, fleet: Fleet, ctx: AppContext) => Promise<T>, supervise = false): Promise<T> {
  const project = openValidProject(o.project);
  const ctx = createContext({ mode: 'cli' });
  try {
    const fleet = await openFleet(project, ctx, { ...(o.control ? { control: o.control } : {}), supervise });
    try {
      return await fn(project, fleet, ctx);
    } finally {
      await fleet.close();
    }
  } finally {
    await ctx.close();
  }
}

async function rolloutId(o: FleetOptions, project: Project, fleet: Fleet): Promise<string> {
  if (o.rollout) {
    if (!/^[0-9a-f-]{36}$/i.test(o.rollout)) throw new UsageError(`--rollout must be a rollout id (a UUID) (got "${o.rollout.slice(0, 64)}")`);
    return o.rollout;
  }
  const env = requireEnv(o);
  const id = await latestRollout(fleet.ctl.pool, project.name, env);
  if (!id) throw new UsageError(`No rollout of ${project.name} in ${env} yet (confiture rollout start --env ${env})`);
  return id;
}

function printPlan(plan: RolloutPlan): void {
  const n = plan.waves.reduce((s, w) => s + w.targets.length, 0);
  process.stdout.write(`Rollout of ${plan.project} to ${plan.env}${plan.selector ? ` (${plan.selector})` : ''}: ${n} target(s), up to ${plan.targetVersion ?? '(no migration)'}\n`);
  for (const w of plan.waves) {
    const names = w.targets.map((t) => t.name);
    process.stdout.write(`  wave ${w.wave + 1} ${w.name.padEnd(8)} ${String(w.targets.length).padStart(4)} target(s), ${w.concurrency} at once: ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, … (${names.length - 8} more)` : ''}\n`);
  }
  const g = plan.config.gates;
  process.stdout.write(
    `  gates between waves: canary blocking ≤ ${g.canaryBlockingFactor}× prediction + ${g.canaryBlockingSlack} ms, ≤ ${g.sloViolations} SLO violation(s)${g.command ? `, command ${g.command.join(' ')}` : ''}${g.soak ? `, soak ${g.soak} ms` : ''}; stop after ${plan.config.errorBudget} failure(s)\n`,
  );
}

function planJson(plan: RolloutPlan) {
  return {
    project: plan.project,
    env: plan.env,
    selector: plan.selector,
    targetVersion: plan.targetVersion,
    versions: plan.versions.map((v) => v.version),
    config: plan.config,
    waves: plan.waves.map((w) => ({ wave: w.wave + 1, name: w.name, concurrency: w.concurrency, targets: w.targets.map((t) => ({ name: t.name, labels: t.labels, host: t.host, connection: t.label })) })),
  };
}

export function statusJson(s: RolloutStatus) {
  const r = s.rollout;
  return {
    rollout: { id: r.id, project: r.project, env: r.env, state: r.state, currentWave: r.current_wave + 1, failures: r.failures, stopReason: r.stop_reason, targetVersion: r.target_version, createdAt: r.created_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null },
    counts: s.counts,
    waves: s.waves.map((w) => ({ wave: w.wave + 1, name: w.name, size: w.size, concurrency: w.concurrency, state: w.state, counts: w.counts, startedAt: w.started_at?.toISOString() ?? null, finishedAt: w.finished_at?.toISOString() ?? null, gate: w.gate })),
    targets: s.targets.map((t) => ({
      name: t.name,
      wave: t.wave + 1,
      state: t.state,
      attempts: t.attempts,
      host: t.host,
      labels: t.labels,
      applied: t.applied,
      durationMs: t.duration_ms,
      predictedBlockingMs: t.predicted_blocking_ms,
      measuredBlockingMs: t.measured_blocking_ms,
      sloViolations: t.slo_violations,
      error: t.error,
    })),
  };
}

function printStatus(s: RolloutStatus): void {
  const r = s.rollout;
  const c = s.counts;
  process.stdout.write(`Rollout ${r.id} of ${r.project} to ${r.env}: ${r.state.toUpperCase()} — ${c.applied ?? 0} applied, ${c.failed ?? 0} failed, ${(c.running ?? 0) + (c.queued ?? 0)} in progress, ${c.pending ?? 0} pending${c.skipped ? `, ${c.skipped} skipped` : ''} of ${s.targets.length}\n`);
  if (r.stop_reason) process.stdout.write(`  stopped: ${r.stop_reason}\n`);
  for (const w of s.waves) {
    const counts = Object.entries(w.counts).map(([k, v]) => `${v} ${k}`).join(', ');
    process.stdout.write(`  wave ${w.wave + 1} ${w.name.padEnd(8)} ${w.state.padEnd(8)} ${counts}\n`);
    for (const g of w.gate?.checks ?? []) process.stdout.write(`      gate ${g.ok ? 'ok  ' : 'FAIL'} ${g.detail}\n`);
  }
  for (const t of s.targets.filter((x) => x.state === 'failed')) process.stdout.write(`  failed ${t.name}: ${t.error?.code}: ${t.error?.message}\n`);
}

const FINAL = new Set(['completed', 'stopped', 'aborted', 'paused']);

async function watch(fleet: Fleet, id: string, format: string): Promise<RolloutStatus> {
  let last = '';
  for (;;) {
    await reconcileRollout(fleet.ctl, id);
    const s = await rolloutStatus(fleet.ctl.pool, id);
    const line = `${s.rollout.state} wave ${Math.min(s.rollout.current_wave + 1, s.waves.length)}/${s.waves.length}: ${s.counts.applied ?? 0}/${s.targets.length} applied${s.counts.failed ? `, ${s.counts.failed} failed` : ''}`;
    if (line !== last && format === 'text') notice(line);
    last = line;
    if (FINAL.has(s.rollout.state)) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** 0 while the rollout goes on or completed; 4 when it stopped short (a failed target, or aborted). */
export function exitFor(s: RolloutStatus): number {
  return s.rollout.state === 'completed' || s.rollout.state === 'running' || s.rollout.state === 'paused' ? EXIT.ok : 4;
}

export function registerFleet(program: Command, setExit: (code: number) => void): void {
  const rollout = program.command('rollout').description('Apply pending migrations to every target of an environment, in waves with gates (fleet)');
  const common = (c: Command) =>
    c
      .option('-p, --project <dir>', 'project folder', '.')
      .option('--env <name>', 'environment of confiture.yaml')
      .option('--control <url>', 'control database (default: fleet.control, else the embedded server)')
      .option('--format <format>', 'text or json', 'text');
  const act = (fn: (o: FleetOptions, format: string) => Promise<number>) => async (o: FleetOptions) => {
    let format = 'text';
    try {
      format = parseFormat(o.format);
      setExit(await fn(o, format));
    } catch (e) {
      setExit(reportError(e, format));
    }
  };

  common(rollout.command('plan').description('Show the waves and targets a rollout would use, without starting it'))
    .option('--targets <selector>', 'only targets whose labels match, e.g. tier=gold,region=eu')
    .option('--to <version>', 'apply up to this version (default: the last)')
    .action(
      act(async (o, format) => {
        const env = requireEnv(o);
        return withFleet(o, async (project, fleet) => {
          const plan = await planRollout(project, { env, ...(o.targets ? { select: o.targets } : {}), ...(o.to ? { to: o.to } : {}), openEmbedded: fleet.openEmbedded });
          if (format === 'json') printJson(planJson(plan));
          else printPlan(plan);
          return EXIT.ok;
        });
      }),
    );

  common(rollout.command('start').description('Start a rollout; `confiture worker` processes apply it (or --workers N here)'))
    .option('--targets <selector>', 'only targets whose labels match, e.g. tier=gold')
    .option('--to <version>', 'apply up to this version (default: the last)')
    .option('--wait', 'watch until the rollout completes, stops or is paused')
    .option('--workers <n>', 'also run N worker slots in this process (implies --wait)')
    .action(
      act(async (o, format) => {
        const env = requireEnv(o);
        const workers = positive(o.workers, '--workers');
        return withFleet(
          o,
          async (project, fleet, ctx) => {
            const plan = await planRollout(project, { env, ...(o.targets ? { select: o.targets } : {}), ...(o.to ? { to: o.to } : {}), openEmbedded: fleet.openEmbedded });
            const worker = workers ? await startWorker({ ctl: fleet.ctl, project, ctx, concurrency: workers, pollingIntervalSeconds: 0.5 }) : null;
            try {
              const id = await startRollout(fleet.ctl, plan);
              if (format === 'text') {
                printPlan(plan);
                process.stdout.write(`started rollout ${id} (control: ${fleet.controlLabel})\n`);
              }
              if (!o.wait && !worker) {
                if (format === 'json') printJson({ rolloutId: id, plan: planJson(plan) });
                else process.stdout.write(`run workers with: confiture worker -p ${o.project} (watch: confiture rollout status --env ${env})\n`);
                return EXIT.ok;
              }
              const s = await watch(fleet, id, format);
              if (format === 'json') printJson(statusJson(s));
              else printStatus(s);
              return exitFor(s);
            } finally {
              await worker?.stop();
            }
          },
          workers !== undefined,
        );
      }),
    );

  common(rollout.command('status').description('Waves, gates and per-target state of the newest rollout of --env (or --rollout ID)'))
    .option('--rollout <id>', 'a rollout id')
    .option('--wait', 'watch until it completes, stops or is paused')
    .action(
      act(async (o, format) =>
        withFleet(o, async (project, fleet) => {
          const id = await rolloutId(o, project, fleet);
          if (!o.wait) await reconcileRollout(fleet.ctl, id);
          const s = o.wait ? await watch(fleet, id, format) : await rolloutStatus(fleet.ctl.pool, id);
          if (format === 'json') printJson(statusJson(s));
          else printStatus(s);
          return EXIT.ok;
        }),
      ),
    );

  const simple = (name: 'pause' | 'resume' | 'abort', description: string) => {
    const c = common(rollout.command(name).description(description)).option('--rollout <id>', 'a rollout id');
    if (name === 'resume') c.option('--override-gate', 'let the current wave pass although its gate failed (recorded in the wave)');
    c.action(
      act(async (o, format) =>
        withFleet(o, async (project, fleet) => {
          const id = await rolloutId(o, project, fleet);
          if (name === 'pause') await pauseRollout(fleet.ctl, id);
          else if (name === 'resume') await resumeRollout(fleet.ctl, id, { overrideGate: o.overrideGate === true });
          else await abortRollout(fleet.ctl, id);
          const s = await rolloutStatus(fleet.ctl.pool, id);
          if (format === 'json') printJson(statusJson(s));
          else printStatus(s);
          return EXIT.ok;
        }),
      ),
    );
  };
  simple('pause', 'Pause: running targets finish, no new target starts');
  simple('resume', 'Resume a paused or stopped rollout where it stopped (failed targets of the wave are retried)');
  simple('abort', 'Abort: no further target starts; targets not started are skipped');

  program
    .command('worker')
    .description('Pull per-target rollout jobs of a project from the control database and apply them')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--control <url>', 'control database (default: fleet.control, else the embedded server)')
    .option('--concurrency <n>', 'targets this process migrates at once', '2')
    .option('--format <format>', 'text or json', 'text')
    .action(
      act(async (o) => {
        const concurrency = positive(o.concurrency, '--concurrency')!;
        return withFleet(
          o,
          async (project, fleet, ctx) => {
            const w = await startWorker({ ctl: fleet.ctl, project, ctx, concurrency, pollingIntervalSeconds: 0.5, onTarget: (e) => notice(`${e.state} ${e.target} (rollout ${e.rolloutId.slice(0, 8)}, attempt ${e.attempt})`) });
            process.stderr.write(`worker ${w.id}: ${concurrency} slot(s) on ${fleet.controlLabel}, project ${project.name}; Ctrl-C to stop\n`);
            await new Promise<void>((resolve) => {
              process.once('SIGINT', () => resolve());
              process.once('SIGTERM', () => resolve());
            });
            await w.stop();
            return EXIT.ok;
          },
          true,
        );
      }),
    );
}
