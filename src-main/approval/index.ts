/**
 * Approvals: a DBA's sign-off on a migration, bound to the file's checksum and to the risk report
 * it was given on. Stored as reviewable JSON in the project (`approvals/<version>.json`, atomic
 * writes); every decision is appended to `approvals/audit.log`, a SHA-256 hash chain in which any
 * edit, deletion, insertion or reordering of an entry — and any decision missing from it — shows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LifecycleListener } from '../../src-shared/domain/lifecycle';
import type { ApprovalDecision, ApprovalFile, ApprovalRecord, ApprovalState, AuditEntry, AuditVerification, MigrationRisk, RiskLevel } from '../../src-shared/domain/risk';
import { ConfitureError } from '../errors';
import { canonicalVersion, findMigration, type Project } from '../project';
import { isRiskReport, levelRank } from '../risk';

export const APPROVALS_DIR = 'approvals';
export const AUDIT_FILE = 'audit.log';
const GENESIS = '0'.repeat(64);

function approvalsDir(projectDir: string): string {
  return path.join(projectDir, APPROVALS_DIR);
}

function approvalPath(projectDir: string, version: string): string {
  return path.join(approvalsDir(projectDir), `${canonicalVersion(version)}.json`);
}

/** Writes a file atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([e.seq, e.at, e.version, e.decision, e.by, e.comment, e.checksum, e.riskHash, e.score, e.level, e.prevHash]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export function readApprovalFile(projectDir: string, version: string): ApprovalFile {
  const file = approvalPath(projectDir, version);
  if (!fs.existsSync(file)) return { version, decisions: [] };
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ApprovalFile;
    if (!Array.isArray(parsed.decisions)) throw new Error('no decisions array');
    return parsed;
  } catch (e) {
    throw new ConfitureError('invalid_input', `${file} is not a valid approval file: ${(e as Error).message}`, { file });
  }
}

export function readAuditLog(projectDir: string): { entries: AuditEntry[]; lines: string[] } {
  const file = path.join(approvalsDir(projectDir), AUDIT_FILE);
  if (!fs.existsSync(file)) return { entries: [], lines: [] };
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const entries: AuditEntry[] = [];
  for (const l of lines) {
    try {
      entries.push(JSON.parse(l) as AuditEntry);
    } catch {
      entries.push({ seq: -1 } as AuditEntry);
    }
  }
  return { entries, lines };
}

/** Re-computes the chain and checks every approval file's decisions are recorded in it. */
export function verifyAuditLog(projectDir: string): AuditVerification {
  const { entries } = readAuditLog(projectDir);
  const problems: AuditVerification['problems'] = [];
  let prev = GENESIS;
  const hashes = new Set<string>();
  entries.forEach((e, i) => {
    const line = i + 1;
    if (e.seq === -1) {
      problems.push({ line, message: 'not valid JSON' });
      return;
    }
    if (e.seq !== i + 1) problems.push({ line, message: `sequence ${e.seq}, expected ${i + 1}: an entry was removed, inserted or reordered` });
    if (e.prevHash !== prev) problems.push({ line, message: 'prevHash does not match the previous entry: the chain is broken' });
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) problems.push({ line, message: `entry ${e.seq} (${e.version} ${e.decision} by ${e.by}) was modified: its hash does not match its content` });
    prev = hash;
    hashes.add(hash);
  });
  const dir = approvalsDir(projectDir);
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      let file: ApprovalFile;
      try {
        file = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ApprovalFile;
      } catch {
        problems.push({ line: 0, message: `${f} is not valid JSON` });
        continue;
      }
      for (const d of file.decisions ?? []) {
        if (!hashes.has(d.auditHash)) problems.push({ line: 0, message: `${f}: the ${d.decision} by ${d.by} at ${d.at} is not in the audit log (log truncated or decision forged)` });
      }
    }
  }
  return { ok: problems.length === 0, entries: entries.length, problems };
}

export interface DecideInput {
  version: string;
  decision: ApprovalDecision;
  by: string;
  comment: string;
  /** the risk assessment of this migration the decision is given on */
  risk: Pick<MigrationRisk, 'version' | 'checksum' | 'hash' | 'score' | 'level'>;
}

/** Records a decision: appends to the audit chain, then rewrites approvals/<version>.json atomically. */
export function decide(project: Project, input: DecideInput): ApprovalRecord {
  const m = findMigration(project, input.version);
  const by = input.by.trim();
  if (!by) throw new ConfitureError('invalid_input', 'An approval needs the name of who gives it (--by)', { field: 'by' });
  if (input.risk.checksum !== m.checksum) {
    throw new ConfitureError('invalid_input', `The risk report was computed for another version of ${path.basename(m.upPath)} (checksum differs): re-run the risk report`, { field: 'risk' });
  }
  const verification = verifyAuditLog(project.dir);
  if (!verification.ok) {
    throw new ConfitureError('policy_failure', `The approval audit log has been tampered with (${verification.problems[0]!.message}); restore approvals/ from version control before recording decisions`, { file: path.join(approvalsDir(project.dir), AUDIT_FILE) });
  }
  const { entries } = readAuditLog(project.dir);
  const last = entries[entries.length - 1];
  const base: Omit<AuditEntry, 'hash'> = {
    seq: entries.length + 1,
    at: new Date().toISOString(),
    version: m.version,
    decision: input.decision,
    by,
    comment: input.comment,
    checksum: m.checksum,
    riskHash: input.risk.hash,
    score: input.risk.score,
    level: input.risk.level,
    prevHash: last?.hash ?? GENESIS,
  };
  const entry: AuditEntry = { ...base, hash: entryHash(base) };
  fs.mkdirSync(approvalsDir(project.dir), { recursive: true });
  fs.appendFileSync(path.join(approvalsDir(project.dir), AUDIT_FILE), JSON.stringify(entry) + '\n', { flag: 'a' });
  const record: ApprovalRecord = { decision: input.decision, by, comment: input.comment, at: entry.at, checksum: m.checksum, riskHash: input.risk.hash, score: input.risk.score, level: input.risk.level, auditHash: entry.hash };
  const file = readApprovalFile(project.dir, m.version);
  file.version = m.version;
  file.decisions.push(record);
  writeFileAtomic(approvalPath(project.dir, m.version), JSON.stringify(file, null, 2) + '\n');
  return record;
}

/**
 * Whether a migration is approved now: the latest decision must be an approval of this exact
 * file (checksum), and the risk must not have risen above the level it was approved at.
 */
export function approvalState(project: Project, version: string, current?: Pick<MigrationRisk, 'level' | 'hash'> | null): ApprovalState {
  const m = findMigration(project, version);
  const file = readApprovalFile(project.dir, m.version);
  const latest = file.decisions[file.decisions.length - 1] ?? null;
  if (!latest) return { version: m.version, state: 'missing', reason: `${m.version} has not been approved`, latest };
  if (latest.decision === 'rejected') return { version: m.version, state: 'rejected', reason: `${m.version} was rejected by ${latest.by} at ${latest.at}${latest.comment ? `: ${latest.comment}` : ''}`, latest };
  if (latest.checksum !== m.checksum) {
    return { version: m.version, state: 'stale', reason: `${m.version} was approved by ${latest.by} at ${latest.at}, but the file has changed since (checksum ${latest.checksum.slice(0, 12)}… → ${m.checksum.slice(0, 12)}…): approve it again`, latest };
  }
  if (current && levelRank(current.level) > levelRank(latest.level)) {
    return { version: m.version, state: 'stale', reason: `${m.version} was approved at risk ${latest.level} by ${latest.by}; it is now ${current.level} (the database changed): review and approve it again`, latest };
  }
  return { version: m.version, state: 'approved', reason: `approved by ${latest.by} at ${latest.at}`, latest };
}

export function listApprovals(project: Project): ApprovalState[] {
  return project.migrations.map((m) => approvalState(project, m.version));
}

export interface ApprovalGateOptions {
  project: Project;
  /** approval required when the level is above this (default: the project's risk.requireApprovalAbove) */
  requireAbove?: RiskLevel | null;
  /** computes the current risk of one migration when the event carries no report */
  assess?: (version: string) => Promise<Pick<MigrationRisk, 'version' | 'level' | 'hash' | 'score'>>;
}

/**
 * A `before_migration` gate: refuses a migration whose risk is above the configured level unless
 * it carries a current approval. Uses `ctx.risk` (a RiskReport or one MigrationRisk) when present,
 * else `assess`. Ignores other events.
 */
export function approvalGate(opts: ApprovalGateOptions): LifecycleListener {
  const threshold = opts.requireAbove !== undefined ? opts.requireAbove : opts.project.config.risk.requireApprovalAbove;
  return async (ctx) => {
    if (ctx.event !== 'before_migration' || !ctx.migration || threshold === null) return;
    if (ctx.runKind === 'dry_run') return { proceed: true };
    const version = ctx.migration.version;
    let risk: Pick<MigrationRisk, 'level' | 'hash' | 'score'> | null = null;
    if (isRiskReport(ctx.risk)) risk = ctx.risk.migrations.find((m) => m.version === version) ?? null;
    else if (ctx.risk && typeof ctx.risk === 'object' && (ctx.risk as MigrationRisk).version === version) risk = ctx.risk as MigrationRisk;
    if (!risk && opts.assess) risk = await opts.assess(version);
    if (!risk) {
      return { proceed: false, by: 'approval', reason: `Cannot tell the risk of ${version} (no risk report for it): approval policy requires one above "${threshold}"` };
    }
    if (levelRank(risk.level) <= levelRank(threshold)) return { proceed: true };
    const state = approvalState(opts.project, version, risk);
    if (state.state === 'approved') return { proceed: true };
    return {
      proceed: false,
      by: 'approval',
      reason: `Migration ${version} is ${risk.level} risk (score ${risk.score}) and the project requires an approval above "${threshold}": ${state.reason}. Run \`confiture risk --to ${version}\` and \`confiture approve ${version} --by NAME --comment "…"\`.`,
    };
  };
}

export function approvalFilePath(projectDir: string, version: string): string {
  return approvalPath(projectDir, version);
}

export function hasApprovalsFolder(projectDir: string): boolean {
  return fs.existsSync(approvalsDir(projectDir));
}

export function auditEntries(projectDir: string): AuditEntry[] {
  return readAuditLog(projectDir).entries.filter((e) => e.seq !== -1);
}

export { canonicalVersion };
