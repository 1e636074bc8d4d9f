import type { Handlers } from '../router';
import { fleetControl, fleetOverview, fleetStart, fleetStatus, fleetWorkers } from '../../fleet';

type FleetProcedure = 'fleet/overview' | 'fleet/status' | 'fleet/start' | 'fleet/workers' | 'fleet/control';

export const fleetHandlers: Pick<Handlers, FleetProcedure> = {
  'fleet/overview': async ({ dir }, ctx) => fleetOverview(ctx, dir),
  'fleet/status': async ({ dir, rolloutId }, ctx) => fleetStatus(ctx, dir, rolloutId),
  'fleet/start': async ({ dir, env, targets, workers }, ctx) => fleetStart(ctx, dir, { env, ...(targets ? { targets } : {}), ...(workers !== undefined ? { workers } : {}) }),
  'fleet/workers': async ({ dir, slots }, ctx) => fleetWorkers(ctx, dir, slots),
  'fleet/control': async ({ dir, rolloutId, action, overrideGate }, ctx) => fleetControl(ctx, dir, rolloutId, action, overrideGate === true),
};
