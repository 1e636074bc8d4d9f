import type { Handlers, StreamHandlers } from '../router';
import { getRun, planRun, runHistory, runMigrations, startRun, targetFor } from '../../engine';
import { openValidProject, type Project } from '../../project';
import { standardListeners } from '../../lifecycle';
import type { AppContext } from '../../context';

/** Hooks, review phases, approval gate, risk history and perf: the same listeners as the CLI. */
function listenersFor(ctx: AppContext, project: Project, connectionId: string) {
  const info = ctx.connections.info(connectionId);
  return standardListeners(project, ctx.connections.pool(connectionId), {
    connect: () => ctx.connections.client(connectionId),
    connectionLabel: info.label,
    appVersion: ctx.version,
  }).listeners;
}

type EngineProcedure =
  | 'runner/plan'
  | 'runner/dryRun'
  | 'runner/apply'
  | 'runner/start'
  | 'runner/step'
  | 'runner/continue'
  | 'runner/pause'
  | 'runner/abort'
  | 'runner/setBreakpoints'
  | 'runner/get'
  | 'runner/history';

const range = (i: { to?: string | undefined; steps?: number | undefined }) => ({ ...(i.to !== undefined ? { to: i.to } : {}), ...(i.steps !== undefined ? { steps: i.steps } : {}) });

export const engineHandlers: Pick<Handlers, EngineProcedure> = {
  'runner/plan': async (i, ctx) => planRun(openValidProject(i.dir), ctx.connections.pool(i.connectionId), { direction: i.direction, ...range(i) }),
  'runner/dryRun': async (i, ctx) => {
    const project = openValidProject(i.dir);
    return runMigrations(project, targetFor(ctx, i.connectionId), {
      kind: 'dry_run',
      listeners: listenersFor(ctx, project, i.connectionId),
      ...range(i),
      acceptDrift: i.acceptDrift === true,
      appVersion: ctx.version,
      publish: (s, t, e) => ctx.streams.publish(s, t, e),
    });
  },
  'runner/apply': async (i, ctx) => {
    const project = openValidProject(i.dir);
    return runMigrations(project, targetFor(ctx, i.connectionId), {
      kind: i.direction,
      listeners: listenersFor(ctx, project, i.connectionId),
      ...range(i),
      acceptDrift: i.acceptDrift === true,
      appVersion: ctx.version,
      ...(i.autoAbortAfterMs ? { monitor: { autoAbortAfterMs: i.autoAbortAfterMs } } : {}),
      publish: (s, t, e) => ctx.streams.publish(s, t, e),
    });
  },
  'runner/start': async (i, ctx) => {
    const project = openValidProject(i.dir);
    const run = await startRun(ctx, project, i.connectionId, {
      kind: i.mode,
      listeners: listenersFor(ctx, project, i.connectionId),
      ...range(i),
      stepping: i.stepping,
      acceptDrift: i.acceptDrift === true,
      ...(i.breakpoints ? { breakpoints: i.breakpoints } : {}),
      ...(i.autoAbortAfterMs ? { monitor: { autoAbortAfterMs: i.autoAbortAfterMs } } : {}),
    });
    return run.snapshot();
  },
  'runner/step': async ({ runId }, ctx) => {
    const run = getRun(ctx, runId);
    run.step();
    return run.snapshot();
  },
  'runner/continue': async ({ runId }, ctx) => {
    const run = getRun(ctx, runId);
    run.continue();
    return run.snapshot();
  },
  'runner/pause': async ({ runId }, ctx) => {
    const run = getRun(ctx, runId);
    run.pause();
    return run.snapshot();
  },
  'runner/abort': async ({ runId, reason }, ctx) => {
    const run = getRun(ctx, runId);
    await run.abort(reason);
    if (run.report === null) await run.done();
    return run.snapshot();
  },
  'runner/setBreakpoints': async ({ runId, breakpoints }, ctx) => {
    const run = getRun(ctx, runId);
    run.setBreakpoints(breakpoints);
    return run.snapshot();
  },
  'runner/get': async ({ runId }, ctx) => getRun(ctx, runId).snapshot(),
  'runner/history': async ({ dir, connectionId, limit }, ctx) => runHistory(ctx.connections.pool(connectionId), openValidProject(dir), limit),
};

export const engineStreamHandlers: Pick<StreamHandlers, 'runner/events' | 'locks/monitor'> = {
  'runner/events': ({ runId }, ctx, emit) => ctx.streams.subscribe('runner/events', runId, (e) => emit(e as never)),
  'locks/monitor': ({ runId }, ctx, emit) => ctx.streams.subscribe('locks/monitor', runId, (e) => emit(e as never)),
};
