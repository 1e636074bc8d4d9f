/**
 * Performance profiling: workloads, baselines (captured samples + plans), comparisons and
 * plan diffs. Shared by the perf service, the CLI's JSON output and the Perf screen.
 */

export type ParamValue = string | number | boolean | null | (string | number | boolean | null)[];

export interface WorkloadParamSet {
  name: string;
  values: ParamValue[];
}

export interface WorkloadQuery {
  name: string;
  description?: string;
  sql: string;
  params: WorkloadParamSet[];
  /** the query writes: it runs only when marked safe, and is always rolled back */
  safeToRun: boolean;
  /** true when the parser sees a plain SELECT (run in BEGIN READ ONLY … ROLLBACK) */
  readOnly: boolean;
  runs?: number;
  warmup?: number;
  tags: string[];
  /** line of the entry in the workload file */
  line?: number;
}

export interface Workload {
  file: string;
  sha256: string;
  queries: WorkloadQuery[];
}

/** A normalised EXPLAIN (ANALYZE, BUFFERS) node. Times are inclusive, over all loops. */
export interface PlanNode {
  /** path from the root, e.g. `0.1.0` */
  id: string;
  nodeType: string;
  relation: string | null;
  alias: string | null;
  index: string | null;
  joinType: string | null;
  strategy: string | null;
  parentRelationship: string | null;
  estRows: number;
  /** actual rows per loop (EXPLAIN's "Actual Rows") */
  actualRows: number | null;
  loops: number | null;
  /** actual rows × loops */
  totalRows: number | null;
  /** max(est/actual, actual/est) per loop; 1 = perfect */
  estimateFactor: number | null;
  totalCost: number;
  /** inclusive time, all loops (ms) */
  totalMs: number | null;
  /** time in this node alone (inclusive minus children) (ms) */
  selfMs: number | null;
  sharedHit: number | null;
  sharedRead: number | null;
  sharedDirtied: number | null;
  tempRead: number | null;
  tempWritten: number | null;
  ioReadMs: number | null;
  ioWriteMs: number | null;
  rowsRemovedByFilter: number | null;
  detail: string | null;
  children: PlanNode[];
}

export interface PlanSummary {
  root: PlanNode;
  planningMs: number | null;
  executionMs: number | null;
  nodeCount: number;
  /** I/O timings were present (track_io_timing on) */
  ioTiming: boolean;
  queryId: string | null;
}

export type PlanChangeKind = 'node_type' | 'index' | 'added' | 'removed' | 'estimate' | 'buffers' | 'rows' | 'time';

export interface PlanChange {
  kind: PlanChangeKind;
  baseId: string | null;
  currentId: string | null;
  relation: string | null;
  message: string;
  /** structural changes (node type, index, added/removed) change the plan; the rest are metric deltas */
  structural: boolean;
}

export interface PlanNodePair {
  baseId: string | null;
  currentId: string | null;
}

export interface PlanDiff {
  changed: boolean;
  /** "Index Scan → Seq Scan on orders" or null when the shape is the same */
  summary: string | null;
  pairs: PlanNodePair[];
  changes: PlanChange[];
}

export interface StatementsDelta {
  queryId: string;
  calls: number;
  totalExecMs: number;
  meanExecMs: number | null;
  rows: number;
  sharedHit: number;
  sharedRead: number;
  tempWritten: number;
}

export interface BaselineQuery {
  /** `name` or `name[paramSet]` when the query has several parameter sets */
  id: string;
  query: string;
  paramSet: string;
  sql: string;
  params: ParamValue[];
  readOnly: boolean;
  samplesMs: number[];
  rows: number | null;
  /** raw EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output */
  explain: unknown;
  explainError?: string;
  statements: StatementsDelta | null;
  error?: string;
}

export interface CaptureOverhead {
  wallMs: number;
  /** time spent inside the timed runs (what the workload itself cost) */
  timedMs: number;
  warmupMs: number;
  explainMs: number;
  /** BEGIN/ROLLBACK, pg_stat_statements snapshots, settings */
  bookkeepingMs: number;
  /** deliberate pauses (production throttle) */
  throttleMs: number;
  /** (everything we sent to the server) / wall time */
  dutyCycle: number;
  /** extra server time caused by profiling, relative to the timed runs */
  overheadPct: number;
}

export interface Baseline {
  format: 'confiture-perf-baseline';
  version: 1;
  id: string;
  name: string;
  createdAt: string;
  environment: {
    name: string;
    production: boolean;
    connection: string;
    database: string;
    clientHost: string;
    platform: string;
    node: string;
    confiture: string;
  };
  server: { version: string; versionNum: number; settings: Record<string, string> };
  git: { commit: string; branch: string | null } | null;
  capture: {
    runs: number;
    warmup: number;
    interleaved: boolean;
    timing: string;
    pgStatStatements: { available: boolean; reason: string | null };
    ioTiming: boolean;
    throttle: { dutyCycle: number } | null;
  };
  workload: { file: string; sha256: string };
  /** set when the baseline was captured around a migration run */
  run?: { runId: string; phase: string; migrations: string[] };
  queries: BaselineQuery[];
  overhead: CaptureOverhead;
  notes: string[];
}

export interface BaselineListItem {
  id: string;
  name: string;
  file: string;
  createdAt: string;
  environment: string;
  serverVersion: string;
  queries: number;
  runs: number;
  gitCommit: string | null;
}

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

/**
 * Deterministic evidence that the work of a query changed, which timing noise cannot touch: the
 * plan shape, the shared buffers (hit + read) of the whole plan from EXPLAIN (ANALYZE, BUFFERS),
 * and the rows returned. `certain` when the plan shape changed, the buffers moved ≥ 2× (and by
 * ≥ 10 blocks) or the row count changed.
 */
export interface WorkEvidence {
  /** both sides had a plan with buffer counts */
  available: boolean;
  planChanged: boolean;
  planSummary: string | null;
  /** shared buffers hit + read of the whole plan: before (baseline), after (current) */
  buffers: [number | null, number | null];
  /** after / before (null when unknown or before was 0 and after not) */
  buffersRatio: number | null;
  rows: [number | null, number | null];
  rowsChanged: boolean;
  /** the work changed, whatever the timings say */
  certain: boolean;
  /** more / less work by the buffer count when it moved, else null */
  direction: 'more' | 'less' | null;
  /** the planner's estimated total cost of the whole plan: before, after */
  planCost: [number | null, number | null];
  /** when the plan changed and both costs are known: the way the planner expected it to go */
  planDirection: 'costlier' | 'cheaper' | 'same' | null;
  summary: string;
}

export interface QueryComparison {
  id: string;
  query: string;
  paramSet: string;
  baselineMedianMs: number;
  currentMedianMs: number;
  /** current / baseline medians */
  ratio: number;
  /** bootstrap percentile interval of the ratio at `ciLevel` */
  ci: [number, number];
  ciLevel: number;
  /** ratio / the common shift of the workload (`environment.ratio`); equals `ratio` when no drift correction was applied */
  adjustedRatio: number;
  /** interval of `adjustedRatio`, widened by the uncertainty of the common shift; equals `ci` when no correction was applied */
  adjustedCi: [number, number];
  /** judged on `adjustedRatio` / `adjustedCi` and a test on timings divided by the common shift */
  verdict: Verdict;
  /** two-sided Mann–Whitney p-value on the raw timings; with drift correction, the larger of Mann–Whitney on current timings divided by the common shift and the z-test of the query's relative move against the spread of the workload */
  pValue: number;
  /** Benjamini–Hochberg adjusted p-value across all compared queries */
  qValue: number;
  /** for inconclusive: runs per side that would likely decide (null when no number of runs would) */
  runsNeeded: number | null;
  planChanged: boolean;
  planSummary: string | null;
  /** plan shape, buffers and rows of both sides: certain evidence of a change of work, or its absence */
  evidence?: WorkEvidence;
  reason: string;
  /** the migration(s) most likely responsible (filled when compared around a migration run) */
  blamedMigration?: string | null;
  message?: string;
}

export interface ComparisonMethod {
  statistic: string;
  interval: string;
  test: string;
  correction: string;
  /** how the common shift of the workload was handled */
  drift: string;
  alpha: number;
  threshold: number;
  seed: number;
  resamples: number;
}

/**
 * The common shift of the whole workload between two captures: the median over queries of the
 * ratio of medians, with a bootstrap interval over queries. Machine load, cache warmth, CPU
 * frequency or a global change (settings, hardware) move every query together: that is reported
 * here, once, and each query is judged relative to it.
 */
export interface EnvironmentShift {
  /** median over queries of current/baseline ratios (1 = no common shift) */
  ratio: number;
  /** bootstrap (over queries) interval of `ratio` at the comparison's level; null when too few queries */
  ci: [number, number] | null;
  /** shifted: significant (interval excludes 1) and beyond the threshold; stable: not; unknown: too few queries to tell */
  verdict: 'shifted' | 'stable' | 'unknown';
  /** slower / faster when shifted, else null */
  direction: 'slower' | 'faster' | null;
  /** true when per-query verdicts were judged relative to `ratio` */
  applied: boolean;
  /** queries the shift was estimated from */
  queries: number;
  /** the least number of queries needed to estimate (and correct for) the common shift */
  minQueries: number;
  note: string;
}

export interface Comparison {
  baseline: { id: string; name: string; createdAt: string };
  current: { id: string; name: string; createdAt: string };
  method: ComparisonMethod;
  /** the common shift of the workload; a significant common slowdown beyond the threshold fails `perf compare` (exit 1) */
  environment: EnvironmentShift;
  queries: QueryComparison[];
  /** queries only in one side, or that failed in one side */
  unmatched: { id: string; reason: string }[];
  summary: Record<Verdict, number>;
  /** environment differences that weaken the comparison (server version, settings, host) */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// interleaved A/B: the workload run alternately on a before and an after database

/** One query case measured on both sides, pair by pair (the order within each pair randomised). */
export interface AbCase {
  id: string;
  query: string;
  paramSet: string;
  sql: string;
  /** before (A) and after (B) times of each pair, ms: the server's planning + execution time, or the client's wall time (`timing`) */
  pairs: { a: number; b: number; order: 'AB' | 'BA' }[];
  /** how this case's pairs were timed (absent in captures before server timing: client) */
  timing?: 'server' | 'client';
  rows: [number | null, number | null];
  /** EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on each side, after the warm-up */
  explain: [unknown, unknown];
  error?: string;
}

export interface AbCapture {
  format: 'confiture-perf-ab';
  version: 1;
  createdAt: string;
  before: { label: string; database: string };
  after: { label: string; database: string };
  server: { version: string; versionNum: number };
  runs: number;
  warmup: number;
  /** seed of the A/B order of each pair */
  orderSeed: number;
  /** session pairs the timed rounds ran in (a fresh pair per round, so each query's pairs are independent) */
  sessions: number;
  /** how runs were timed (absent in captures before server timing: client); a case that could not be EXPLAINed is timed by the client (its own `timing`) */
  timing?: 'server' | 'client';
  /** server timing: EXPLAIN ran with SERIALIZE TEXT (both servers PostgreSQL 17+) */
  serialize?: boolean;
  /** set when both sides are clones of `source` (rehearseAB): `beforeClone` as it was, `clone` with SQL applied */
  rehearsal: AbRehearsal | null;
  cases: AbCase[];
  wallMs: number;
  notes: string[];
}

/** both sides cloned from `source`: `beforeClone` as it was, `clone` with the SQL applied */
export interface AbRehearsal {
  source: string;
  beforeClone: string;
  /** the after side: the clone the SQL was applied to */
  clone: string;
  applied: string[];
}

export interface AbQueryComparison {
  id: string;
  query: string;
  paramSet: string;
  pairs: number;
  beforeMedianMs: number;
  afterMedianMs: number;
  /** exp(Hodges–Lehmann estimate of the paired log ratios log(after/before)): the typical after/before ratio */
  ratio: number;
  /** its distribution-free interval (signed-rank), at `ciLevel` */
  ci: [number, number];
  ciLevel: number;
  verdict: Verdict;
  /** two-sided Wilcoxon signed-rank p-value of the paired log ratios */
  pValue: number;
  /** Benjamini–Hochberg across the compared queries */
  qValue: number;
  runsNeeded: number | null;
  /** how this query's runs were timed (a query EXPLAIN refused is timed by the client under server timing) */
  timing: 'server' | 'client';
  /** plan shape, buffers, rows of both sides: a plan change or ≥ 2× buffers is certain whatever the timings say */
  evidence: WorkEvidence;
  reason: string;
  message?: string;
}

export interface AbComparison {
  mode: 'interleaved';
  createdAt: string;
  before: { label: string; database: string };
  after: { label: string; database: string };
  rehearsal: AbRehearsal | null;
  method: {
    design: string;
    statistic: string;
    interval: string;
    test: string;
    correction: string;
    evidence: string;
    alpha: number;
    threshold: number;
    runs: number;
    orderSeed: number;
    /** session pairs the timed rounds ran in */
    sessions: number;
    /** how runs were timed: the server's planning + execution time (EXPLAIN ANALYZE) or the client's wall time */
    timing: 'server' | 'client';
  };
  queries: AbQueryComparison[];
  unmatched: { id: string; reason: string }[];
  summary: Record<Verdict, number> & { certain: number };
  /** fails (CLI exit 1): a timing regression, or certain evidence of more work (≥ 2× buffers) */
  fails: boolean;
  wallMs: number;
  notes: string[];
}

/** Each query's timings across baselines, oldest first (the Performance screen's history chart). */
export interface PerfHistory {
  baselines: { id: string; name: string; createdAt: string }[];
  series: { id: string; points: { baseline: string; medianMs: number; q1Ms: number; q3Ms: number; runs: number }[] }[];
}
