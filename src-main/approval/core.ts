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
import { formatScore } from '../../src-shared/format';

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

/** One anchored audit entry, as read from the target database's tracking schema. */
export interface AnchorRow {
  seq: number;
  hash: string;
  version: string;
  decision: string;
}

/** The anchor of one target database, or null when the chain is verified from the files alone. */
export interface AnchorView {
  rows: AnchorRow[];
  /** a label of the database (never a password) */
  database: string | null;
}

const RECORD_FIELDS = ['decision', 'by', 'comment', 'at', 'checksum', 'riskHash', 'score', 'level'] as const;

function readJsonFiles(projectDir: string, problems: AuditVerification['problems']): Map<string, { file: string; decisions: ApprovalRecord[]; version?: string }> {
  const out = new Map<string, { file: string; decisions: ApprovalRecord[]; version?: string }>();
  const dir = approvalsDir(projectDir);
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const version = canonicalVersion(f.slice(0, -'.json'.length));
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ApprovalFile;
      if (!Array.isArray(parsed.decisions)) throw new Error('no decisions array');
      out.set(version, { file: f, decisions: parsed.decisions, ...(typeof parsed.version === 'string' && canonicalVersion(parsed.version) === version ? { version: parsed.version } : {}) });
    } catch (e) {
      problems.push({ line: 0, message: `approvals/${f} is not a valid approval file (${(e as Error).message})` });
      out.set(version, { file: f, decisions: [] });
    }
  }
  return out;
}

/**
 * Verifies the approvals of a project, fail-closed:
 *
 * 1. the audit log's hash chain (sequence, previous hash, each entry's hash);
 * 2. with `anchor`, against the chain head anchored in the target database at each decision —
 *    an entry the database anchored must be in the file with the same hash, so rewriting,
 *    recomputing, reordering, truncating or replacing the file by an older copy shows;
 * 3. the approval files against the log, both ways: every decision of `approvals/<v>.json` is a
 *    log entry with the same content, and every log entry of `<v>` is in that file, in order.
 *
 * `brokenAt` is the first entry that can no longer be trusted; every version with a decision from
 * there on (in the file or in the anchor), and every version whose file disagrees with the log,
 * is `revoked`.
 */
export function verifyApprovals(projectDir: string, anchor: AnchorView | null = null): AuditVerification {
  const { entries } = readAuditLog(projectDir);
  const problems: AuditVerification['problems'] = [];
  let brokenAt = Infinity;
  const breakAt = (seq: number) => {
    brokenAt = Math.min(brokenAt, seq);
  };
  let prev = GENESIS;
  entries.forEach((e, i) => {
    const line = i + 1;
    if (e.seq === -1) {
      problems.push({ line, message: 'not valid JSON' });
      breakAt(line);
      return;
    }
    if (e.seq !== i + 1) {
      problems.push({ line, message: `sequence ${e.seq}, expected ${i + 1}: an entry was removed, inserted or reordered` });
      breakAt(line);
    }
    if (e.prevHash !== prev) {
      problems.push({ line, message: 'prevHash does not match the previous entry: the chain is broken' });
      breakAt(line);
    }
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) {
      problems.push({ line, message: `entry ${e.seq} (${e.version} ${e.decision} by ${e.by}) was modified: its hash does not match its content` });
      breakAt(line);
    }
    prev = hash;
  });

  if (anchor) {
    for (const a of [...anchor.rows].sort((x, y) => x.seq - y.seq)) {
      const e = entries[a.seq - 1];
      if (!e || e.seq === -1) {
        problems.push({ line: a.seq, message: `the database anchored entry ${a.seq} (${a.version} ${a.decision}) but the audit log has only ${entries.length} entries: entries were deleted or the file was replaced by an older copy` });
        breakAt(Math.min(a.seq, entries.length + 1));
      } else if (e.hash !== a.hash) {
        problems.push({ line: a.seq, message: `entry ${a.seq} differs from the one anchored in the database (${a.version} ${a.decision}): the log was rewritten, recomputed or reordered` });
        breakAt(a.seq);
      }
    }
  }

  // versions are compared canonically (0002 = 2) and reported as the log writes them
  const shownAs = new Map<string, string>();
  for (const e of entries) if (e.seq !== -1 && typeof e.version === 'string' && !shownAs.has(canonicalVersion(e.version))) shownAs.set(canonicalVersion(e.version), e.version);
  for (const a of anchor?.rows ?? []) if (!shownAs.has(canonicalVersion(a.version))) shownAs.set(canonicalVersion(a.version), a.version);
  const revoked = new Set<string>();
  const trusted = (seq: number) => seq < brokenAt;
  entries.forEach((e, i) => {
    if (e.seq !== -1 && typeof e.version === 'string' && !trusted(i + 1)) revoked.add(canonicalVersion(e.version));
  });
  for (const a of anchor?.rows ?? []) if (!trusted(a.seq)) revoked.add(canonicalVersion(a.version));

  // the approval files against the log, both ways
  const files = readJsonFiles(projectDir, problems);
  // a version only the approval files know (log truncated) is shown as the file records it: 0002, not 2
  for (const [v, f] of files) if (!shownAs.has(v) && f.version) shownAs.set(v, f.version);
  const shown = (v: string) => shownAs.get(v) ?? v;
  const byHash = new Map(entries.filter((e) => e.seq !== -1).map((e) => [e.hash, e]));
  const logByVersion = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    if (e.seq === -1 || typeof e.version !== 'string') continue;
    const v = canonicalVersion(e.version);
    logByVersion.set(v, [...(logByVersion.get(v) ?? []), e]);
  }
  for (const [version, { file, decisions }] of files) {
    for (const d of decisions) {
      const e = byHash.get(d.auditHash);
      if (!e) {
        problems.push({ line: 0, message: `approvals/${file}: the ${d.decision} by ${d.by} at ${d.at} is not in the audit log (log truncated or decision forged)` });
        revoked.add(version);
        continue;
      }
      const differs = RECORD_FIELDS.filter((k) => d[k] !== e[k]);
      if (canonicalVersion(e.version) !== version) differs.push('version' as never);
      if (differs.length) {
        problems.push({ line: e.seq, message: `approvals/${file}: the ${e.decision} by ${e.by} differs from audit entry ${e.seq} (${differs.join(', ')}): the approval file was edited` });
        revoked.add(version);
      }
    }
  }
  for (const [version, logged] of logByVersion) {
    const inFile = new Set((files.get(version)?.decisions ?? []).map((d) => d.auditHash));
    const order = (files.get(version)?.decisions ?? []).map((d) => d.auditHash);
    const missing = logged.filter((e) => !inFile.has(e.hash));
    for (const e of missing) {
      problems.push({ line: e.seq, message: `audit entry ${e.seq} (${e.decision} of ${shown(version)} by ${e.by}) is missing from approvals/${files.get(version)?.file ?? `${version}.json`}: a decision was removed from the approval file` });
      revoked.add(version);
    }
    if (missing.length === 0 && order.join() !== logged.map((e) => e.hash).join()) {
      problems.push({ line: logged[0]!.seq, message: `approvals/${files.get(version)!.file} lists the decisions on ${shown(version)} in another order than the audit log` });
      revoked.add(version);
    }
  }
  return {
    ok: problems.length === 0,
    entries: entries.length,
    problems,
    brokenAt: Number.isFinite(brokenAt) ? brokenAt : null,
    revoked: [...revoked].sort().map(shown),
    anchor: { checked: anchor !== null, anchored: anchor?.rows.length ?? 0, database: anchor?.database ?? null },
  };
}

/** The file-only verification (no database): chain and approval files against each other. */
export function verifyAuditLog(projectDir: string): AuditVerification {
  const v = verifyApprovals(projectDir, null);
  return { ok: v.ok, entries: v.entries, problems: v.problems };
}

export interface DecideInput {
  version: string;
  decision: ApprovalDecision;
  by: string;
  comment: string;
  /** the risk assessment of this migration the decision is given on */
  risk: Pick<MigrationRisk, 'version' | 'checksum' | 'hash' | 'score' | 'level'>;
}

export interface DecideOptions {
  /** the target database's anchor: the chain is verified against it before anything is written */
  anchor?: AnchorView | null;
  /**
   * The chain (or an approval file) is broken: keep the entries before the break, archive the
   * tampered files under approvals/tampered-<time>/, rebuild the approval files from the kept log,
   * then record this decision. Every approval after the break stays revoked until re-approved.
   */
  repair?: boolean;
}

export interface DecideResult {
  record: ApprovalRecord;
  entry: AuditEntry;
  /** when the decision repaired a broken chain: the first entry it dropped, and where the tampered files went */
  /** the audit entries dropped from `from` on (0: the chain was intact, only approval files were rebuilt) */
  repaired: { from: number; dropped: number; archive: string } | null;
}

function recordOf(e: AuditEntry): ApprovalRecord {
  return { decision: e.decision, by: e.by, comment: e.comment, at: e.at, checksum: e.checksum, riskHash: e.riskHash, score: e.score, level: e.level, auditHash: e.hash };
}

/** Keeps the trusted head of the log, archives the tampered files, rebuilds the approval files from the log. */
function repairApprovals(projectDir: string, v: AuditVerification): { from: number; dropped: number; archive: string } {
  const dir = approvalsDir(projectDir);
  const archive = path.join(dir, `tampered-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(archive, { recursive: true });
  const jsonFiles = fs.readdirSync(dir).filter((x) => x.endsWith('.json'));
  for (const f of [AUDIT_FILE, ...jsonFiles]) if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(archive, f));
  const { entries, lines } = readAuditLog(projectDir);
  const keep = v.brokenAt ? v.brokenAt - 1 : entries.length;
  const kept = lines.slice(0, keep);
  writeFileAtomic(path.join(dir, AUDIT_FILE), kept.length ? kept.join('\n') + '\n' : '');
  for (const f of jsonFiles) fs.rmSync(path.join(dir, f));
  const byVersion = new Map<string, ApprovalFile>();
  for (const e of entries.slice(0, keep)) {
    const f = byVersion.get(e.version) ?? { version: e.version, decisions: [] };
    f.decisions.push(recordOf(e));
    byVersion.set(e.version, f);
  }
  for (const [version, f] of byVersion) writeFileAtomic(approvalPath(projectDir, version), JSON.stringify(f, null, 2) + '\n');
  return { from: keep + 1, dropped: entries.length - keep, archive };
}

/**
 * Records a decision: verifies the approvals (against the anchor when given), appends to the
 * audit chain, then rewrites approvals/<version>.json atomically. Refuses while the approvals are
 * tampered with, unless `repair` (a DBA re-deciding after a break).
 */
export function decideDetailed(project: Project, input: DecideInput, opts: DecideOptions = {}): DecideResult {
  const m = findMigration(project, input.version);
  const by = input.by.trim();
  if (!by) throw new ConfitureError('invalid_input', 'An approval needs the name of who gives it (--by)', { field: 'by' });
  if (input.risk.checksum !== m.checksum) {
    throw new ConfitureError('invalid_input', `The risk report was computed for another version of ${path.basename(m.upPath)} (checksum differs): re-run the risk report`, { field: 'risk' });
  }
  if (canonicalVersion(input.risk.version) !== canonicalVersion(m.version)) {
    throw new ConfitureError('invalid_input', `The risk report given is for ${input.risk.version}, not ${m.version}`, { field: 'risk' });
  }
  const verification = verifyApprovals(project.dir, opts.anchor ?? null);
  let repaired: DecideResult['repaired'] = null;
  if (!verification.ok) {
    if (!opts.repair) {
      throw new ConfitureError(
        'policy_failure',
        `The approval audit log has been tampered with (${verification.problems[0]!.message}). Every approval after the break is revoked. A DBA re-approves with \`confiture approve ${m.version} --by NAME --comment "…" --repair\` (keeps the entries before the break, archives the tampered files), or restore approvals/ from version control`,
        { file: path.join(approvalsDir(project.dir), AUDIT_FILE) },
      );
    }
    repaired = repairApprovals(project.dir, verification);
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
  const record = recordOf(entry);
  const file = readApprovalFile(project.dir, m.version);
  file.version = m.version;
  file.decisions.push(record);
  writeFileAtomic(approvalPath(project.dir, m.version), JSON.stringify(file, null, 2) + '\n');
  return { record, entry, repaired };
}

/** Records a decision in the files only (no database anchor). */
export function decide(project: Project, input: DecideInput, opts: DecideOptions = {}): ApprovalRecord {
  return decideDetailed(project, input, opts).record;
}

export interface ApprovalContext {
  /** the verification of the approvals (with the target database's anchor when known) */
  verification?: AuditVerification;
  /** the target database's anchor: a decision must be anchored there to count */
  anchor?: AnchorView | null;
}

function revokedReason(version: string, v: AuditVerification): string {
  const first = v.problems[0]?.message ?? 'the audit log does not verify';
  return `the approvals of ${version} are revoked: the approval audit log or approval file was tampered with (${first}); a DBA must re-approve it (\`confiture approve ${version} --by NAME --comment "…" --repair\`)`;
}

/**
 * Whether a migration is approved now: the latest decision must be an approval of this exact
 * file (checksum), the risk must not have risen above the level it was approved at, the
 * approvals must verify (fail closed: tampering revokes), and — when an anchor is given — the
 * decision must be anchored in that database. With `approvals.required`, several distinct
 * approvers of this checksum (since its last rejection) are needed at that level.
 */
export function approvalState(project: Project, version: string, current?: Pick<MigrationRisk, 'level' | 'hash'> | null, actx: ApprovalContext = {}): ApprovalState {
  const m = findMigration(project, version);
  const v = actx.verification;
  const file = readApprovalFile(project.dir, m.version);
  const latest = file.decisions[file.decisions.length - 1] ?? null;
  if (v && (v.revoked ?? []).some((r) => canonicalVersion(r) === canonicalVersion(m.version))) return { version: m.version, state: 'revoked', reason: revokedReason(m.version, v), latest };
  if (!latest) return { version: m.version, state: 'missing', reason: `${m.version} has not been approved`, latest };
  if (latest.decision === 'rejected') return { version: m.version, state: 'rejected', reason: `${m.version} was rejected by ${latest.by} at ${latest.at}${latest.comment ? `: ${latest.comment}` : ''}`, latest };
  if (latest.checksum !== m.checksum) {
    return { version: m.version, state: 'stale', reason: `${m.version} was approved by ${latest.by} at ${latest.at}, but the file has changed since (checksum ${latest.checksum.slice(0, 12)}… → ${m.checksum.slice(0, 12)}…): approve it again`, latest };
  }
  if (current && levelRank(current.level) > levelRank(latest.level)) {
    return { version: m.version, state: 'stale', reason: `${m.version} was approved at risk ${latest.level} by ${latest.by}; it is now ${current.level} (the database changed): review and approve it again`, latest };
  }
  if (actx.anchor && !actx.anchor.rows.some((r) => r.hash === latest.auditHash)) {
    return {
      version: m.version,
      state: 'revoked',
      reason: `the approval of ${m.version} by ${latest.by} at ${latest.at} is not anchored in ${actx.anchor.database ?? 'the target database'} (given offline, against another database, or forged): approve it against this database`,
      latest,
    };
  }
  // distinct approvers of this checksum since the last rejection
  const since = file.decisions.slice(file.decisions.map((d) => d.decision).lastIndexOf('rejected') + 1).filter((d) => d.decision === 'approved' && d.checksum === m.checksum);
  const anchoredSince = actx.anchor ? since.filter((d) => actx.anchor!.rows.some((r) => r.hash === d.auditHash)) : since;
  const approvers = [...new Set(anchoredSince.map((d) => d.by.trim().toLowerCase()))];
  const level = current?.level ?? latest.level;
  const required = requiredApprovers(project, level);
  if (required > 1) {
    if (approvers.length < required) {
      return { version: m.version, state: 'missing', reason: `${m.version} is ${level} risk: the project requires ${required} distinct approvers (approvals.required), it has ${approvers.length} (${approvers.join(', ') || 'none'})`, latest, approvers, required };
    }
    return { version: m.version, state: 'approved', reason: `approved by ${approvers.join(', ')} (${required} required at ${level})`, latest, approvers, required };
  }
  return { version: m.version, state: 'approved', reason: `approved by ${latest.by} at ${latest.at}`, latest };
}

/** Distinct approvers the project requires at a level (`approvals.required: { high: 2 }` applies to high and above). */
export function requiredApprovers(project: Project, level: RiskLevel): number {
  const req = project.config.approvals.required;
  let n = 1;
  for (const [lvl, count] of Object.entries(req) as [RiskLevel, number][]) if (levelRank(level) >= levelRank(lvl)) n = Math.max(n, count);
  return n;
}

export function listApprovals(project: Project, actx: ApprovalContext = {}): ApprovalState[] {
  const verification = actx.verification ?? verifyApprovals(project.dir, actx.anchor ?? null);
  return project.migrations.map((m) => approvalState(project, m.version, null, { ...actx, verification }));
}

/** The approval threshold of a project: approval required above this level (null: never). */
export function approvalThreshold(project: Project): RiskLevel | null {
  return project.config.risk.requireApprovalAbove;
}

export interface ApprovalGateOptions {
  project: Project;
  /** approval required when the level is above this (default: the project's risk.requireApprovalAbove) */
  requireAbove?: RiskLevel | null;
  /** computes the current risk of one migration when the event carries no report */
  assess?: (version: string) => Promise<Pick<MigrationRisk, 'version' | 'level' | 'hash' | 'score'>>;
  /**
   * Verifies the approvals before each gated migration, with the target database's anchor.
   * Without it, the files are verified against each other only.
   */
  verify?: () => Promise<ApprovalContext>;
}

/**
 * A `before_migration` gate: refuses a migration whose risk is above the configured level unless
 * it carries a current, verified approval. Uses `ctx.risk` (a RiskReport or one MigrationRisk)
 * when present, else `assess`. Ignores other events.
 */
export function approvalGate(opts: ApprovalGateOptions): LifecycleListener {
  const threshold = opts.requireAbove !== undefined ? opts.requireAbove : approvalThreshold(opts.project);
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
    const actx = opts.verify ? await opts.verify() : { verification: verifyApprovals(opts.project.dir, null) };
    const state = approvalState(opts.project, version, risk, actx);
    if (state.state === 'approved') return { proceed: true };
    const broken = actx.verification && !actx.verification.ok;
    return {
      proceed: false,
      by: 'approval',
      // a revoked approval's reason already names the re-approval with --repair: say it once
      reason: `Migration ${version} is ${risk.level} risk (score ${formatScore(risk.score)}) and the project requires an approval above "${threshold}": ${state.reason}. ${
        state.state === 'revoked' ? `Review it with \`confiture risk --to ${version}\` first.` : `Run \`confiture risk --to ${version}\` and \`confiture approve ${version} --by NAME --comment "…"${broken ? ' --repair' : ''}\`.`
      }`,
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
