/** The risk report: score, level, factor breakdown, intervals. Owned by src-main/risk. */
import type { LockBlocks, OperationClass, RelationLock } from './locks';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const FACTOR_NAMES = [
  'lock_impact',
  'blocking_window',
  'data_volume',
  'traffic',
  'lock_queue',
  'reversibility',
  'dependencies',
  'findings',
  'anomalies',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export interface RiskFactor {
  name: FactorName;
  /** 0–1 */
  value: number;
  /** the plausible range of the value given what we do not know */
  low: number;
  high: number;
  weight: number;
  /** weight × value × 100: points of the score */
  contribution: number;
  explanation: string;
}

export interface BlockingWindow {
  /** predicted time other sessions wait on this migration's locks (ms) */
  estimate: number;
  /** 90 % prediction interval */
  low: number;
  high: number;
  /** what the estimate rests on */
  basis: 'none' | 'rehearsal' | 'history' | 'measured_throughput' | 'default_throughput' | 'no_catalog';
  /** the measured rate this rests on varied this much (×) between calibrations, beyond a calm server's: the interval was widened for it */
  variability?: number;
}

export interface Finding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  statementIndex: number;
}

export interface StatementRisk {
  index: number;
  kind: string;
  line: number;
  sql: string;
  score: number;
  level: RiskLevel;
  locks: RelationLock[];
  rewrites: boolean;
  scans: boolean;
  blocks: LockBlocks;
  operation: OperationClass;
  /** predicted duration of the statement itself (ms) */
  durationMs: BlockingWindow;
  /** time it keeps others waiting: duration (if it holds a blocking lock) + lock-queue exposure */
  blockingWindowMs: BlockingWindow;
  factors: RiskFactor[];
  safeAlternative: string | null;
  notes: string[];
  rehearsal: {
    durationMs: number | null;
    anomalies: string[];
    /** what the model predicted before the rehearsal measured it */
    predictedMs?: BlockingWindow;
    /** where the measurement fell: inside the 90 % interval, outside it, or far outside (> ×2 beyond a bound: an anomaly) */
    verdict?: 'inside' | 'outside' | 'far_outside' | 'not_measured';
  } | null;
}

export interface CatalogFact {
  table: string;
  sizeBytes: number;
  indexBytes: number;
  rowEstimate: number | null;
  lastAnalyze: string | null;
  staleStats: boolean;
  readsPerSec: number | null;
  writesPerSec: number | null;
  foreignKeys: number;
  views: number;
  triggers: number;
  functions: number;
  /** sessions in a long transaction holding a lock on this table */
  heldByLongTransactions: number;
}

export interface RiskInputs {
  catalog: boolean;
  staleStats: string[];
  rehearsed: boolean;
  throughput: 'measured' | 'default';
  historySamples: number;
  findings: boolean;
  lockTimeoutMs: number;
  pgVersion: number;
  /** the file runs in one transaction: every lock is held until COMMIT */
  transactional: boolean;
}

export interface MigrationRisk {
  version: string;
  name: string;
  checksum: string;
  score: number;
  level: RiskLevel;
  /** confidence interval of the score */
  interval: [number, number];
  blockingWindowMs: BlockingWindow;
  factors: RiskFactor[];
  statements: StatementRisk[];
  facts: CatalogFact[];
  inputs: RiskInputs;
  /** why the level is higher than the score alone says */
  floors: string[];
  /** SHA-256 of the report's assessment (what an approval is bound to) */
  hash: string;
}

export interface Calibration {
  /** real applies with a prediction */
  samples: number;
  /** of which the actual duration fell inside the predicted 90 % interval */
  inside: number;
  /** inside / samples, null without samples; target 0.9 */
  coverage: number | null;
}

/** The data-bound rates a calibration measures. */
export type ThroughputRate = 'seqScan' | 'indexBuild' | 'indexBuildPlain' | 'rewrite' | 'dml' | 'dmlDelete';

export interface Throughput {
  /** bytes per millisecond */
  seqScan: number;
  /** an index build whose keys compare through a collation (text), or of unknown keys: the geometric mean of an integer and a random-text index */
  indexBuild: number;
  /**
   * an index build whose keys need no collation (integers, timestamps, uuid, text in "C"): the
   * integer index alone (absent in calibrations made before it: `indexBuild` is used)
   */
  indexBuildPlain?: number;
  rewrite: number;
  /**
   * µs per call of the built-in functions a rewrite may evaluate per row (a volatile DEFAULT,
   * identity/serial `nextval`), measured on this server (absent in older calibrations)
   */
  perRowUs?: Record<string, number>;
  /**
   * UPDATE/DELETE of every row of a logged table with two indexes: bytes (table + indexes) per
   * ms, with index maintenance, WAL and TOAST included (absent in calibrations made before it)
   */
  dml?: number;
  /** DELETE of every row of the same table: bytes (table only: no index entry is written) per ms */
  dmlDelete?: number;
  /** a catalog-only ALTER TABLE on this server (ms) */
  catalogMs?: number;
  /**
   * How much each measured rate varied on this server (≥ 1): the highest over the lowest rate among
   * the last calibrations, or between the rounds of one, whichever is larger. A calm server shows
   * ≤ ×1.35; a loaded one more, and the intervals built on that rate widen with it.
   */
  variability?: Partial<Record<ThroughputRate, number>>;
  source: 'measured' | 'default';
  measuredAt: string | null;
}

/** What the traffic factor of a report rests on: which interval the table rates cover, and whether any verdict reads them. */
export interface TrafficBasis {
  /**
   * some migration's verdict reads the rates: a statement blocking traffic on a table, or a fact
   * about a table that existed before the plan. When none does, the review does not wait for the
   * traffic window (the report is the same with or without rates).
   */
  used: boolean;
  /** rates were measured: over `windowMs` ms, between the two counter reads `from` and `to` (ISO) */
  measured: boolean;
  windowMs: number;
  from: string | null;
  to: string | null;
}

export interface RiskReport {
  generatedAt: string;
  pgVersion: number;
  database: string | null;
  catalogTakenAt: string | null;
  /** the traffic the report rests on (absent in reports made before it was recorded) */
  traffic?: TrafficBasis;
  weights: Record<FactorName, number>;
  cutPoints: { medium: number; high: number; critical: number };
  maxRisk: number | null;
  /** versions whose score exceeds maxRisk */
  exceeded: string[];
  calibration: Calibration | null;
  throughput: Throughput;
  migrations: MigrationRisk[];
  /** the project's `risk.requireApprovalAbove` (null: never required; absent: not a project report) */
  requireApprovalAbove?: RiskLevel | null;
  /**
   * what each migration carries when not everything: `screen` leaves out each statement's factor
   * breakdown; `list` keeps only what a row shows (score, level, interval, blocking window, hash):
   * factors, statements and facts are empty and `risk/migration` gives one migration's by its hash
   */
  detail?: 'screen' | 'list';
}

/** Whether a migration at `level` needs a sign-off under the threshold `above` (null: never). */
export function approvalRequired(level: RiskLevel, above: RiskLevel | null | undefined): boolean {
  return above !== null && above !== undefined && RISK_LEVELS.indexOf(level) > RISK_LEVELS.indexOf(above);
}

export type ApprovalDecision = 'approved' | 'rejected';

export interface ApprovalRecord {
  decision: ApprovalDecision;
  by: string;
  comment: string;
  at: string;
  /** SHA-256 of the migration file it was given on */
  checksum: string;
  /** hash of the risk report it was given on */
  riskHash: string;
  score: number;
  level: RiskLevel;
  /** the audit-log entry that records it */
  auditHash: string;
}

export interface ApprovalFile {
  version: string;
  decisions: ApprovalRecord[];
}

export const APPROVAL_STATES = ['approved', 'rejected', 'missing', 'stale', 'revoked'] as const;

export interface ApprovalState {
  version: string;
  /** `revoked`: the audit log or this version's approval file was tampered with (fail closed until a DBA re-approves) */
  state: (typeof APPROVAL_STATES)[number];
  reason: string;
  latest: ApprovalRecord | null;
  /** distinct approvers of this file (checksum) since its last rejection, when the project asks for several */
  approvers?: string[];
  /** approvers the project requires at this migration's level (`approvals.required`), when more than one */
  required?: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  version: string;
  decision: ApprovalDecision;
  by: string;
  comment: string;
  checksum: string;
  riskHash: string;
  score: number;
  level: RiskLevel;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** every problem found, with the line (1-based; 0 when it is about an approval file) */
  problems: { line: number; message: string }[];
  /** sequence number of the first audit entry that can no longer be trusted (null: chain intact) */
  brokenAt?: number | null;
  /** versions whose approvals are revoked by the tampering (decisions after the break, or a file that disagrees with the log) */
  revoked?: string[];
  /** whether the chain was checked against the anchor in the target database, and how many entries it anchors */
  anchor?: { checked: boolean; anchored: number; database: string | null };
}

/** What the Apply dialog shows before a run: each pending migration's risk and approval state. */
export interface PreflightMigration {
  version: string;
  name: string;
  level: RiskLevel;
  score: number;
  riskHash: string;
  /** the project requires an approval at this level */
  required: boolean;
  state: ApprovalState['state'];
  reason: string;
  /** the gate lets it run (no approval needed, or a current verified one) */
  allowed: boolean;
}

export interface ApplyPreflight {
  /** approval required above this level (null: never) */
  threshold: RiskLevel | null;
  verification: AuditVerification;
  migrations: PreflightMigration[];
  /** migrations run in order: the last one before the first refused (null: none can run) */
  applicableTo: string | null;
  refused: number;
}

/** One past apply of a statement: what the model predicted and what it measured (risk/calibration). */
export interface CalibrationPoint {
  version: string;
  statementIndex: number;
  operation: string;
  predictedMs: number;
  lowMs: number;
  highMs: number;
  actualMs: number;
  inside: boolean;
  at: string;
}

export interface CalibrationHistory {
  points: CalibrationPoint[];
  /** every apply with a prediction (points may be the latest N of them) */
  samples: number;
  inside: number;
}
