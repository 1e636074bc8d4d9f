import type { Command } from 'commander';
import type { HookExecution, HookListing, PhaseResult } from '../../../src-shared/domain/hooks';
import { ALL_LIFECYCLE_EVENTS, type LifecycleEventName } from '../../../src-shared/domain/lifecycle';
import { EXIT } from '../../../src-shared/errors';
import { runnerForProject, testHooks } from '../../hooks';
import { openValidProject } from '../../project';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

const ms = (n: number) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);

/** One line per attempt, as shown in `hooks test` and `migrate`. */
export function formatExecution(e: HookExecution): string {
  const mark = e.outcome === 'success' ? 'ok  ' : e.outcome === 'skipped' ? 'skip' : 'FAIL';
  const attempt = e.attempt > 1 || !e.final ? ` attempt ${e.attempt}` : '';
  return `  hook ${mark} ${e.phase} ${e.hookId}${attempt} — ${e.outcome}, ${ms(e.durationMs)}${e.error ? `: ${e.error}` : ''}`;
}

function printListing(l: HookListing): void {
  if (l.hooks.length === 0) {
    process.stdout.write('No hooks configured (add them under `hooks:` in confiture.yaml; see docs/guides/hooks.md)\n');
    return;
  }
  const byId = new Map(l.hooks.map((h) => [h.id, h] as const));
  for (const p of l.phases) {
    process.stdout.write(`${p.phase}  (${p.strategy}${p.strategy === 'parallel' ? `, max ${p.maxConcurrency}` : ''}, phase timeout ${ms(p.timeoutMs)})\n`);
    for (const id of p.hooks) {
      const h = byId.get(id)!;
      const breaker = !l.breakersKnown
        ? 'breaker unknown'
        : h.breaker?.state === 'open'
          ? `breaker OPEN until ${h.breaker.retryAt}`
          : h.breaker?.state === 'half_open'
            ? 'breaker half-open (probing)'
            : `breaker closed${h.breaker && h.breaker.consecutiveFailures > 0 ? ` (${h.breaker.consecutiveFailures}/${h.breaker.failureThreshold} failures)` : ''}`;
      const deps = h.dependsOn.length ? `, after ${h.dependsOn.join(', ')}` : '';
      process.stdout.write(`  ${String(h.priority).padStart(4)}  ${h.id.padEnd(24)} ${h.kind.padEnd(7)} ${h.policy}${h.retries ? ` (${h.retries} retries)` : ''}, ${ms(h.timeoutMs)}${deps}, ${breaker}\n`);
      process.stdout.write(`        ${h.target}\n`);
    }
  }
  const disabled = l.hooks.filter((h) => !h.enabled);
  if (disabled.length) process.stdout.write(`disabled: ${disabled.map((h) => h.id).join(', ')}\n`);
}

function printResult(r: PhaseResult): void {
  if (r.executions.length === 0) process.stdout.write(`No hook listens to ${r.phase}\n`);
  for (const e of r.executions) {
    process.stdout.write(`${formatExecution(e)}\n`);
    if (e.outputExcerpt) process.stdout.write(e.outputExcerpt.split('\n').map((l) => `      ${l}`).join('\n') + '\n');
  }
  for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
  if (r.gate) process.stdout.write(r.gate.proceed ? `gate: open — the step would proceed\n` : `gate: CLOSED by ${r.gate.by} — ${r.gate.reason}\n`);
  else process.stdout.write(r.ok ? 'all hooks succeeded\n' : 'a hook with policy fail failed\n');
}

export function registerHooks(program: Command, setExit: (code: number) => void): void {
  const hooks = program.command('hooks').description('List and try the hooks of confiture.yaml');
  hooks
    .command('list')
    .description('Hooks per phase in start order, with their circuit breaker state')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--offline', 'do not connect: list without breaker states')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { project: string; db?: string; offline?: boolean; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const project = openValidProject(opts.project);
        if (opts.offline) {
          const listing = await runnerForProject(project, null).listing();
          if (format === 'json') printJson(listing);
          else printListing(listing);
          setExit(EXIT.ok);
          return;
        }
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const listing = await runnerForProject(project, session.pool).listing();
          if (format === 'json') printJson(listing);
          else printListing(listing);
          setExit(EXIT.ok);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
  hooks
    .command('test')
    .description('Fire the hooks of PHASE (or one hook) with a realistic sample context and show the results; hooks really run and are recorded')
    .argument('<phase>', `a phase or event: ${ALL_LIFECYCLE_EVENTS.join(', ')}`)
    .option('--hook <id>', 'fire only this hook')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (phase: string, opts: { hook?: string; project: string; db?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        if (!(ALL_LIFECYCLE_EVENTS as readonly string[]).includes(phase)) throw new UsageError(`unknown phase "${phase}"; valid phases and events: ${ALL_LIFECYCLE_EVENTS.join(', ')}`);
        const project = openValidProject(opts.project);
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const result = await testHooks(project, session.pool, { phase: phase as LifecycleEventName, ...(opts.hook ? { hookId: opts.hook } : {}), databaseLabel: session.connection.label });
          if (format === 'json') printJson(result);
          else printResult(result);
          setExit(result.ok ? EXIT.ok : EXIT.policy);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
