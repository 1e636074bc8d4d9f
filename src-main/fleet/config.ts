/**
 * confiture.yaml sections of the fleet capability: named `targets`, named `environments`
 * (which targets, optionally a query on a control database listing them) and `fleet`
 * (the control database, the job engine, the rollout's waves and gates).
 *
 * Kept in its own file so other capabilities' schema changes merge cleanly.
 */
import { z } from 'zod';
import { DurationSchema } from '../engine/config';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const name = z.string().regex(NAME, 'a name of letters, digits, ., _ and - (at most 63 characters)');
const labelKey = z.string().regex(/^[a-z][a-z0-9_.-]{0,62}$/, 'a label key of lower-case letters, digits, ., _ and -');
const labelValue = z.string().min(1).max(200);
export const LabelsSchema = z.record(labelKey, labelValue).default({});

/** A connection string with `${env:VAR}` references, `embedded:<database>`, or a service name. */
const connectionText = z.string().min(1).max(4096);

export const TargetSchema = z
  .object({
    /** `postgres://user:${env:PGPASSWORD}@host/db` or `embedded:<database>` */
    url: connectionText.optional(),
    /** a libpq service name (pg_service.conf: $PGSERVICEFILE or ~/.pg_service.conf) */
    service: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, 'a service name').optional(),
    labels: LabelsSchema,
    /** a target on the same host as others: at most `fleet.rollout.perHost` at once (default: from the URL) */
    host: z.string().min(1).max(255).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.url === undefined) === (t.service === undefined)) ctx.addIssue({ code: 'custom', message: 'a target has exactly one of url or service' });
  });
export type TargetConfig = z.infer<typeof TargetSchema>;

export const TargetQuerySchema = z
  .object({
    /** where the list lives: a connection string (with `${env:…}` secrets) or `embedded:<database>` */
    db: connectionText,
    /** returns `dsn` (text), optionally `name` (text) and `labels` (json object) */
    sql: z.string().min(1).max(10_000),
  })
  .strict();

const WaveSchema = z
  .object({
    name: z.string().min(1).max(63).optional(),
    /** a number of targets (1) or a share of the fleet ("5%"); the last wave takes the rest */
    size: z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*%$/, 'a number of targets or a share such as 5%'), z.literal('rest')]),
    /** targets migrated at once in this wave */
    concurrency: z.number().int().positive().max(1000).optional(),
  })
  .strict();

const DEFAULT_WAVES = [
  { name: 'canary', size: 1 },
  { name: '5%', size: '5%' },
  { name: '25%', size: '25%' },
  { name: 'rest', size: 'rest' },
] as const;

const GatesSchema = z
  .object({
    /** the canary wave's measured blocking time may exceed the prediction by this factor … */
    canaryBlockingFactor: z.number().positive().optional(),
    /** … plus this slack (blocking below it never fails the gate) */
    canaryBlockingSlack: DurationSchema.optional(),
    /** SLO violations allowed in a wave (the project's `slo` objectives, checked on each target's run) */
    sloViolations: z.number().int().min(0).optional(),
    /** a command run between waves; exit 0 lets the next wave start (argv, no shell) */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** wait this long after a wave before the gates and the next wave */
    soak: DurationSchema.optional(),
  })
  .strict();

/** As written in confiture.yaml (fleet.rollout, or an environment's override): every key optional. */
export const RolloutOverrideSchema = z
  .object({
    waves: z.array(WaveSchema).min(1).max(50).optional(),
    /** default concurrency of a wave */
    concurrency: z.number().int().positive().max(1000).optional(),
    /** at most this many targets of one host at once */
    perHost: z.number().int().positive().max(1000).optional(),
    /** failed targets that stop the rollout ("stop after N failures") */
    errorBudget: z.number().int().positive().max(100_000).optional(),
    gates: GatesSchema.optional(),
  })
  .strict();
type RolloutOverride = z.infer<typeof RolloutOverrideSchema>;

export interface RolloutConfig {
  waves: z.infer<typeof WaveSchema>[];
  concurrency: number;
  perHost: number;
  errorBudget: number;
  gates: { canaryBlockingFactor: number; canaryBlockingSlack: number; sloViolations: number; command?: string[]; soak: number };
}

/** The effective settings: defaults, then each override in order. */
export function mergeRollout(...overrides: (RolloutOverride | undefined)[]): RolloutConfig {
  const out: RolloutConfig = { waves: DEFAULT_WAVES.map((w) => ({ ...w })), concurrency: 4, perHost: 4, errorBudget: 1, gates: { canaryBlockingFactor: 2, canaryBlockingSlack: 1_000, sloViolations: 0, soak: 0 } };
  for (const o of overrides) {
    if (!o) continue;
    if (o.waves) out.waves = o.waves;
    if (o.concurrency !== undefined) out.concurrency = o.concurrency;
    if (o.perHost !== undefined) out.perHost = o.perHost;
    if (o.errorBudget !== undefined) out.errorBudget = o.errorBudget;
    if (o.gates) {
      for (const [k, v] of Object.entries(o.gates)) if (v !== undefined) (out.gates as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}


export const EnvironmentSchema = z
  .object({
    description: z.string().max(500).optional(),
    /** names from `targets`, or "*" for all of them */
    targets: z.union([z.literal('*'), z.array(name)]).default([]),
    /** more targets listed by a query (a fleet of 500 tenants in one line) */
    query: TargetQuerySchema.optional(),
    /** a label selector applied to the environment's targets: `tier=gold,region=eu` */
    select: z.string().max(500).optional(),
    /** overrides of `fleet.rollout` for this environment */
    rollout: RolloutOverrideSchema.optional(),
  })
  .strict();
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;

export const FleetConfigSchema = z
  .object({
    /** the control database (rollouts, waves, per-target state, the job queue): `embedded` or a URL */
    control: connectionText.default('embedded'),
    /** a target job running longer than this is taken to be dead (worker killed) and retried */
    jobTimeout: DurationSchema.default(15 * 60_000),
    /** retries of a target's job by the job engine (a crash, a lock held) */
    jobRetries: z.number().int().min(0).max(50).default(3),
    rollout: RolloutOverrideSchema.default({}),
  })
  .strict();
export type FleetConfig = z.infer<typeof FleetConfigSchema>;

/** The three top-level keys this capability owns (spread into configSections). */
export const fleetConfigSections = {
  targets: z.record(name, TargetSchema).default({}),
  environments: z.record(name, EnvironmentSchema).default({}),
  fleet: FleetConfigSchema.default(FleetConfigSchema.parse({})),
};
