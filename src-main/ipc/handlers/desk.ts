import type { Handlers } from '../router';
import { openProject } from '../../project';
import { sloSeries } from '../../slo/series';
import { actOnBlocker, checkEmbedded, describeBlocker, getSession, psqlAccess, readInterventions, setSession } from '../../desk';

type DeskProcedure = 'session/get' | 'session/set' | 'embedded/psql' | 'embedded/check' | 'blocker/describe' | 'blocker/act' | 'blocker/log' | 'slo/series';

export const deskHandlers: Pick<Handlers, DeskProcedure> = {
  'session/get': async (_input, ctx) => getSession(ctx),
  'session/set': async (input, ctx) => setSession(ctx, input),
  'embedded/psql': async ({ database }, ctx) => {
    await checkEmbedded(ctx);
    return psqlAccess(ctx, database);
  },
  'embedded/check': async (_input, ctx) => checkEmbedded(ctx),
  'blocker/describe': async ({ dir, connectionId, pid }, ctx) => ({ blocker: await describeBlocker(ctx, connectionId, pid), allow: openProject(dir).config.desk.blockers.allow }),
  'blocker/act': async ({ dir, ...input }, ctx) => actOnBlocker(ctx, openProject(dir), input),
  'blocker/log': async ({ dir }) => readInterventions(openProject(dir).dir),
  'slo/series': async ({ dir, connectionId, window }, ctx) => sloSeries(ctx.connections.pool(connectionId), openProject(dir), window !== undefined ? { window } : {}),
};
