/**
 * Risk assessment: the model (pure), the measurements that keep it honest, and the
 * project-level entry point the CLI, IPC handlers and the engine use.
 */
import type pg from 'pg';
import type { CatalogSnapshot } from '../../src-shared/domain/catalog';
import type { Finding, RiskReport } from '../../src-shared/domain/risk';
import { snapshotCatalog } from '../catalog';
import { ConfitureError } from '../errors';
import { initParser } from '../parse';
import { parseSqlCached } from '../parse/cache';
import { compareVersions, readMigrationSql, type Project } from '../project';
import { migrationStatus } from '../status';
import { assessRisk, type MigrationInput } from './model';
import { loadHistory, loadRehearsals, loadThroughput } from './history';

export { assessRisk, levelOf, levelRank, riskHash, windowScale, volumeScale, trafficScale, DEFAULT_WEIGHTS, CUT_POINTS, DEFAULT_THROUGHPUT, fmtMs, fmtBytes } from './model';
export type { AssessRiskInput, MigrationInput, RiskHistory } from './model';
export {
  ensureRiskTables,
  recordRehearsal,
  loadRehearsals,
  measureThroughput,
  loadThroughput,
  recordPredictions,
  recordActual,
  recordActuals,
  loadHistory,
  loadCalibrationPoints,
  riskHistoryListener,
  isRiskReport,
} from './history';
export { RiskConfigSchema, type RiskConfig } from './config';

type Q = pg.Pool | pg.ClientBase;

export interface ProjectRiskOptions {
  /** assess pending migrations up to and including this version (default: all pending) */
  to?: string;
  /** assess these versions whatever their state */
  versions?: string[];
  /** a snapshot taken earlier; otherwise one is taken now */
  catalog?: CatalogSnapshot | null;
  /** skip the database entirely (no catalog, no measurements) */
  offline?: boolean;
  findings?: Record<string, Finding[]> | null;
  /** the transaction predictions before rehearsal assume (default `migration`; `plan`: the dry-run's one transaction) */
  transactionScope?: 'migration' | 'plan';
}

/** Parses the project's migrations into the model's input. */
export async function migrationInputs(project: Project, versions: string[]): Promise<MigrationInput[]> {
  await initParser();
  const want = new Set(versions);
  const out: MigrationInput[] = [];
  for (const m of project.migrations) {
    if (!want.has(m.version)) continue;
    const parsed = parseSqlCached(readMigrationSql(m.upPath), m.upPath);
    const err = parsed.problems.find((p) => p.severity === 'error');
    if (err) throw new ConfitureError('parse_error', `${m.upPath}:${err.line}:${err.column}: ${err.message}`, { file: m.upPath, line: err.line, column: err.column });
    out.push({ version: m.version, name: m.name, checksum: m.checksum, parsed, hasDown: m.downPath !== null });
  }
  return out;
}

/** What the risk model reads from the database (and the versions to assess): read before any CPU work. */
export interface RiskData {
  versions: string[];
  catalog: CatalogSnapshot | null;
  rehearsals: Awaited<ReturnType<typeof loadRehearsals>> | null;
  throughput: Awaited<ReturnType<typeof loadThroughput>> | null;
  history: Awaited<ReturnType<typeof loadHistory>> | null;
}

/**
 * The database reads of a risk report: the versions to assess (pending up to `to`), a catalog
 * snapshot (traffic window from `risk.snapshotWindow`), stored rehearsals, throughput and history.
 * Done first and all together, so the CPU work after (parsing, lint, the model) cannot starve a
 * pool connect of the event loop halfway through.
 */
export async function loadRiskData(project: Project, db: Q | null, opts: Omit<ProjectRiskOptions, 'findings'> = {}): Promise<RiskData> {
  const cfg = project.config.risk;
  let versions: string[];
  if (opts.versions) versions = opts.versions;
  else if (db && !opts.offline) {
    const { migrations } = await migrationStatus(project, db);
    versions = migrations.filter((m) => m.state === 'pending').map((m) => m.version);
  } else versions = project.migrations.map((m) => m.version);
  if (opts.to) {
    if (!project.migrations.some((m) => compareVersions(m.version, opts.to!) === 0)) throw new ConfitureError('not_found', `No migration with version ${opts.to}`, { field: 'to' });
    versions = versions.filter((v) => compareVersions(v, opts.to!) <= 0);
  }
  let catalog = opts.catalog ?? null;
  let rehearsals = null;
  let throughput = null;
  let history = null;
  if (db && !opts.offline) {
    catalog ??= await snapshotCatalog(db, { windowMs: cfg.snapshotWindow, longTransactionMs: cfg.longTransaction });
    const want = new Set(versions);
    const checksums = Object.fromEntries(project.migrations.filter((m) => want.has(m.version)).map((m) => [m.version, m.checksum]));
    // one after the other: `db` may be a single client (a fleet worker's target), where queries
    // piled up at once are deprecated by pg (and printed a warning per target)
    rehearsals = await loadRehearsals(db, project.trackingSchema, checksums);
    throughput = await loadThroughput(db, project.trackingSchema);
    history = await loadHistory(db, project.trackingSchema);
  }
  return { versions, catalog, rehearsals, throughput, history };
}

/** The risk report from data already read (no database access): parses the migrations and runs the model. */
export async function riskReportFromData(
  project: Project,
  data: RiskData,
  findings: Record<string, Finding[]> | null = null,
  opts: Pick<ProjectRiskOptions, 'transactionScope'> = {},
): Promise<RiskReport> {
  const cfg = project.config.risk;
  const inputs = await migrationInputs(project, data.versions);
  const report = assessRisk({
    migrations: inputs,
    catalog: data.catalog,
    rehearsals: data.rehearsals,
    throughput: data.throughput,
    history: data.history,
    findings,
    lockTimeoutMs: project.config.engine.lockTimeout,
    weights: cfg.weights,
    maxRisk: cfg.maxRisk,
    ...(opts.transactionScope ? { transactionScope: opts.transactionScope } : {}),
  });
  // the project's approval threshold travels with the report: a screen tells "not required" from "not approved"
  return { ...report, requireApprovalAbove: cfg.requireApprovalAbove };
}

/**
 * The risk report of a project against a database: pending migrations (up to `to`), a catalog
 * snapshot (traffic window from `risk.snapshotWindow`), stored rehearsals, throughput and history.
 */
export async function riskReportForProject(project: Project, db: Q | null, opts: ProjectRiskOptions = {}): Promise<RiskReport> {
  const { findings, transactionScope, ...load } = opts;
  return riskReportFromData(project, await loadRiskData(project, db, load), findings ?? null, transactionScope ? { transactionScope } : {});
}
