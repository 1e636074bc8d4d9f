/**
 * Fleet: targets and environments, rollouts in waves on pg-boss, workers; drift and baseline.
 *
 *   const fleet = await openFleet(project, ctx);           // control database + job engine
 *   const plan = await planRollout(project, { env: 'prod', openEmbedded: fleet.openEmbedded });
 *   const id = await startRollout(fleet.ctl, plan);
 *   const worker = await startWorker({ ctl: fleet.ctl, project, ctx });
 */
import type { AppContext } from '../context';
import type { Project } from '../project';
import { openControl, type Control } from './rollout';
import { connectionOf, interpolateEnv } from './targets';

export * from './rollout';
export { startWorker } from './worker';
export { fleetOverview, fleetStatus, fleetStart, fleetWorkers, fleetControl, closeFleetSessions, statusView } from './gui';
export type { WorkerOptions, RunningWorker } from './worker';
export { resolveEnvironment, rolloutConfigFor, parseSelector, matchesSelector, interpolateEnv } from './targets';
export type { FleetTarget } from './targets';
export { fleetConfigSections } from './config';
export type { RolloutConfig } from './config';
export { CONTROL_SCHEMA, JOBS_SCHEMA } from './control';
export type { RolloutRow, WaveRow, TargetRow, GateResult, GateCheck } from './control';

export interface Fleet {
  ctl: Control;
  /** safe to show */
  controlLabel: string;
  /** the URL of a database of the embedded server (created when missing) */
  openEmbedded(database: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenFleetOptions {
  /** overrides `fleet.control` (`embedded`, `embedded:<db>` or a URL) */
  control?: string;
  supervise?: boolean;
}

/** The control database of a project (`fleet.control`; the embedded server's `confiture_fleet` by default). */
export async function openFleet(project: Project, ctx: AppContext, opts: OpenFleetOptions = {}): Promise<Fleet> {
  const text = opts.control ?? project.config.fleet.control;
  const field = opts.control ? '--control' : 'fleet.control';
  const where = connectionOf(interpolateEnv(text === 'embedded' ? 'embedded:confiture_fleet' : text, field), field);
  const { resolved } = await ctx.connections.resolve(where.connection);
  const ctl = await openControl({
    config: { ...resolved.config },
    projectName: project.name,
    jobTimeoutMs: project.config.fleet.jobTimeout,
    jobRetries: project.config.fleet.jobRetries,
    supervise: opts.supervise === true,
  });
  return {
    ctl,
    controlLabel: where.label,
    async openEmbedded(database: string) {
      const r = await ctx.connections.resolve({ kind: 'embedded', database });
      const c = r.resolved.config;
      const u = new URL('postgres://localhost');
      u.hostname = String(c.host ?? '127.0.0.1');
      u.port = String(c.port ?? 5432);
      u.username = encodeURIComponent(String(c.user ?? 'postgres'));
      if (typeof c.password === 'string') u.password = encodeURIComponent(c.password);
      u.pathname = `/${database}`;
      return u.toString();
    },
    close: () => ctl.close(),
  };
}
