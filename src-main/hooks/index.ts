/**
 * Hooks: configured in confiture.yaml (`hooks:`), fired at every lifecycle phase.
 *
 *   const runner = createHookRunner({ config: project.config.hooks, projectDir: project.dir, pool });
 *   await runMigrations({ ..., listeners: [runner.listener] });
 */
export { createHookRunner, newRunId, orderedHooks, phaseSettings, effectiveRetries, backoffDelay, isGatePhase, hookTarget } from './runner';
export type { HookRunner, HookRunnerOptions, FireOptions } from './runner';
export { criticalPath } from './critical-path';
export { HooksConfigSchema, HookConfigSchema, EventNameSchema } from './config';
export type { HooksConfig, HookConfig } from './config';
export { admit, afterAttempt, breakerView, closedBreaker } from './breaker';
export type { BreakerRecord } from './breaker';
export { readExecutions, recentRuns, readBreakers, ensureHookTables } from './store';
export { sampleContext } from './sample';
export { slackPayload, pagerDutyPayload, genericPayload, describeEvent } from './kinds/http';
export { SecretBag, interpolateEnv } from './secrets';
export { runnerForProject, testHooks, executionsReport } from './service';
