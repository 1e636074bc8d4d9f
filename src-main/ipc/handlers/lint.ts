import type { Handlers } from '../router';
import type { AppContext } from '../../context';
import { lintProject, listLibraries, listRules, projectRuleSet } from '../../lint';
import { openProject } from '../../project';
import { snapshotCatalog } from '../../catalog';
import { toLintCatalog } from '../../review';

type LintProcedure = 'lint/run' | 'lint/rules' | 'lint/config';

async function serverMajor(ctx: AppContext, connectionId: string): Promise<number> {
  const r = await ctx.connections.pool(connectionId).query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num']);
  return Math.floor(Number(r.rows[0]!.v) / 10000);
}

export const lintHandlers: Pick<Handlers, LintProcedure> = {
  'lint/run': async ({ dir, version, pgVersion, connectionId, approved }, ctx) => {
    const target =
      pgVersion !== undefined
        ? { value: pgVersion, source: 'cli' as const }
        : connectionId
          ? { value: await serverMajor(ctx, connectionId), source: 'server' as const }
          : undefined;
    // with a connection, the rules also know the live catalog: table sizes, column types, new tables
    const catalog = connectionId ? toLintCatalog(await snapshotCatalog(ctx.connections.pool(connectionId), { windowMs: 0 })) : undefined;
    const { project, ...report } = await lintProject(dir, {
      ...(target ? { pgVersion: target } : {}),
      ...(catalog ? { catalog } : {}),
      ...(version ? { version } : {}),
      ...(approved !== undefined ? { approved } : {}),
    });
    return { ...report, project: project.dir };
  },
  'lint/rules': async () => ({ rules: listRules(), libraries: listLibraries() }),
  'lint/config': async ({ dir, pgVersion }) => {
    const project = openProject(dir);
    return projectRuleSet(project.dir, pgVersion !== undefined ? { pgVersion: { value: pgVersion, source: 'cli' } } : {}).ruleSet.effective;
  },
};
