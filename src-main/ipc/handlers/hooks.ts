import type { Handlers } from '../router';
import { executionsReport, runnerForProject, testHooks } from '../../hooks';
import { openProject } from '../../project';

type HooksProcedure = 'hooks/list' | 'hooks/test' | 'hooks/executions' | 'hooks/breakers';

export const hooksHandlers: Pick<Handlers, HooksProcedure> = {
  'hooks/list': async ({ dir, connectionId }, ctx) => {
    const project = openProject(dir);
    return runnerForProject(project, connectionId ? ctx.connections.pool(connectionId) : null).listing();
  },
  'hooks/test': async ({ dir, connectionId, phase, hookId }, ctx) => {
    const project = openProject(dir);
    return testHooks(project, ctx.connections.pool(connectionId), { phase, ...(hookId ? { hookId } : {}), databaseLabel: ctx.connections.info(connectionId).label });
  },
  'hooks/executions': async ({ dir, connectionId, runId }, ctx) => {
    const project = openProject(dir);
    return executionsReport(ctx.connections.pool(connectionId), project.trackingSchema, runId);
  },
  'hooks/breakers': async ({ dir, connectionId }, ctx) => {
    const project = openProject(dir);
    return runnerForProject(project, ctx.connections.pool(connectionId)).breakerStates();
  },
};
