import { z } from 'zod';
import { procedure } from './define';
import type { FleetOverview, FleetRolloutStatus } from '../domain/fleet';

const dir = z.string().min(1).max(4096);
const rolloutId = z.string().uuid('a rollout id (a UUID)');
const env = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'an environment name of confiture.yaml');

export const fleetProcedures = {
  /** the project's environments and their targets, the rollouts in its control database (newest first) */
  'fleet/overview': procedure<FleetOverview>()(z.object({ dir }).strict()),
  /** one rollout: waves, gates, per-target state, the canary's predicted vs measured blocking time */
  'fleet/status': procedure<FleetRolloutStatus>()(z.object({ dir, rolloutId }).strict()),
  /**
   * starts a rollout of the project's pending migrations to `env` (like `confiture rollout start`);
   * `workers` also runs that many worker slots inside the app (until it closes)
   */
  'fleet/start': procedure<{ rolloutId: string }>()(
    z
      .object({
        dir,
        env,
        targets: z.string().min(1).max(500).optional(),
        workers: z.number().int().min(0).max(16).optional(),
      })
      .strict(),
  ),
  /** pause, resume (optionally accepting a failed gate) or abort, like the CLI */
  /**
   * sets how many worker slots run inside the app: 0 stops them (in-flight targets finish first;
   * the job engine keeps the rest for `confiture worker` processes), n > 0 (re)starts n slots
   */
  'fleet/workers': procedure<{ appWorkers: number }>()(z.object({ dir, slots: z.number().int().min(0).max(16) }).strict()),
  'fleet/control': procedure<FleetRolloutStatus>()(
    z.object({ dir, rolloutId, action: z.enum(['pause', 'resume', 'abort']), overrideGate: z.boolean().optional() }).strict(),
  ),
} as const;
