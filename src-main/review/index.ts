/**
 * The review of a migration before approval: one catalog snapshot of the target database feeds
 * both the rule library (size-aware, "is this table new?" checks) and the risk model, and the
 * lint findings become one of the risk factors. Used by `confiture risk`, `risk/report`, the
 * approval gate of `migrate up` and `confiture lint --db`.
 */
import type { CatalogSnapshot } from '../../src-shared/domain/catalog';
import type { Finding as RiskFinding, RiskReport } from '../../src-shared/domain/risk';
import { type snapshotCatalog, startCatalogSnapshot } from '../catalog';
import { lintProject, type LintCatalog, type LintCatalogTable } from '../lint';
import type { Project } from '../project';
import { loadRiskData, riskReportFromData, type riskReportForProject } from '../risk';

type Q = Parameters<typeof snapshotCatalog>[0] & Parameters<typeof riskReportForProject>[1];

/** The rule library's view of a catalog snapshot: `schema.table`, and bare names for `public`. */
export function toLintCatalog(snapshot: CatalogSnapshot): LintCatalog {
  const tables = new Map<string, LintCatalogTable>();
  for (const t of snapshot.tables) {
    const entry: LintCatalogTable = {
      rows: Math.max(0, t.rowEstimate ?? 0),
      bytes: t.sizeBytes + t.indexBytes,
      columns: new Map(t.columns.map((c) => [c.name, c.type])),
    };
    tables.set(`${t.schema}.${t.name}`, entry);
    if (t.schema === 'public') tables.set(t.name, entry);
  }
  // the locks service reads the whole snapshot (FKs, indexes, functions, TimeZone), as risk does
  return { tables, snapshot };
}

export type FindingsByVersion = Record<string, RiskFinding[]>;

/**
 * Lint findings of every migration (suppressed ones excluded), keyed by version, for the risk
 * model. Lint reads the migrations as one plan (each file knows what earlier ones created and
 * proved) against the same catalog snapshot as the risk model, and targets the server's
 * PostgreSQL version unless lint.pgVersion pins another.
 */
export async function findingsByVersion(project: Project, opts: { catalog?: CatalogSnapshot | null; pgVersion?: number } = {}): Promise<FindingsByVersion> {
  const report = await lintProject(project.dir, {
    project,
    ...(opts.catalog ? { catalog: toLintCatalog(opts.catalog) } : {}),
    ...(opts.pgVersion ? { pgVersion: { value: opts.pgVersion >= 1000 ? Math.floor(opts.pgVersion / 10000) : opts.pgVersion, source: 'server' as const } } : {}),
  });
  const byPath = new Map(project.migrations.map((m) => [m.upPath, m.version]));
  const out: FindingsByVersion = {};
  for (const f of report.files) {
    const version = byPath.get(f.path);
    if (!version) continue;
    // the risk model knows three severities; a critical lint finding weighs as an error there
    out[version] = f.findings
      .filter((x) => !x.suppressed)
      .map((x) => ({ rule: x.rule, severity: x.severity === 'critical' ? 'error' : x.severity, statementIndex: x.statementIndex ?? 0 }));
  }
  return out;
}

export interface ReviewOptions {
  to?: string;
  versions?: string[];
  /** reuse a snapshot already taken */
  catalog?: CatalogSnapshot;
}

/**
 * Risk report with lint findings and a catalog snapshot taken once for both. Lint runs inside the
 * snapshot's traffic window (it needs the catalog, not the traffic); every other database read
 * (pending versions, rehearsals, throughput, history) comes before the model's CPU work (parsing,
 * scoring): at 5,000 migrations that work is seconds, and a read queued behind it could time out
 * waiting for a pool connection. Lint yields to the event loop every 100 files.
 *
 * The model then runs once on the catalog without traffic, still inside the window. When no
 * verdict reads the rates (no statement blocks traffic on, and no fact is about, a table that
 * existed before the plan: `report.traffic.used` false) that report is the one the window would
 * have given, rates aside, so the review returns it without waiting for the window to close
 * (`traffic.measured` false says so). Otherwise it waits, reads the counters again and runs the
 * model on the complete snapshot (`traffic.windowMs`, `from`, `to`: the interval the rates cover).
 */
export async function reviewProject(project: Project, db: Q | null, opts: ReviewOptions = {}): Promise<RiskReport> {
  // lint reads the catalog, not the traffic: it runs while the snapshot's traffic window is open
  const pending = opts.catalog || !db ? null : await startCatalogSnapshot(db, { windowMs: project.config.risk.snapshotWindow, longTransactionMs: project.config.risk.longTransaction });
  const forLint = opts.catalog ?? pending?.catalog ?? null;
  const findings = await findingsByVersion(project, { catalog: forLint, ...(forLint ? { pgVersion: forLint.server.versionNum } : {}) } /* versionNum: 180004 → 18 */);
  const data = await loadRiskData(project, db, {
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.versions ? { versions: opts.versions } : {}),
    ...(forLint ? { catalog: forLint } : {}),
    ...(db ? {} : { offline: true }),
  });
  const report = await riskReportFromData(project, data, findings);
  if (!pending || !report.traffic?.used || project.config.risk.snapshotWindow <= 0) return report;
  // a verdict reads the rates: close the window, and assess again with them
  return riskReportFromData(project, { ...data, catalog: await pending.complete() }, findings);
}
