import { z } from 'zod';
import { DurationSchema } from '../engine/config';
import { FACTOR_NAMES, RISK_LEVELS } from '../../src-shared/domain/risk';

/** The `risk:` section of confiture.yaml. */
export const RiskConfigSchema = z
  .object({
    /**
     * migrations whose level is above this need an approval before `migrate up` and the GUI's
     * Apply (default `low`: medium and above need one; `null`: never)
     */
    requireApprovalAbove: z.enum(RISK_LEVELS).nullable().default('low'),
    /** `confiture risk` exits 1 when a migration scores above this (0–100; null: no limit) */
    maxRisk: z.number().min(0).max(100).nullable().default(null),
    /** traffic window of the catalog snapshot */
    snapshotWindow: DurationSchema.default(1000),
    /** transactions open longer than this count as lock-queue exposure */
    longTransaction: DurationSchema.default(5000),
    /** factor weight overrides (renormalised to sum 1) */
    weights: z.partialRecord(z.enum(FACTOR_NAMES), z.number().min(0).max(1)).default({}),
  })
  .strict();
export type RiskConfig = z.infer<typeof RiskConfigSchema>;
