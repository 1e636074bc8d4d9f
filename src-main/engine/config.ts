import { z } from 'zod';

/** `5s`, `250ms`, `2min`, `1h` or a number of milliseconds. */
export const DurationSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(ms|s|min|h)$/, 'a duration such as 250ms, 5s, 2min or 1h')
    .transform((s) => {
      const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)$/.exec(s)!;
      const n = Number(m[1]);
      const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'min' | 'h'];
      return Math.round(n * unit);
    }),
]);

export const EngineConfigSchema = z
  .object({
    /** how long a statement may wait for a lock before giving up (ms) */
    lockTimeout: DurationSchema.default(5_000),
    /** how long one statement may run (ms); 0 disables */
    statementTimeout: DurationSchema.default(0),
    /** retries after a lock timeout, with exponential backoff */
    lockRetries: z.number().int().min(0).max(20).default(3),
    retryBackoff: DurationSchema.default(1_000),
  })
  .strict();
export type EngineConfig = z.infer<typeof EngineConfigSchema>;
