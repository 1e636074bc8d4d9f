/** Lock knowledge: which locks each statement takes, verified against PostgreSQL by tests/integration/locks. */
export { analyzeLocks, majorVersion, displayName, catalogMaps, isCoercibleTypeChange, newPlanChecks } from './analyze';
export type { AnalyzeLocksOptions, CatalogIndexMaps, PlanChecks } from './analyze';
export { LOCK_RULES, FIXTURE_SQL, lockRule, ruleAppliesTo } from './rules';
export type { LockRule } from './rules';
export { blocksOf, conflicts, strength, strongest, isLockMode, LOCK_MODES } from './modes';
export type { LockMode } from './modes';
export { traceStatement } from './trace';
export type { TraceResult } from './trace';
