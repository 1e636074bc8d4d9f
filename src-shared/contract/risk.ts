import { z } from 'zod';
import { procedure } from './define';
import type { CatalogSnapshot } from '../domain/catalog';
import type { LockAnalysis } from '../domain/locks';
import type { ApplyPreflight, ApprovalRecord, ApprovalState, AuditEntry, AuditVerification, CalibrationHistory, MigrationRisk, RiskReport } from '../domain/risk';

const projectDir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
const version = z.string().min(1).max(64).regex(/^[0-9][0-9._]*$/, 'a version is digits, optionally with . or _');

export const FindingInputSchema = z
  .object({ rule: z.string().min(1).max(200), severity: z.enum(['error', 'warning', 'info']), statementIndex: z.number().int().min(0) })
  .strict();

export const riskProcedures = {
  /**
   * risk of pending migrations (or `versions`) against the connection's catalog; no connection = offline.
   * `detail: 'screen'` (the Risk screen) leaves out each statement's factor breakdown (`factors: []`;
   * the migration's own factors, scores and hashes are whole): nearly half the report's bytes at
   * 5,000 migrations, and nothing the screen draws. `detail: 'list'` (the Risk screen since the list
   * of 5,000 took a second to arrive: 13.5 MB) keeps only each row's fields; the selected migration's
   * details come from `risk/migration` by its hash.
   */
  'risk/report': procedure<RiskReport>()(
    z
      .object({
        dir: projectDir,
        connectionId: connectionId.optional(),
        to: version.optional(),
        versions: z.array(version).max(10_000).optional(),
        findings: z.record(version, z.array(FindingInputSchema).max(10_000)).optional(),
        detail: z.enum(['full', 'screen', 'list']).optional(),
      })
      .strict(),
  ),
  /** one migration of a report this engine made (`detail: 'list'`), by its assessment hash, as `screen` detail */
  'risk/migration': procedure<MigrationRisk>()(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'an assessment hash (64 hex digits)') }).strict()),
  /** predicted vs measured duration of past applies (the calibration plot) */
  'risk/calibration': procedure<CalibrationHistory>()(z.object({ dir: projectDir, connectionId, limit: z.number().int().min(1).max(5000).optional() }).strict()),
  'risk/catalog': procedure<CatalogSnapshot>()(
    z.object({ connectionId, windowMs: z.number().int().min(0).max(60_000).optional(), schemas: z.array(z.string().min(1).max(63)).max(100).optional() }).strict(),
  ),
  'locks/analyze': procedure<LockAnalysis>()(
    z.object({ sql: z.string().max(50_000_000), pgVersion: z.number().int().min(13).max(18).optional(), connectionId: connectionId.optional() }).strict(),
  ),
  'approval/decide': procedure<{ record: ApprovalRecord; state: ApprovalState }>()(
    z
      .object({
        dir: projectDir,
        version,
        decision: z.enum(['approved', 'rejected']),
        by: z.string().trim().min(1).max(200),
        comment: z.string().max(10_000).default(''),
        connectionId: connectionId.optional(),
        /** the hash of the risk assessment shown to the DBA: the decision records exactly that one */
        riskHash: z.string().regex(/^[0-9a-f]{64}$/, 'a risk hash is 64 hex digits').optional(),
        /** re-decide after tampering: keep the audit entries before the break, archive the tampered files */
        repair: z.boolean().optional(),
      })
      .strict(),
  ),
  /** approval state of every migration; with a connection, verified against that database's anchor */
  'approval/list': procedure<ApprovalState[]>()(z.object({ dir: projectDir, connectionId: connectionId.optional() }).strict()),
  'approval/audit': procedure<{ entries: AuditEntry[]; verification: AuditVerification }>()(z.object({ dir: projectDir, connectionId: connectionId.optional() }).strict()),
  /** before Apply: each pending migration's risk and approval state, and how far the run can go */
  'approval/preflight': procedure<ApplyPreflight>()(z.object({ dir: projectDir, connectionId, to: version.optional() }).strict()),
} as const;
