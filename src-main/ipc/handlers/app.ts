import type { Handlers, StreamHandlers } from '../router';
import { findMigration, openProject, migrationSource } from '../../project';
import { migrationStatus } from '../../status';
import { saveMigrationSql } from '../../project/edit';

type AppProcedure = 'app/info' | 'connection/open' | 'connection/list' | 'connection/close' | 'project/open' | 'project/status' | 'project/source' | 'project/save' | 'demo/seed';

export const appHandlers: Pick<Handlers, AppProcedure> = {
  'app/info': async (_input, ctx) => ({
    version: ctx.version,
    mode: ctx.mode === 'electron' ? 'electron' : 'browser',
    dataDir: ctx.dataDir,
    demoProjectDir: ctx.demoProjectDir(),
    embedded: { state: ctx.embedded.checkAlive(), port: ctx.embedded.port, error: ctx.embedded.lastError },
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
  'project/save': async ({ dir, version, sql, expectedChecksum, connectionId, confirmApplied }, ctx) => {
    const project = openProject(dir);
    // the state in the database decides whether the edit needs an explicit confirmation
    const target = findMigration(project, version);
    let state = null;
    if (connectionId) {
      const { migrations } = await migrationStatus(project, ctx.connections.pool(connectionId));
      state = migrations.find((m) => m.version === target.version)?.state ?? null;
    }
    return saveMigrationSql(project, { version, sql, expectedChecksum, ...(confirmApplied !== undefined ? { confirmApplied } : {}) }, state);
  },
  'demo/seed': async ({ connectionId, scale }, ctx) => {
    const { seedDemo } = await import('../../demo');
    return seedDemo(ctx, connectionId, scale ?? 1);
  },
};

export const appStreamHandlers: Pick<StreamHandlers, 'demo/seedProgress'> = {
  'demo/seedProgress': ({ connectionId }, ctx, emit) => ctx.streams.subscribe('demo/seedProgress', connectionId, (e) => emit(e as never)),
};
