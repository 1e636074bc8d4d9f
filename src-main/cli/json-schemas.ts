/**
 * The contract of every `--format json` document the CLI prints, as zod schemas. JSON Schemas
 * (draft-07) are generated from them into docs/schemas/<name>.json by scripts/gen-json-schemas.ts
 * (a unit test fails when they are stale) and real outputs are validated against those files.
 *
 * Objects are open (`additionalProperties` allowed): adding a field keeps `schemaVersion`;
 * removing one or changing its meaning raises it (src-main/cli/output.ts JSON_SCHEMA_VERSION).
 */
import { z } from 'zod';
import { SLI_NAMES, SLO_RUN_KINDS } from '../../src-shared/domain/slo';
import { JSON_SCHEMA_VERSION } from './output';

const obj = z.looseObject;
const nullable = <T extends z.ZodType>(t: T) => t.nullable();
const iso = z.string().describe('ISO 8601 timestamp');
const severity = z.enum(['info', 'warning', 'error', 'critical']);

/** Every document starts with this. */
const document = <T extends z.ZodRawShape>(shape: T) => obj({ schemaVersion: z.literal(JSON_SCHEMA_VERSION).describe('version of this document shape'), ...shape });

const ErrorValue = obj({
  code: z.string().describe('stable error code: invalid_input, not_found, config_error, project_error, parse_error, database_error, connection_error, migration_failed, lock_held, policy_failure, …'),
  message: z.string(),
  where: obj({ file: z.string().optional(), line: z.number().int().optional(), column: z.number().int().optional(), field: z.string().optional() }).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const LockTaken = obj({ relation: z.string(), mode: z.string() });

const HookExecution = obj({
  runId: z.string(),
  phase: z.string(),
  hookId: z.string(),
  kind: z.enum(['sql', 'command', 'http', 'module']),
  attempt: z.number().int().min(1),
  startedAt: iso,
  finishedAt: iso,
  durationMs: z.number(),
  outcome: z.enum(['success', 'failure', 'timeout', 'breaker_open', 'skipped']),
  outputExcerpt: nullable(z.string()),
  error: nullable(z.string()),
  final: z.boolean(),
});

const PartialInfo = obj({
  applied: z.number().int().min(0),
  total: nullable(z.number().int()),
  statement: obj({
    index: z.number().int().min(0),
    line: nullable(z.number().int()),
    kind: nullable(z.string()),
    sql: nullable(z.string()),
    outcome: z.enum(['running', 'failure', 'cancelled', 'next']),
    error: nullable(z.string()),
  }),
}).describe('where a run stopped part-way through a migration run outside a transaction; the next run resumes there');

const BlockedOthers = obj({ sessions: z.number().int().min(1), longestWaitMs: z.number().min(0), sampledEveryMs: z.number(), who: z.array(z.string()) }).describe(
  "sessions that waited on this migration's locks, as the lock monitor saw them: the longest wait is a lower bound (sampled every sampledEveryMs while a statement runs)",
);

const MigrationStatus = obj({
  version: z.string(),
  name: z.string(),
  state: z.enum(['applied', 'pending', 'changed', 'missing', 'partial']),
  checksum: z.string(),
  appliedAt: nullable(z.string()),
  appliedBy: nullable(z.string()),
  partial: PartialInfo.optional(),
  blockedOthers: BlockedOthers.optional().describe('measured when it was applied (the run that applied it); absent when nobody waited or nothing was measured'),
});

const StatementResult = obj({
  version: z.string(),
  index: z.number().int(),
  kind: z.string(),
  line: z.number().int(),
  outcome: z.enum(['success', 'failure', 'skipped', 'cancelled']),
  durationMs: nullable(z.number()),
  rows: nullable(z.number()),
  attempts: z.number().int(),
  error: z.string().optional(),
});

const RehearsedStatement = obj({
  version: z.string(),
  index: z.number().int(),
  kind: z.string(),
  line: z.number().int(),
  durationMs: nullable(z.number()),
  rows: nullable(z.number()),
  locks: z.array(LockTaken),
  rewritten: z.array(z.string()),
  rehearsed: z.boolean(),
  locksHeld: z.array(obj({ relation: z.string(), mode: z.string(), since: obj({ version: z.string(), index: z.number().int() }) })).optional().describe('every lock held while the statement ran, with the statement that acquired it'),
  ownLocks: z.array(LockTaken).optional().describe('the locks the statement acquired with its migration rehearsed alone'),
  ownLocksFrom: z.enum(['plan', 'isolated', 'depends']).optional(),
  note: z.string().optional(),
  error: z.string().optional(),
});

const BreakerStateValue = obj({
  hookId: z.string(),
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number().int().min(0),
  failureThreshold: z.number().int(),
  coolDownMs: z.number(),
  openedAt: nullable(iso),
  retryAt: nullable(iso).describe('when an open breaker lets the next probe through'),
  lastFailureAt: nullable(iso),
  lastSuccessAt: nullable(iso),
});

const LockSession = obj({ pid: z.number().int(), user: nullable(z.string()), applicationName: nullable(z.string()), state: nullable(z.string()), query: nullable(z.string()), relation: nullable(z.string()), mode: nullable(z.string()), waitingMs: nullable(z.number()) });

const SliName = z.enum(SLI_NAMES);
const SloRunKind = z.enum(SLO_RUN_KINDS);
const SloEvent = obj({
  runId: z.string(),
  at: iso.describe('when the event ended'),
  runKind: z.string(),
  version: nullable(z.string()),
  direction: nullable(z.string()),
  statementIndex: nullable(z.number().int()),
  line: nullable(z.number().int()).describe('line of the statement in its file'),
  statementKind: nullable(z.string()),
  durationMs: nullable(z.number()),
  attempts: nullable(z.number().int()),
  detail: nullable(z.string()).describe('what went wrong, in words'),
});

const Interval = z.tuple([z.number(), z.number()]);

const RiskMigration = obj({
  version: z.string(),
  name: z.string(),
  score: z.number().min(0).max(100),
  level: z.enum(['low', 'medium', 'high', 'critical']),
  interval: Interval.describe('score interval [low, high]'),
  blockingWindowMs: obj({ estimate: z.number(), low: z.number(), high: z.number() }).describe('predicted time others are blocked, with its 90 % interval'),
  factors: z.array(obj({ name: z.string(), value: z.number(), weight: z.number(), contribution: z.number(), low: z.number(), high: z.number(), explanation: z.string() })),
  statements: z.array(
    obj({
      index: z.number().int(),
      line: z.number().int(),
      kind: z.string(),
      score: z.number(),
      level: z.string(),
      locks: z.array(LockTaken),
      rewrites: z.boolean(),
      scans: z.boolean(),
      blocks: obj({ reads: z.boolean(), writes: z.boolean(), ddl: z.boolean().describe('other DDL, VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY wait') }),
      durationMs: obj({ estimate: z.number(), low: z.number(), high: z.number(), basis: z.string() }),
      blockingWindowMs: obj({ estimate: z.number(), low: z.number(), high: z.number(), basis: z.string() }),
      safeAlternative: nullable(z.string()),
    }),
  ),
  floors: z.array(z.string()),
  inputs: z.record(z.string(), z.unknown()),
  checksum: z.string(),
  hash: z.string(),
  approval: obj({ required: z.boolean(), state: z.enum(['approved', 'rejected', 'missing', 'stale', 'revoked']), reason: z.string() }).describe('whether the project requires a sign-off above risk.requireApprovalAbove, and whether one is recorded'),
});

const PerfVerdict = z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']);
const WorkEvidence = obj({
  available: z.boolean().describe('both sides had a plan with buffer counts'),
  planChanged: z.boolean(),
  planSummary: nullable(z.string()),
  buffers: z.tuple([nullable(z.number()), nullable(z.number())]).describe('shared buffers hit + read of the whole plan: before, after'),
  buffersRatio: nullable(z.number()),
  rows: z.tuple([nullable(z.number()), nullable(z.number())]),
  rowsChanged: z.boolean(),
  certain: z.boolean().describe('plan shape changed, shared buffers moved ≥ 2×, or rows changed'),
  direction: nullable(z.enum(['more', 'less'])),
  planCost: z.tuple([nullable(z.number()), nullable(z.number())]).describe("the planner's estimated total cost of the whole plan: before, after"),
  planDirection: nullable(z.enum(['costlier', 'cheaper', 'same'])).describe('when the plan changed and both costs are known: the way the planner expected the change to go'),
  summary: z.string(),
});

const MetricLabels = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string());
const metricFamily = { name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/), help: z.string(), unit: z.string().optional() };
const MetricFamily = z.union([
  obj({ ...metricFamily, type: z.enum(['counter', 'gauge']), samples: z.array(obj({ labels: MetricLabels, value: z.number() })) }),
  obj({
    ...metricFamily,
    type: z.literal('histogram'),
    samples: z.array(
      obj({
        labels: MetricLabels,
        buckets: z.array(obj({ le: z.number(), count: z.number().int().min(0) })).describe('upper bounds (ascending, without +Inf) with the cumulative count of observations ≤ each'),
        count: z.number().int().min(0),
        sum: z.number(),
      }),
    ),
  }),
]);

/** One difference between the live catalog and the one the migrations produce (src-main/drift/catalog.ts). */
const CatalogProps = z.record(z.string(), z.union([z.string(), z.boolean(), z.null()]));
const DriftDifference = obj({
  kind: z.enum(['table', 'column', 'constraint', 'index', 'view', 'function', 'trigger', 'type', 'sequence', 'grant']),
  object: z.string().describe('the object, qualified: public.orders, public.orders.status, public.touch(), SELECT on public.orders to PUBLIC'),
  change: z.enum(['missing', 'extra', 'changed']).describe('missing: the migrations create it, the live database lacks it; extra: the other way; changed: both have it, different'),
  message: z.string().describe("a DBA's sentence"),
  expected: nullable(CatalogProps).describe('its properties as the migrations produce them (null when extra)'),
  actual: nullable(CatalogProps).describe('its properties in the live database (null when missing)'),
  sql: z.string().describe('SQL that makes the live database match the migrations (review it: extra means DROP)'),
});

const FLEET_TARGET_STATES = ['pending', 'queued', 'running', 'applied', 'failed', 'skipped'] as const;
const TargetCounts = z.partialRecord(z.enum(FLEET_TARGET_STATES), z.number().int().min(1)).describe('targets per state; states with none are left out');
const Labels = z.record(z.string(), z.string());

/** The effective fleet.rollout settings (src-main/fleet/config.ts RolloutConfig): durations in ms. */
const RolloutConfigValue = obj({
  waves: z.array(
    obj({
      name: z.string().optional(),
      size: z.union([z.number().int().min(1), z.string().regex(/^\d+(\.\d+)?\s*%$/), z.literal('rest')]).describe('a number of targets, a share of the fleet ("5%") or "rest"'),
      concurrency: z.number().int().min(1).optional(),
    }),
  ),
  concurrency: z.number().int().min(1).describe('default concurrency of a wave'),
  perHost: z.number().int().min(1).describe('at most this many targets of one host at once'),
  errorBudget: z.number().int().min(1).describe('failed targets that stop the rollout'),
  gates: obj({
    canaryBlockingFactor: z.number(),
    canaryBlockingSlack: z.number().describe('ms'),
    sloViolations: z.number().int().min(0),
    command: z.array(z.string()).optional(),
    soak: z.number().describe('ms'),
  }),
});

const RolloutPlanValue = obj({
  project: z.string(),
  env: z.string(),
  selector: nullable(z.string()).describe('--targets label selector'),
  targetVersion: nullable(z.string()).describe('the last migration applied (null: no migration)'),
  versions: z.array(z.string()).describe('the migrations the rollout applies'),
  config: RolloutConfigValue,
  waves: z.array(
    obj({
      wave: z.number().int().min(1),
      name: z.string(),
      concurrency: z.number().int().min(1),
      targets: z.array(obj({ name: z.string(), labels: Labels, host: z.string().describe('for the per-host limit'), connection: z.string().describe('the connection, without its password') })),
    }),
  ),
});

const RolloutStatusValue = {
  rollout: obj({
    id: z.string().describe('the rollout id (a UUID)'),
    project: z.string(),
    env: z.string(),
    state: z.enum(['running', 'paused', 'stopped', 'aborted', 'completed']),
    currentWave: z.number().int().min(1),
    failures: z.number().int().min(0),
    stopReason: nullable(z.string()),
    targetVersion: nullable(z.string()),
    createdAt: iso,
    finishedAt: nullable(iso),
  }),
  counts: TargetCounts,
  waves: z.array(
    obj({
      wave: z.number().int().min(1),
      name: z.string(),
      size: z.number().int().min(0),
      concurrency: z.number().int().min(1),
      state: z.enum(['pending', 'running', 'soaking', 'passed', 'failed']),
      counts: TargetCounts,
      startedAt: nullable(iso),
      finishedAt: nullable(iso),
      gate: nullable(
        obj({
          ok: z.boolean(),
          checks: z.array(obj({ gate: z.enum(['canary_blocking', 'slo', 'command', 'soak', 'failures']), ok: z.boolean(), detail: z.string() })),
          at: iso,
          overridden: z.boolean().optional().describe('a failed gate let through by `rollout resume --override-gate`'),
        }),
      ).describe('the gates evaluated after the wave (null until then)'),
    }),
  ),
  targets: z.array(
    obj({
      name: z.string(),
      wave: z.number().int().min(1),
      state: z.enum(FLEET_TARGET_STATES),
      attempts: z.number().int().min(0),
      host: z.string(),
      labels: Labels,
      applied: z.array(z.string()).describe('the migrations applied on the target by this rollout'),
      durationMs: nullable(z.number()),
      predictedBlockingMs: nullable(z.number()),
      measuredBlockingMs: nullable(z.number()),
      sloViolations: nullable(z.number().int()),
      error: nullable(obj({ code: z.string(), message: z.string() })),
    }),
  ),
};

/** Each document: its file name under docs/schemas, what prints it, and its schema. */
export const CLI_DOCUMENTS = {
  error: {
    commands: ['any command, on error, with --format json (also sarif and gitlab)'],
    schema: document({ error: ErrorValue }),
  },
  status: {
    commands: ['status'],
    schema: document({ project: z.string(), projectId: z.string().describe('confiture.yaml project.id, or the id derived from the project name'), connection: z.string(), migrations: z.array(MigrationStatus) }),
  },
  'migrate-status': {
    commands: ['migrate status'],
    schema: document({ project: z.string(), projectId: z.string(), connection: z.string(), migrations: z.array(MigrationStatus.extend({ appliedChecksum: nullable(z.string()), durationMs: nullable(z.number()), hasDown: z.boolean() })) }),
  },
  'migrate-run': {
    commands: ['migrate up', 'migrate down', 'migrate dry-run'],
    schema: document({
      runId: z.string(),
      kind: z.enum(['up', 'down', 'dry_run', 'step']),
      direction: z.enum(['up', 'down']),
      ok: z.boolean(),
      outcome: z.enum(['success', 'failure', 'cancelled', 'policy_failure']),
      durationMs: z.number(),
      migrations: z.array(obj({ version: z.string(), name: z.string(), outcome: z.enum(['applied', 'reverted', 'rehearsed', 'failed', 'cancelled', 'not_run']), durationMs: nullable(z.number()), attempts: z.number().int(), statements: z.array(StatementResult), error: ErrorValue.optional(), blockedOthers: BlockedOthers.optional() })),
      rehearsal: z.array(RehearsedStatement).optional().describe('dry-run only: what each statement did'),
      blockers: z.array(LockSession).optional().describe('sessions that blocked the run'),
      error: ErrorValue.optional(),
      hooks: z.array(HookExecution),
      slo: obj({ runId: z.string(), objectives: z.array(obj({ id: z.string(), sli: SliName, total: z.number().int(), bad: z.number().int() })), violations: z.array(SloEvent.extend({ objectiveId: z.string(), sli: SliName })) }).optional(),
    }),
  },
  lint: {
    commands: ['lint'],
    schema: document({
      files: z.array(obj({ path: z.string(), findings: z.array(obj({ rule: z.string(), severity, message: z.string(), line: z.number().int().min(1), column: z.number().int().min(1), help: z.string(), suppressed: obj({ via: z.string(), reason: z.string(), line: z.number().int() }).optional() })) })),
      summary: obj({ files: z.number().int(), statements: z.number().int(), bySeverity: obj({ info: z.number().int(), warning: z.number().int(), error: z.number().int(), critical: z.number().int() }), suppressed: z.number().int(), failOn: severity, failed: z.boolean(), pgVersion: z.number().int(), configWarnings: z.array(z.string()) }),
    }),
  },
  'lint-rules': {
    commands: ['lint --list-rules'],
    schema: document({ rules: z.array(obj({ id: z.string(), version: z.string(), severity, libraries: z.array(z.string()), summary: z.string(), equivalents: z.record(z.string(), z.array(z.string())), deprecated: nullable(obj({ since: z.string(), replacement: z.array(z.string()), reason: z.string() })) })) }),
  },
  'lint-config': {
    commands: ['lint --explain-config'],
    schema: document({
      libraries: z.array(obj({ name: z.string(), requested: z.string(), resolved: z.string(), source: obj({ kind: z.string(), label: z.string() }) })),
      conflictPolicy: z.enum(['error', 'warn', 'prefer-first', 'prefer-last']),
      failOn: severity,
      pgVersion: z.number().int(),
      pgVersionSource: obj({ kind: z.enum(['library', 'project', 'default', 'cli']), label: z.string() }).describe('where pgVersion comes from'),
      rules: z.array(obj({ id: z.string(), version: z.string(), enabled: z.boolean(), severity, options: z.record(z.string(), z.unknown()), trail: z.array(obj({ setting: z.string(), value: z.string(), source: obj({ kind: z.string(), label: z.string() }) })) })),
      warnings: z.array(z.string()),
    }),
  },
  locks: {
    commands: ['locks'],
    schema: document({
      statements: z.array(
        obj({
          index: z.number().int(),
          kind: z.string(),
          locks: z.array(LockTaken.extend({ unresolved: z.literal(true).optional().describe('the relation could not be resolved (no catalog, or not found in it)') })),
          rewrites: z.union([z.boolean(), z.literal('unknown')]).describe('"unknown" when the answer needs a catalog the analysis did not have (see unknown)'),
          scans: z.union([z.boolean(), z.literal('unknown')]),
          blocks: obj({ reads: z.boolean(), writes: z.boolean() }),
          unknown: z.array(obj({ fact: z.enum(['rewrite', 'scan', 'locks']), reason: z.string() })).optional().describe('the verdicts left open, with what would decide them'),
        }),
      ),
    }),
  },
  risk: {
    commands: ['risk'],
    schema: document({
      project: z.string(),
      connection: z.string(),
      pgVersion: z.number().int(),
      maxRisk: nullable(z.number()),
      exceeded: z.array(z.string()),
      calibration: nullable(obj({ samples: z.number().int(), inside: z.number().int(), coverage: nullable(z.number()).describe('inside / samples (null without samples)') })),
      throughput: z.string(),
      traffic: nullable(obj({ used: z.boolean(), measured: z.boolean(), windowMs: z.number(), from: nullable(iso), to: nullable(iso) })).describe(
        'the table rates of the traffic factor: measured over windowMs between the counter reads from → to; not measured when no verdict reads them (used false: no pending migration blocks or locks a table that exists now)',
      ),
      migrations: z.array(RiskMigration),
    }),
  },
  approve: {
    commands: ['approve'],
    schema: document({
      version: z.string(),
      record: obj({ decision: z.enum(['approved', 'rejected']), by: z.string(), comment: z.string(), at: iso, checksum: z.string(), riskHash: z.string(), score: z.number(), level: z.string(), auditHash: z.string() }),
      state: z.enum(['approved', 'rejected', 'missing', 'stale', 'revoked']),
      reason: z.string().describe('why the migration is (not) approved now'),
      anchored: z.boolean().describe('the decision was anchored in the database (false with --offline: migrate up will not accept it)'),
      repaired: obj({ from: z.number().int(), archive: z.string() }).optional().describe('with --repair: the first audit entry dropped and where the tampered files were archived'),
      audit: obj({ ok: z.boolean(), entries: z.number().int() }),
    }),
  },
  'hooks-list': {
    commands: ['hooks list'],
    schema: document({
      hooks: z.array(obj({ id: z.string(), kind: z.string(), on: z.array(z.string()), priority: z.number(), policy: z.string(), timeoutMs: z.number(), retries: z.number().int(), dependsOn: z.array(z.string()), enabled: z.boolean(), target: z.string(), breaker: nullable(BreakerStateValue).describe('its circuit breaker (null when the breakers are not known: see breakersKnown)') })),
      phases: z.array(obj({ phase: z.string(), strategy: z.string(), maxConcurrency: z.number().int(), timeoutMs: z.number(), hooks: z.array(z.string()) })),
      breakersKnown: z.boolean(),
    }),
  },
  'hooks-test': {
    commands: ['hooks test'],
    schema: document({ runId: z.string(), phase: z.string(), ok: z.boolean(), gate: nullable(obj({ proceed: z.boolean(), reason: z.string().optional(), by: z.string().optional() })), executions: z.array(HookExecution), warnings: z.array(z.string()), durationMs: z.number() }),
  },
  'slo-report': {
    commands: ['slo report'],
    schema: document({
      generatedAt: iso,
      trackingSchema: z.string(),
      windowOverride: nullable(z.string()),
      objectives: z.array(
        obj({
          id: z.string(),
          description: z.string(),
          sli: SliName,
          objective: z.number(),
          window: z.string(),
          windowMs: z.number(),
          thresholdMs: nullable(z.number()),
          kinds: z.array(SloRunKind).describe('the run kinds the objective counts'),
          total: z.number().int(),
          good: z.number().int(),
          bad: z.number().int(),
          sliValue: nullable(z.number()),
          allowedBad: z.number(),
          budgetConsumed: nullable(z.number()),
          budgetRemaining: nullable(z.number()),
          burnRate: obj({ short: nullable(z.number()), long: nullable(z.number()), shortWindow: z.string(), shortTotal: z.number().int(), shortBad: z.number().int(), fastBurn: z.boolean(), fastBurnRate: z.number() }),
          status: z.enum(['ok', 'at_risk', 'violated', 'no_data']),
          reason: z.string(),
          violations: z.array(SloEvent),
          violationsTruncated: z.boolean(),
        }),
      ),
      summary: obj({ ok: z.number().int(), at_risk: z.number().int(), violated: z.number().int(), no_data: z.number().int() }),
    }),
  },
  'perf-capture': {
    commands: ['perf capture'],
    schema: document({ id: z.string(), file: z.string(), queries: z.number().int(), errors: z.array(obj({ id: z.string(), error: z.string() })), overhead: obj({ wallMs: z.number(), timedMs: z.number(), warmupMs: z.number(), explainMs: z.number(), bookkeepingMs: z.number(), throttleMs: z.number(), dutyCycle: z.number(), overheadPct: z.number() }), notes: z.array(z.string()) }),
  },
  'perf-compare': {
    commands: ['perf compare'],
    schema: document({
      baseline: obj({ id: z.string(), name: z.string(), createdAt: iso }),
      current: obj({ id: z.string(), name: z.string(), createdAt: iso }),
      method: obj({ statistic: z.string(), interval: z.string(), test: z.string(), correction: z.string(), drift: z.string().describe('how the common shift of the workload was handled'), alpha: z.number(), threshold: z.number(), seed: z.number().int(), resamples: z.number().int() }),
      environment: obj({
        ratio: z.number().describe('median over queries of current/baseline ratios (1 = no common shift)'),
        ci: nullable(Interval).describe('bootstrap (over queries) interval of ratio; null when too few queries'),
        verdict: z.enum(['shifted', 'stable', 'unknown']),
        direction: nullable(z.enum(['slower', 'faster'])),
        applied: z.boolean().describe('per-query verdicts were judged relative to ratio'),
        queries: z.number().int(),
        minQueries: z.number().int(),
        note: z.string(),
      }).describe('the common shift of the whole workload between the two captures'),
      queries: z.array(
        obj({
          id: z.string(),
          query: z.string(),
          paramSet: z.string(),
          baselineMedianMs: z.number(),
          currentMedianMs: z.number(),
          ratio: z.number(),
          ci: Interval,
          ciLevel: z.number(),
          adjustedRatio: z.number(),
          adjustedCi: Interval,
          verdict: PerfVerdict,
          pValue: z.number(),
          qValue: z.number(),
          runsNeeded: nullable(z.number().int()),
          planChanged: z.boolean(),
          planSummary: nullable(z.string()),
          evidence: WorkEvidence.optional(),
          reason: z.string(),
          blamedMigration: nullable(z.string()).optional().describe('the migration(s) most likely responsible (compared around a migration run)'),
          message: z.string().optional(),
        }),
      ),
      unmatched: z.array(obj({ id: z.string(), reason: z.string() })),
      summary: obj({ regression: z.number().int(), improvement: z.number().int(), unchanged: z.number().int(), inconclusive: z.number().int() }),
      warnings: z.array(z.string()),
    }),
  },
  'perf-ab': {
    commands: ['perf ab'],
    schema: document({
      mode: z.literal('interleaved'),
      createdAt: iso,
      before: obj({ label: z.string(), database: z.string() }),
      after: obj({ label: z.string(), database: z.string() }),
      rehearsal: nullable(obj({ source: z.string(), beforeClone: z.string(), clone: z.string(), applied: z.array(z.string()) })),
      method: obj({ design: z.string(), statistic: z.string(), interval: z.string(), test: z.string(), correction: z.string(), evidence: z.string(), alpha: z.number(), threshold: z.number(), runs: z.number().int(), orderSeed: z.number().int(), sessions: z.number().int().min(1), timing: z.enum(['server', 'client']).describe("how runs were timed: the server's planning + execution time (EXPLAIN ANALYZE) or the client's wall time") }),
      queries: z.array(
        obj({
          id: z.string(),
          query: z.string(),
          paramSet: z.string(),
          pairs: z.number().int(),
          beforeMedianMs: z.number(),
          afterMedianMs: z.number(),
          ratio: z.number().describe('exp(Hodges–Lehmann estimate of the paired log ratios after/before)'),
          ci: Interval,
          ciLevel: z.number(),
          verdict: z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']),
          pValue: z.number(),
          qValue: z.number(),
          runsNeeded: nullable(z.number().int()),
          timing: z.enum(['server', 'client']).describe('a query EXPLAIN refused is timed by the client under server timing'),
          evidence: WorkEvidence,
          reason: z.string(),
          message: z.string().optional(),
        }),
      ),
      unmatched: z.array(obj({ id: z.string(), reason: z.string() })),
      summary: obj({ regression: z.number().int(), improvement: z.number().int(), unchanged: z.number().int(), inconclusive: z.number().int(), certain: z.number().int() }),
      fails: z.boolean(),
      wallMs: z.number(),
      notes: z.array(z.string()),
    }),
  },
  'perf-list': {
    commands: ['perf list'],
    schema: document({ baselines: z.array(obj({ id: z.string(), name: z.string(), file: z.string(), createdAt: iso, environment: z.string(), serverVersion: z.string(), queries: z.number().int(), runs: z.number().int(), gitCommit: nullable(z.string()) })) }),
  },
  'perf-import-statements': {
    commands: ['perf import-statements'],
    schema: document({
      statements: z.array(obj({ name: z.string(), queryId: z.string(), sql: z.string(), calls: z.number(), totalExecMs: z.number(), meanExecMs: z.number(), placeholders: z.number().int(), readOnly: z.boolean() })),
      skipped: z.number().int(),
      added: z.number().int(),
      file: nullable(z.string()),
      yaml: z.string().optional(),
    }),
  },
  'demo-seed': {
    commands: ['demo seed'],
    schema: document({ rows: z.number().int(), seconds: z.number(), skipped: z.boolean() }),
  },
  metrics: {
    commands: ['metrics --format json'],
    schema: document({ project: z.string(), connection: z.string(), metrics: z.array(MetricFamily) }),
  },
  drift: {
    commands: ['drift'],
    schema: document({
      connection: z.string(),
      versions: z.array(z.string()).describe('the migrations the live schema is compared with'),
      differences: z.array(DriftDifference),
      liveServer: z.string().describe('server_version of the live database'),
      scratchServer: z.string().describe('server_version of the scratch server the migrations were applied on'),
      note: nullable(z.string()).describe('set when the two servers are of different major versions'),
    }),
  },
  baseline: {
    commands: ['baseline'],
    schema: document({
      connection: z.string(),
      version: z.string().describe('--version'),
      refused: z.boolean().describe('the live schema differs from the migrations: nothing recorded'),
      recorded: z.array(z.string()).describe('the migrations recorded as applied without running them'),
      alreadyApplied: z.array(z.string()),
      differences: z.array(DriftDifference),
    }),
  },
  'down-draft': {
    commands: ['down draft'],
    schema: document({
      version: z.string(),
      name: z.string(),
      hasDown: z.boolean().describe('the migration already has a .down.sql'),
      sql: z.string().describe('the drafted down migration, starting with a -- DRAFT comment'),
      steps: z.array(obj({ line: z.number().int().min(1).describe('line of the up statement'), up: z.string(), down: nullable(z.string()).describe('the reversing SQL (null: irreversible)'), note: nullable(z.string()) })),
      irreversible: z.array(obj({ line: z.number().int().min(1), statement: z.string(), reason: z.string() })),
    }),
  },
  'rollout-plan': {
    commands: ['rollout plan'],
    schema: document(RolloutPlanValue.shape),
  },
  'rollout-start': {
    commands: ['rollout start'],
    schema: document({ rolloutId: z.string().describe('the rollout id (a UUID); printed without --wait or --workers (with them: the rollout-status document)'), plan: RolloutPlanValue }),
  },
  'rollout-status': {
    commands: ['rollout status', 'rollout start --wait', 'rollout start --workers N', 'rollout pause', 'rollout resume', 'rollout abort'],
    schema: document(RolloutStatusValue),
  },
} satisfies Record<string, { commands: string[]; schema: z.ZodType }>;

export type CliDocumentName = keyof typeof CLI_DOCUMENTS;

/** The JSON Schema (draft-07) of one document, as published in docs/schemas/<name>.json. */
export function jsonSchemaOf(name: CliDocumentName): Record<string, unknown> {
  const d = CLI_DOCUMENTS[name];
  const schema = z.toJSONSchema(d.schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `https://github.com/confiture/confiture-desktop/blob/main/docs/schemas/${name}.json`,
    title: `confiture ${d.commands[0]} --format json`,
    description: `Printed by: ${d.commands.join('; ')}. Generated from src-main/cli/json-schemas.ts; do not edit.`,
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
