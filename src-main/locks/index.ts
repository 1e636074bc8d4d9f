/** Lock knowledge: which locks each statement takes, verified against PostgreSQL by tests/integration/locks. */
export { analyzeLocks, majorVersion, displayName, catalogMaps, newPlanChecks, doBlockStatements } from './analyze';
export type { AnalyzeLocksOptions, CatalogIndexMaps, PlanChecks } from './analyze';
export type { PlanForeignKey } from './plan';
export { typeChangeVerdict, parseFormatType, isFixedUtc, canonicalTypeName } from './column-types';
export type { TypeRef, TypeChangeVerdict } from './column-types';
export { defaultVolatility } from './volatility';
export { LOCK_RULES, FIXTURE_SQL, lockRule, ruleAppliesTo } from './rules';
export type { LockRule } from './rules';
export { blocksOf, blocksText, conflicts, strength, strongest, isLockMode, LOCK_MODES } from './modes';
export type { LockMode } from './modes';
export { traceStatement } from './trace';
export type { TraceResult } from './trace';
export { lockCoverage } from './coverage';
export type { LockCoverage } from './coverage';
