import type { Handlers } from '../router';
import { applyPreflight, approvalContextFor, approvalState, auditEntries, listApprovals, recallRisk, recordDecision, rememberRisk, riskForDecision } from '../../approval';
import { snapshotCatalog } from '../../catalog';
import { analyzeLocks } from '../../locks';
import { initParser, parseSql } from '../../parse';
import { ConfitureError } from '../../errors';
import { findMigration, openValidProject } from '../../project';
import { loadCalibrationPoints, riskReportForProject } from '../../risk';
import { reviewProject } from '../../review';
import type { MigrationRisk, RiskReport } from '../../../src-shared/domain/risk';

type RiskProcedure = 'risk/report' | 'risk/migration' | 'risk/calibration' | 'risk/catalog' | 'locks/analyze' | 'approval/decide' | 'approval/list' | 'approval/audit' | 'approval/preflight';

/** One migration as the Risk screen draws it: each statement's factor breakdown left out (the screen draws the migration's). */
const screenMigration = (m: MigrationRisk): MigrationRisk => ({ ...m, statements: m.statements.map((s) => ({ ...s, factors: [] })) });

/**
 * The report at the detail asked for: `screen` without the statements' factor breakdowns; `list`
 * with only what a row of the list shows (the details of one come from `risk/migration`, by hash,
 * out of the assessments `rememberRisk` keeps).
 */
function forScreen(report: RiskReport, detail: 'full' | 'screen' | 'list' | undefined): RiskReport {
  if (detail === 'screen') return { ...report, detail: 'screen', migrations: report.migrations.map(screenMigration) };
  if (detail === 'list') return { ...report, detail: 'list', migrations: report.migrations.map((m) => ({ ...m, factors: [], statements: [], facts: [] })) };
  return report;
}

export const riskHandlers: Pick<Handlers, RiskProcedure> = {
  'risk/report': async ({ dir, connectionId, to, versions, findings, detail }, ctx) => {
    const project = openValidProject(dir);
    const pool = connectionId ? ctx.connections.pool(connectionId) : null;
    // findings given by the caller win; otherwise the rule library runs with the same catalog snapshot
    if (findings && detail === 'list') throw new ConfitureError('invalid_input', "detail 'list' serves its details from the engine's own review: leave out findings", { field: 'detail' });
    if (findings) return forScreen(await riskReportForProject(project, pool, { ...(to ? { to } : {}), ...(versions ? { versions } : {}), offline: !pool, findings }), detail);
    // the one computation the badge, the charts, the Approve button and the recorded approval share
    const report = await reviewProject(project, pool, { ...(to ? { to } : {}), ...(versions ? { versions } : {}) });
    // remembered whole: an approval records the full assessment the screen's hash names
    rememberRisk(report);
    return forScreen(report, detail);
  },
  'risk/migration': async ({ hash }) => {
    const m = recallRisk(hash);
    if (!m) throw new ConfitureError('not_found', 'This assessment is no longer in memory (the app restarted, or it is over an hour old): re-assess to see its details', { field: 'hash' });
    return screenMigration(m);
  },
  'risk/calibration': async ({ dir, connectionId, limit }, ctx) => loadCalibrationPoints(ctx.connections.pool(connectionId), openValidProject(dir).trackingSchema, limit ?? 500),
  'risk/catalog': async ({ connectionId, windowMs, schemas }, ctx) =>
    snapshotCatalog(ctx.connections.pool(connectionId), { windowMs: windowMs ?? 1000, ...(schemas ? { schemas } : {}) }),
  'locks/analyze': async ({ sql, pgVersion, connectionId }, ctx) => {
    await initParser();
    const parsed = parseSql(sql);
    const err = parsed.problems.find((p) => p.severity === 'error');
    if (err) throw new ConfitureError('parse_error', err.message, { line: err.line, column: err.column });
    const catalog = connectionId ? await snapshotCatalog(ctx.connections.pool(connectionId), { windowMs: 0 }) : null;
    return analyzeLocks(parsed, { pgVersion: pgVersion ?? catalog?.server.major ?? 18, catalog });
  },
  'approval/decide': async ({ dir, version, decision, by, comment, connectionId, riskHash, repair }, ctx) => {
    const project = openValidProject(dir);
    const m = findMigration(project, version);
    const pool = connectionId ? ctx.connections.pool(connectionId) : null;
    const risk = await riskForDecision(project, pool, m.version, riskHash);
    const { record } = await recordDecision(project, pool, { version: m.version, decision, by, comment, risk }, { repair: repair === true });
    return { record, state: approvalState(project, m.version, risk, await approvalContextFor(project, pool)) };
  },
  'approval/list': async ({ dir, connectionId }, ctx) => {
    const project = openValidProject(dir);
    return listApprovals(project, await approvalContextFor(project, connectionId ? ctx.connections.pool(connectionId) : null));
  },
  'approval/audit': async ({ dir, connectionId }, ctx) => {
    const project = openValidProject(dir);
    const { verification } = await approvalContextFor(project, connectionId ? ctx.connections.pool(connectionId) : null);
    return { entries: auditEntries(project.dir), verification };
  },
  'approval/preflight': async ({ dir, connectionId, to }, ctx) => applyPreflight(openValidProject(dir), ctx.connections.pool(connectionId), to ? { to } : {}),
};
