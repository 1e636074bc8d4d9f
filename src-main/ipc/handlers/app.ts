import type { Handlers, StreamHandlers } from '../router';
import { openProject, migrationSource } from '../../project';
import { migrationStatus } from '../../status';

type AppProcedure = 'app/info' | 'connection/open' | 'connection/list' | 'connection/close' | 'project/open' | 'project/status' | 'project/source' | 'demo/seed';

export const appHandlers: Pick<Handlers, AppProcedure> = {
  'app/info': async (_input, ctx) => ({
    version: ctx.version,
    mode: ctx.mode === 'electron' ? 'electron' : 'browser',
    dataDir: ctx.dataDir,
    demoProjectDir: ctx.demoProjectDir(),
    embedded: { state: ctx.embedded.state, port: ctx.embedded.port, error: ctx.embedded.lastError },
  }),
  'connection/open': async ({ target }, ctx) => ctx.connections.openTarget(target),
  'connection/list': async (_input, ctx) => ctx.connections.list(),
  'connection/close': async ({ connectionId }, ctx) => ({ closed: await ctx.connections.close(connectionId) }),
  'project/open': async ({ dir }) => {
    const { config: _config, migrationsDir: _dir, ...summary } = openProject(dir);
    return summary;
  },
  'project/status': async ({ dir, connectionId }, ctx) => {
    const project = openProject(dir);
    const { exists, migrations } = await migrationStatus(project, ctx.connections.pool(connectionId));
    return { project: project.dir, connection: ctx.connections.info(connectionId).label, trackingSchemaExists: exists, migrations };
  },
  'project/source': async ({ dir, version, maxBytes }) => migrationSource(openProject(dir), version, maxBytes),
  'demo/seed': async ({ connectionId, scale }, ctx) => {
    const { seedDemo } = await import('../../demo');
    return seedDemo(ctx, connectionId, scale ?? 1);
  },
};

export const appStreamHandlers: Pick<StreamHandlers, 'demo/seedProgress'> = {
  'demo/seedProgress': ({ connectionId }, ctx, emit) => ctx.streams.subscribe('demo/seedProgress', connectionId, (e) => emit(e as never)),
};
