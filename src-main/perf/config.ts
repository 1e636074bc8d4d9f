import { z } from 'zod';
import { DurationSchema } from '../engine/config';

/** `perf:` in confiture.yaml. */
export const PerfConfigSchema = z
  .object({
    /** the workload file, relative to the project */
    workload: z.string().min(1).default('perf/workload.yaml'),
    /** where baselines are written, relative to the project */
    baselines: z.string().min(1).default('perf/baselines'),
    /** timed runs per query × parameter set */
    runs: z.number().int().min(5).max(10_000).default(30),
    /** untimed runs first (caches, plan cache, JIT) */
    warmup: z.number().int().min(0).max(1_000).default(3),
    /** false-discovery rate across the queries of one comparison (Benjamini–Hochberg) */
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** practical significance: smaller relative changes are "unchanged" (0.1 = 10 %) */
    threshold: z.number().gt(0).lt(10).default(0.1),
    /**
     * judge each query relative to the common shift of the whole workload (machine load, cache,
     * CPU frequency); the common shift is reported as `environment`. false: raw per-query judgement
     */
    driftCorrection: z.boolean().default(true),
    /** bootstrap resamples for the interval of the ratio */
    resamples: z.number().int().min(200).max(100_000).default(2000),
    /** PRNG seed: the same samples always give the same interval */
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(20240611),
    /** per-query statement_timeout while profiling */
    statementTimeout: DurationSchema.default(30_000),
    /** capture before and compare after each migration run (engine lifecycle) */
    autoAroundMigrations: z.boolean().default(false),
    /** also around rehearsals (dry runs) */
    aroundDryRun: z.boolean().default(true),
    /** the environment name recorded in baselines */
    environment: z.string().min(1).max(64).default('development'),
    /** environments that count as production */
    productionEnvironments: z.array(z.string().min(1)).default(['production', 'prod']),
    /** profiling a production environment is refused unless this is true */
    allowProduction: z.boolean().default(false),
    /** in production: the profiler keeps its share of wall time at most this (pauses between runs) */
    productionDutyCycle: z.number().gt(0).max(1).default(0.1),
    /** create the pg_stat_statements extension when the library is preloaded but the extension is missing (never in production) */
    installPgStatStatements: z.boolean().default(true),
  })
  .strict();
export type PerfConfig = z.infer<typeof PerfConfigSchema>;
export const defaultPerfConfig = (): PerfConfig => PerfConfigSchema.parse({});
