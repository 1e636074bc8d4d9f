import type { Command } from 'commander';
import { EXIT } from '../../../src-shared/errors';
import type { MigrationRisk, TrafficBasis } from '../../../src-shared/domain/risk';
import { approvalContextFor, approvalState, type ApprovalContext } from '../../approval';
import { formatScore } from '../../../src-shared/format';
import { openValidProject, type Project } from '../../project';
import { fmtMs, levelRank } from '../../risk';
import { reviewProject } from '../../review';
import { riskMarkdown, type MigrationApproval } from '../markdown';
import { parseFormat, printJson, reportError, UsageError, writeOut } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

/** Whether the project requires a sign-off for this migration now, and whether one is recorded. */
export function approvalOf(project: Project, m: MigrationRisk, actx: ApprovalContext = {}): MigrationApproval {
  const threshold = project.config.risk.requireApprovalAbove;
  const state = approvalState(project, m.version, m, actx);
  return { required: threshold !== null && levelRank(m.level) > levelRank(threshold), state: state.state, reason: state.reason };
}

export function migrationJson(m: MigrationRisk, approval?: MigrationApproval) {
  return {
    version: m.version,
    name: m.name,
    score: m.score,
    level: m.level,
    interval: m.interval,
    blockingWindowMs: { estimate: m.blockingWindowMs.estimate, low: m.blockingWindowMs.low, high: m.blockingWindowMs.high },
    factors: m.factors.map((f) => ({ name: f.name, value: f.value, weight: f.weight, contribution: f.contribution, low: f.low, high: f.high, explanation: f.explanation })),
    statements: m.statements.map((s) => ({
      index: s.index,
      line: s.line,
      kind: s.kind,
      score: s.score,
      level: s.level,
      locks: s.locks.filter((l) => l.existing).map((l) => ({ relation: l.relation, mode: l.mode })),
      rewrites: s.rewrites,
      scans: s.scans,
      blocks: s.blocks,
      durationMs: s.durationMs,
      blockingWindowMs: s.blockingWindowMs,
      safeAlternative: s.safeAlternative,
    })),
    floors: m.floors,
    inputs: m.inputs,
    checksum: m.checksum,
    hash: m.hash,
    ...(approval ? { approval } : {}),
  };
}

/** Which interval the table rates cover (or why none was measured). */
export function trafficLine(t: TrafficBasis): string {
  if (t.measured) return `traffic: rates over ${fmtMs(t.windowMs)} (${t.from ?? '?'} → ${t.to ?? '?'})${t.used ? '' : ', read by no verdict'}`;
  return t.used ? 'traffic: not measured (risk.snapshotWindow 0): the traffic factor is unknown' : 'traffic: not measured: no pending migration blocks or locks a table that exists now';
}

export function registerRisk(program: Command, setExit: (code: number) => void): void {
  program
    .command('risk')
    .description('Score the risk of pending migrations against the live catalog: factors, score interval and predicted blocking window')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--to <version>', 'only pending migrations up to this version')
    .option('--only <versions>', 'only these pending migrations (comma-separated versions, e.g. the ones a pull request changes)')
    .option('--format <format>', 'text, json or markdown', 'text')
    .action(async (opts: { project: string; db?: string; to?: string; only?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format, ['text', 'json', 'markdown']);
        const only = opts.only?.split(',').map((v) => v.trim()).filter(Boolean);
        if (only && only.length === 0) throw new UsageError('--only needs at least one version, e.g. --only 0007,0008');
        const project = openValidProject(opts.project);
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const report = await reviewProject(project, session.pool, { ...(opts.to ? { to: opts.to } : {}), ...(only ? { versions: only } : {}) });
          const actx = await approvalContextFor(project, session.pool);
          const withApproval = report.migrations.map((m) => ({ ...m, approval: approvalOf(project, m, actx) }));
          if (format === 'markdown') {
            await writeOut(riskMarkdown({ connection: session.connection.label, pgVersion: report.pgVersion, maxRisk: report.maxRisk, exceeded: report.exceeded, requireApprovalAbove: project.config.risk.requireApprovalAbove, migrations: withApproval }));
          } else if (format === 'json') {
            printJson({
              project: project.dir,
              connection: session.connection.label,
              pgVersion: report.pgVersion,
              maxRisk: report.maxRisk,
              exceeded: report.exceeded,
              calibration: report.calibration,
              throughput: report.throughput.source,
              traffic: report.traffic ?? null,
              migrations: withApproval.map((m) => migrationJson(m, m.approval)),
            });
          } else {
            process.stdout.write(`${project.name} on ${session.connection.label} (PostgreSQL ${report.pgVersion})\n`);
            if (report.migrations.length === 0) process.stdout.write('no pending migrations\n');
            for (const m of report.migrations) {
              const w = m.blockingWindowMs;
              process.stdout.write(`${m.level.toUpperCase().padEnd(8)} ${formatScore(m.score).padStart(5)} [${m.interval[0]}–${m.interval[1]}]  ${m.version} ${m.name}  blocks others ~${fmtMs(w.estimate)} (90 %: ${fmtMs(w.low)}–${fmtMs(w.high)})\n`);
              for (const f of [...m.factors].sort((a, b) => b.contribution - a.contribution).filter((f) => f.contribution > 0 || f.high > f.value)) {
                process.stdout.write(`    ${f.name.padEnd(16)} ${f.contribution.toFixed(1).padStart(5)}  ${f.explanation}\n`);
              }
              for (const fl of m.floors) process.stdout.write(`    floor: ${fl}\n`);
            }
            if (report.traffic) process.stdout.write(`${trafficLine(report.traffic)}\n`);
            if (report.calibration?.samples) process.stdout.write(`calibration: ${report.calibration.inside}/${report.calibration.samples} actual durations inside the 90 % interval\n`);
          }
          if (report.exceeded.length) {
            process.stderr.write(`confiture: risk above maxRisk ${report.maxRisk}: ${report.exceeded.join(', ')}\n`);
            setExit(EXIT.policy);
          } else setExit(EXIT.ok);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
