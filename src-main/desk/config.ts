import { z } from 'zod';

/**
 * The `desk:` section of confiture.yaml: what the app's screens may do beyond reading.
 * `blockers.allow` gates "cancel / terminate the blocker" from the lock monitor and a failed run:
 * `none` (default) shows the blocker only, `cancel` allows pg_cancel_backend, `terminate` allows
 * pg_cancel_backend and pg_terminate_backend.
 */
export const DeskConfigSchema = z
  .object({
    blockers: z
      .object({ allow: z.enum(['none', 'cancel', 'terminate']).default('none') })
      .strict()
      .default({ allow: 'none' }),
  })
  .strict();
export type DeskConfig = z.infer<typeof DeskConfigSchema>;
