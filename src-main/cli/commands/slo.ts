import type { Command } from 'commander';
import { EXIT } from '../../../src-shared/errors';
import { objectiveLabel, formatBudgetSpent, formatMs as ms, formatShare as pct, type SloReport } from '../../../src-shared/domain/slo';
import { openProject } from '../../project';
import { parseSpan, sloReport } from '../../slo';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

const rate = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)}×`);


function printText(label: string, projectName: string, r: SloReport): void {
  process.stdout.write(`SLOs of ${projectName} on ${label}${r.windowOverride ? ` (window ${r.windowOverride})` : ''}\n`);
  if (r.objectives.length === 0) process.stdout.write('  no objectives configured (slo.objectives is empty)\n');
  for (const o of r.objectives) {
    process.stdout.write(`\n  ${o.status.toUpperCase().padEnd(9)} ${o.id}: ${pct(o.objective)} of ${objectiveLabel(o)} over ${o.window}\n`);
    if (o.status === 'no_data') {
      process.stdout.write(`            no event in the window\n`);
      continue;
    }
    process.stdout.write(`            ${o.good}/${o.total} good = ${pct(o.sliValue)} · budget ${o.allowedBad.toFixed(2)} bad allowed, ${o.bad} spent (${formatBudgetSpent(o.budgetConsumed)})${o.budgetConsumed !== null && o.budgetConsumed <= 1 ? `, ${pct(o.budgetRemaining)} left` : ''}\n`);
    process.stdout.write(`            burn rate ${rate(o.burnRate.short)} over ${o.burnRate.shortWindow} (${o.burnRate.shortBad}/${o.burnRate.shortTotal} bad), ${rate(o.burnRate.long)} over ${o.window}${o.burnRate.fastBurn ? `  FAST BURN (> ${o.burnRate.fastBurnRate})` : ''}\n`);
    process.stdout.write(`            ${o.reason}\n`);
    for (const v of o.violations) {
      const what = [v.version ? `${v.version}${v.direction ? ` ${v.direction}` : ''}` : null, v.statementIndex !== null ? `statement ${v.statementIndex + 1}${v.line ? ` (line ${v.line}${v.statementKind ? `, ${v.statementKind}` : ''})` : ''}` : null, v.durationMs !== null ? ms(v.durationMs) : null, v.attempts !== null && v.attempts > 1 ? `${v.attempts} attempts` : null]
        .filter(Boolean)
        .join(' · ');
      process.stdout.write(`              - ${v.at}  run ${v.runId.slice(0, 8)} (${v.runKind})  ${what}${v.detail ? `  ${v.detail.split('\n')[0]!.slice(0, 160)}` : ''}\n`);
    }
    if (o.violationsTruncated) process.stdout.write(`              … ${o.bad - o.violations.length} more\n`);
  }
  const s = r.summary;
  process.stdout.write(`\n${s.ok} ok, ${s.at_risk} at risk, ${s.violated} violated, ${s.no_data} without data\n`);
}

export function registerSlo(program: Command, setExit: (code: number) => void): void {
  const slo = program.command('slo').description('Service level objectives over the run history: budgets, burn rates, violations');
  slo
    .command('report')
    .description('Evaluate every objective of confiture.yaml `slo:` (defaults: 99 % of runs succeed, 95 % of migrations under 60 s, 99 % of statements under 10 s); exit 1 when one is violated')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--window <span>', "evaluate every objective over this window instead of its own (e.g. 7d, 24h)")
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { project: string; db?: string; window?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        if (opts.window !== undefined) {
          const w = parseSpan(opts.window);
          if (w === null || w < 3_600_000 || w > 400 * 86_400_000) throw new UsageError(`--window must be a span such as 30d, 7d or 24h, between 1h and 400d (got "${opts.window}")`);
        }
        const project = openProject(opts.project);
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const report = await sloReport(session.pool, project, opts.window !== undefined ? { window: opts.window } : {});
          if (format === 'json') printJson(report);
          else printText(session.connection.label, project.name, report);
          setExit(report.summary.violated > 0 ? EXIT.policy : EXIT.ok);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
