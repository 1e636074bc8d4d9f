/**
 * The sections of confiture.yaml owned by each capability. A capability adds its schema
 * here (one key, one import) and validates its own keys; the top level stays strict.
 */
import type { z } from 'zod';
import { ApprovalsConfigSchema } from '../approval/config';
import { EngineConfigSchema } from '../engine/config';
import { LintConfigSchema } from '../lint/config';
import { HooksConfigSchema } from '../hooks/config';
import { PerfConfigSchema } from '../perf/config';
import { RiskConfigSchema } from '../risk/config';
import { SloConfigSchema } from '../slo/config';
import { DeskConfigSchema } from '../desk/config';
import { fleetConfigSections } from '../fleet/config';

export const configSections = {
  engine: EngineConfigSchema.default(EngineConfigSchema.parse({})),
  lint: LintConfigSchema.default(LintConfigSchema.parse({})),
  hooks: HooksConfigSchema.default(HooksConfigSchema.parse({})),
  perf: PerfConfigSchema.default(PerfConfigSchema.parse({})),
  risk: RiskConfigSchema.default(RiskConfigSchema.parse({})),
  slo: SloConfigSchema.default(SloConfigSchema.parse({})),
  approvals: ApprovalsConfigSchema.default(ApprovalsConfigSchema.parse({})),
  desk: DeskConfigSchema.default(DeskConfigSchema.parse({})),
  /** targets, environments, fleet (src-main/fleet/config.ts) */
  ...fleetConfigSections,
  /** sections not yet claimed by a capability are rejected as unknown keys */
} satisfies Record<string, z.ZodType>;
