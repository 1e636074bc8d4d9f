import type { Command } from 'commander';
import { openValidProject } from '../../project';
import { migrationStatus } from '../../status';
import { blockedOthersText } from '../../../src-shared/format';
import { parseFormat, partialText, printJson, reportError } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

export function registerStatus(program: Command, setExit: (code: number) => void): void {
  program
    .command('status')
    .description('List migrations with their state: applied, pending, changed (checksum differs) or missing (applied, file gone)')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { project: string; db?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const project = openValidProject(opts.project);
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const { migrations } = await migrationStatus(project, session.pool);
          if (format === 'json') {
            printJson({
              project: project.dir,
              projectId: project.id,
              connection: session.connection.label,
              migrations: migrations.map((m) => ({
                version: m.version,
                name: m.name,
                state: m.state,
                checksum: m.checksum,
                appliedAt: m.appliedAt,
                appliedBy: m.appliedBy,
                ...(m.partial ? { partial: m.partial } : {}),
                ...(m.blockedOthers ? { blockedOthers: m.blockedOthers } : {}),
              })),
            });
          } else {
            process.stdout.write(`${project.name} (project id ${project.id}) on ${session.connection.label}\n`);
            for (const m of migrations) process.stdout.write(`  ${m.state.padEnd(8)} ${m.version}  ${m.name}${partialText(m)}${m.blockedOthers ? `  (${blockedOthersText(m.blockedOthers)})` : ''}\n`);
            const counts = migrations.reduce<Record<string, number>>((acc, m) => ((acc[m.state] = (acc[m.state] ?? 0) + 1), acc), {});
            process.stdout.write(`${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'no migrations'}\n`);
          }
          setExit(0);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
