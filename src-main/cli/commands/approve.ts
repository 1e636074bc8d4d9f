import type { Command } from 'commander';
import { approvalState, decide, verifyAuditLog } from '../../approval';
import { findMigration, openValidProject } from '../../project';
import { reviewProject } from '../../review';
import { parseFormat, printJson, reportError } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

export function registerApprove(program: Command, setExit: (code: number) => void): void {
  program
    .command('approve')
    .argument('<version>', 'the migration to approve or reject')
    .description('Approve (or --reject) a migration; bound to its checksum and to the risk report computed now, recorded in approvals/')
    .requiredOption('--by <name>', 'who decides')
    .option('--comment <text>', 'why', '')
    .option('--reject', 'record a rejection instead of an approval')
    .option('--offline', 'do not connect: assess without a catalog (wider intervals)')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (version: string, opts: { by: string; comment: string; reject?: boolean; offline?: boolean; project: string; db?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const project = openValidProject(opts.project);
        const m = findMigration(project, version);
        let report;
        if (opts.offline) report = await reviewProject(project, null, { versions: [m.version] });
        else {
          const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
          try {
            report = await reviewProject(project, session.pool, { versions: [m.version] });
          } finally {
            await session.close();
          }
        }
        const risk = report.migrations[0]!;
        const record = decide(project, { version: m.version, decision: opts.reject ? 'rejected' : 'approved', by: opts.by, comment: opts.comment, risk });
        const state = approvalState(project, m.version, risk);
        const audit = verifyAuditLog(project.dir);
        if (format === 'json') printJson({ version: m.version, record, state: state.state, audit: { ok: audit.ok, entries: audit.entries } });
        else process.stdout.write(`${record.decision} ${m.version} ${m.name} at risk ${risk.level} (${risk.score}) by ${record.by}\naudit log: ${audit.entries} entries, chain ${audit.ok ? 'intact' : 'BROKEN'}\n`);
        setExit(0);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
