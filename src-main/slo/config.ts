import { z } from 'zod';
import { DURATION_SLIS, SLI_NAMES, SLO_RUN_KINDS } from '../../src-shared/domain/slo';

const UNIT_MS = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const SPAN = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|w)$/;

/** `250ms`, `30s`, `2min`, `24h`, `30d`, `1w` → milliseconds; null when it is not such a span. */
export function parseSpan(text: string): number | null {
  const m = SPAN.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

const DAY = UNIT_MS.d;

/** An SLO window: a string such as `30d`, `7d` or `24h`, between 1 hour and 400 days. */
export const WindowSchema = z.string().refine(
  (s) => {
    const ms = parseSpan(s);
    return ms !== null && ms >= UNIT_MS.h && ms <= 400 * DAY;
  },
  { message: 'a window such as 30d, 7d or 24h (1h to 400d)' },
);

/** A duration threshold: `30s`, `250ms`, `2min` or a number of milliseconds. */
const ThresholdSchema = z.union([
  z.number().positive(),
  z
    .string()
    .refine((s) => (parseSpan(s) ?? 0) > 0, { message: 'a duration such as 250ms, 30s or 2min' })
    .transform((s) => parseSpan(s)!),
]);

export const ObjectiveSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'an id of lower-case letters, digits, - and _'),
    description: z.string().max(500).default(''),
    sli: z.enum(SLI_NAMES),
    /** share of good events, strictly between 0 and 1 (1 would leave no error budget at all) */
    objective: z.number().gt(0, 'the objective is a share of good events such as 0.99').lt(1, 'an objective of 1 (100 %) leaves no error budget; use e.g. 0.999'),
    /** duration SLIs only: an event is good when it took less than this */
    threshold: ThresholdSchema.optional(),
    window: WindowSchema.default('30d'),
    /** which recorded runs count (runs.kind) */
    kinds: z.array(z.enum(SLO_RUN_KINDS)).min(1).default([...SLO_RUN_KINDS]),
  })
  .strict()
  .superRefine((o, ctx) => {
    const needs = DURATION_SLIS.includes(o.sli);
    if (needs && o.threshold === undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${o.sli} needs a threshold such as 30s: the duration under which an event is good` });
    if (!needs && o.threshold !== undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${o.sli} is not a duration SLI: remove threshold` });
  });
export type SloObjective = z.infer<typeof ObjectiveSchema>;

export const DEFAULT_OBJECTIVES: z.input<typeof ObjectiveSchema>[] = [
  { id: 'runs-succeed', description: '99 % of migration runs succeed', sli: 'run_success_rate', objective: 0.99, window: '30d' },
  { id: 'migrations-under-60s', description: '95 % of migrations finish in under 60 s', sli: 'migration_duration_ms', objective: 0.95, threshold: '60s', window: '30d' },
  { id: 'statements-under-10s', description: '99 % of statements finish in under 10 s', sli: 'statement_duration_ms', objective: 0.99, threshold: '10s', window: '30d' },
];

/** The `slo:` section of confiture.yaml. */
export const SloConfigSchema = z
  .object({
    objectives: z
      .array(ObjectiveSchema)
      .max(100)
      .default(() => DEFAULT_OBJECTIVES.map((o) => ObjectiveSchema.parse(o)))
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((o, i) => {
          if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate objective id "${o.id}"` });
          seen.add(o.id);
        });
      }),
    /** the recent window whose burn rate flags a fast burn */
    shortWindow: WindowSchema.default('24h'),
    /** short-window burn rate above which an objective is at risk (Google SRE workbook: 14.4) */
    fastBurnRate: z.number().positive().default(14.4),
    /** share of the budget spent from which an objective is at risk */
    atRiskBudgetConsumed: z.number().gt(0).max(1).default(0.75),
    /** bad events listed per objective (newest first) */
    violationLimit: z.number().int().min(0).max(1000).default(50),
  })
  .strict();
export type SloConfig = z.infer<typeof SloConfigSchema>;
