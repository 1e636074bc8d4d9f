/**
 * perf: workload baselines and statistically sound regression detection.
 *
 *   const workload = await loadWorkload(file)
 *   const b = await capture({ client, workload, name, config, connectionLabel, confitureVersion })
 *   saveBaseline(dir, b)                               // perf/baselines/<timestamp>_<name>.json
 *   const cmp = compareBaselines(base, current, config) // verdict per query, BH-corrected
 *   perfAroundMigrations({...})                        // LifecycleListener for the engine
 */
import path from 'node:path';
import type { Project } from '../project';
import { defaultPerfConfig, type PerfConfig } from './config';

export { PerfConfigSchema, defaultPerfConfig } from './config';
export type { PerfConfig } from './config';
export { loadWorkload, parseWorkload, classifySql, queryCaseId, WorkloadFileSchema } from './workload';
export { capture, gitInfo, isProductionEnvironment, SETTINGS_THAT_MATTER } from './profiler';
export type { CaptureOptions, CaptureProgress } from './profiler';
export { baselineHistory, saveBaseline, listBaselines, readBaselineFile, resolveBaseline, checkBaselineName, fileTimestamp } from './baselines';
export { compareBaselines, comparisonFails, describe, estimateEnvironment, planDiffOf } from './compare';
export type { CompareOptions } from './compare';
export { normalisePlan, diffPlans, alignPlans, nodeLabel, walk as walkPlan } from './plan';
export { topStatements, renderImported } from './statements';
export type { ImportedStatement } from './statements';
export { perfAroundMigrations, attributeRegressions, blameMigration, namesTouched } from './lifecycle';
export type { PerfAroundOptions, PerfLifecycleListener, MigrationPerfResult, MigrationRegression } from './lifecycle';
export { adjustInterval, benjaminiHochberg, bootstrapRatioCI, commonShift, mannWhitney, decideVerdict, hodgesLehmann, median, mulberry32, seedFor, signedRank, MIN_QUERIES_FOR_DRIFT } from './stats';
export { workEvidence, BUFFER_FACTOR, BUFFER_MIN_DELTA } from './evidence';
export { captureAB, compareAB, rehearseAB } from './ab';
export type { AbCaptureOptions, AbCompareOptions, AbProgress, RehearseAbOptions } from './ab';

/** The project's perf config (defaults when the project has no `perf:` section). */
export function perfConfigOf(project: Pick<Project, 'config'>): PerfConfig {
  return (project.config as { perf?: PerfConfig }).perf ?? defaultPerfConfig();
}

export function perfPaths(project: Pick<Project, 'dir' | 'config'>): { workload: string; baselines: string } {
  const c = perfConfigOf(project);
  return { workload: path.resolve(project.dir, c.workload), baselines: path.resolve(project.dir, c.baselines) };
}
