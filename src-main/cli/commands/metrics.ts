import type { Command } from 'commander';
import { EXIT } from '../../../src-shared/errors';
import { appVersion } from '../../context';
import { collectMetrics, renderPrometheus } from '../../metrics';
import { openValidProject } from '../../project';
import { parseFormat, printJson, reportError, writeOut } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';

export function registerMetrics(program: Command, setExit: (code: number) => void): void {
  program
    .command('metrics')
    .description('Print Prometheus metrics of the project from its tracking schema: runs, durations, lock retries, hooks, SLO budgets and burn rates')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--format <format>', 'prometheus, openmetrics or json', 'prometheus')
    .action(async (opts: { project: string; db?: string; format: string }) => {
      let format = 'prometheus';
      try {
        format = parseFormat(opts.format, ['prometheus', 'openmetrics', 'json']);
        const project = openValidProject(opts.project);
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        try {
          const families = await collectMetrics(session.pool, project, { version: appVersion() });
          if (format === 'json') printJson({ project: project.name, connection: session.connection.label, metrics: families });
          else await writeOut(renderPrometheus(families, format === 'openmetrics' ? 'openmetrics' : 'prometheus'));
          setExit(EXIT.ok);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
