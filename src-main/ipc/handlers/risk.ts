import type { Handlers } from '../router';
import { approvalState, auditEntries, decide, listApprovals, verifyAuditLog } from '../../approval';
import { snapshotCatalog } from '../../catalog';
import { analyzeLocks } from '../../locks';
import { initParser, parseSql } from '../../parse';
import { ConfitureError } from '../../errors';
import { findMigration, openValidProject } from '../../project';
import { riskReportForProject } from '../../risk';
import { reviewProject } from '../../review';

type RiskProcedure = 'risk/report' | 'risk/catalog' | 'locks/analyze' | 'approval/decide' | 'approval/list' | 'approval/audit';

export const riskHandlers: Pick<Handlers, RiskProcedure> = {
  'risk/report': async ({ dir, connectionId, to, versions, findings }, ctx) => {
    const project = openValidProject(dir);
    const pool = connectionId ? ctx.connections.pool(connectionId) : null;
    // findings given by the caller win; otherwise the rule library runs with the same catalog snapshot
    if (findings) return riskReportForProject(project, pool, { ...(to ? { to } : {}), ...(versions ? { versions } : {}), offline: !pool, findings });
    return reviewProject(project, pool, { ...(to ? { to } : {}), ...(versions ? { versions } : {}) });
  },
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
  'approval/decide': async ({ dir, version, decision, by, comment, connectionId }, ctx) => {
    const project = openValidProject(dir);
    const m = findMigration(project, version);
    const pool = connectionId ? ctx.connections.pool(connectionId) : null;
    const report = await riskReportForProject(project, pool, { versions: [m.version], offline: !pool });
    const risk = report.migrations[0]!;
    const record = decide(project, { version: m.version, decision, by, comment, risk });
    return { record, state: approvalState(project, m.version, risk) };
  },
  'approval/list': async ({ dir }) => listApprovals(openValidProject(dir)),
  'approval/audit': async ({ dir }) => {
    const project = openValidProject(dir);
    return { entries: auditEntries(project.dir), verification: verifyAuditLog(project.dir) };
  },
};
