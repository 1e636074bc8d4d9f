import { z } from 'zod';
import { RISK_LEVELS } from '../../src-shared/domain/risk';

/**
 * The `approvals:` section of confiture.yaml. `required: { high: 2 }` asks for two distinct
 * approvers (by name, case-insensitive) of the same file for high and critical migrations.
 */
export const ApprovalsConfigSchema = z
  .object({
    required: z.partialRecord(z.enum(RISK_LEVELS), z.number().int().min(1).max(10)).default({}),
  })
  .strict();
export type ApprovalsConfig = z.infer<typeof ApprovalsConfigSchema>;
