/**
 * The audit chain's anchor outside the project: each decision's entry (sequence and hash) is
 * written to the target database's tracking schema (`<schema>.approval_anchor`) in the same
 * step as the files, so a file chain rewritten or recomputed without the database shows.
 *
 * Also the one risk computation an approval is given on: the Risk screen, the CLI and the
 * approval all use `assessForApproval` (the review: lint findings + risk model on one catalog
 * snapshot), and a report shown on screen is remembered by its hash so the approval records
 * exactly what the DBA saw.
 */
import type pg from 'pg';
import type { ApplyPreflight, MigrationRisk, PreflightMigration, RiskReport } from '../../src-shared/domain/risk';
import { formatScore } from '../../src-shared/format';
import { quoteIdent } from '../db';
import { ConfitureError } from '../errors';
import { findMigration, type Project } from '../project';
import { reviewProject } from '../review';
import { levelRank } from '../risk';
import { ensureTrackingSchema } from '../store';
import { approvalState, approvalThreshold, decideDetailed, verifyApprovals, type AnchorRow, type AnchorView, type ApprovalContext, type DecideInput, type DecideResult } from './core';

type Queryable = Pick<pg.ClientBase, 'query'> | pg.Pool;

/** The anchored entries of a project in a database (none when the tracking schema has no anchor yet). */
export async function readAnchor(db: Queryable, schema: string, project: string): Promise<AnchorRow[]> {
  const s = quoteIdent(schema);
  const exists = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${s}.approval_anchor`]);
  if (!exists.rows[0]?.ok) return [];
  const r = await db.query<{ seq: number; hash: string; version: string; decision: string }>(
    `SELECT seq, entry_hash AS hash, version, decision FROM ${s}.approval_anchor WHERE project = $1 AND revoked_at IS NULL ORDER BY seq`,
    [project],
  );
  return r.rows;
}

async function databaseLabel(db: Queryable): Promise<string> {
  const r = await db.query<{ db: string }>('SELECT current_database() AS db');
  return `database "${r.rows[0]?.db ?? '?'}"`;
}

/** Verification of a project's approvals against the anchor of `db` (files only when db is null). */
export async function approvalContextFor(project: Project, db: Queryable | null): Promise<Required<ApprovalContext>> {
  const anchor: AnchorView | null = db ? { rows: await readAnchor(db, project.trackingSchema, project.name), database: await databaseLabel(db) } : null;
  return { verification: verifyApprovals(project.dir, anchor), anchor };
}

export interface RecordedDecision extends DecideResult {
  /** written to the database's anchor (false when recorded offline) */
  anchored: boolean;
}

/**
 * Records a decision and anchors it in `db` in one transaction: the chain is verified against the
 * anchor under an advisory lock, the files are written, the entry is anchored, then COMMIT. If the
 * commit fails the file entry stays unanchored, and an unanchored approval does not count (fail
 * closed). Offline (db null) the decision is recorded in the files only.
 */
export async function recordDecision(project: Project, db: pg.Pool | null, input: DecideInput, opts: { repair?: boolean } = {}): Promise<RecordedDecision> {
  if (!db) return { ...decideDetailed(project, input, { repair: opts.repair === true }), anchored: false };
  const s = quoteIdent(project.trackingSchema);
  const client = await db.connect();
  try {
    await ensureTrackingSchema(client, project.trackingSchema);
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`confiture-approvals:${project.trackingSchema}:${project.name}`]);
      const anchor: AnchorView = { rows: await readAnchor(client, project.trackingSchema, project.name), database: await databaseLabel(client) };
      const result = decideDetailed(project, input, { anchor, repair: opts.repair === true });
      if (result.repaired) {
        await client.query(`UPDATE ${s}.approval_anchor SET revoked_at = now(), revoked_by = $3 WHERE project = $1 AND seq >= $2 AND revoked_at IS NULL`, [project.name, result.repaired.from, input.by.trim()]);
      }
      const e = result.entry;
      await client.query(`INSERT INTO ${s}.approval_anchor (project, seq, entry_hash, version, decision, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        project.name,
        e.seq,
        e.hash,
        e.version,
        e.decision,
        e.by,
        e.at,
      ]);
      await client.query('COMMIT');
      return { ...result, anchored: true };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}

// ---- one risk computation

const remembered = new Map<string, { risk: MigrationRisk; at: number }>();
const REMEMBER_MS = 60 * 60 * 1000;
/**
 * Above the largest report the Risk screen asks for (its list's details come from here by hash,
 * `risk/migration`): at 5,000 a report of 6,000 migrations evicted its own first 1,000. The
 * assessments are the report's own objects (~5 kB each at full detail).
 */
const REMEMBER_MAX = 20_000;

/** Keeps the migrations of a report shown to a DBA, by hash, so an approval records exactly them. */
export function rememberRisk(report: RiskReport): void {
  const now = Date.now();
  // most recent last (a Map keeps insertion order): eviction below drops the oldest first, never the report just shown
  for (const m of report.migrations) {
    remembered.delete(m.hash);
    remembered.set(m.hash, { risk: m, at: now });
  }
  if (remembered.size > REMEMBER_MAX) {
    for (const [k, v] of remembered) if (now - v.at > REMEMBER_MS || remembered.size > REMEMBER_MAX) remembered.delete(k);
  }
}

export function recallRisk(hash: string): MigrationRisk | null {
  const r = remembered.get(hash);
  if (!r || Date.now() - r.at > REMEMBER_MS) return null;
  return r.risk;
}

/**
 * The risk of one migration as the Risk screen and `confiture risk` compute it: the review (lint
 * findings, plan state of the pending migrations before it, one catalog snapshot). Pending
 * migrations are assessed as part of the pending plan up to them; others alone.
 */
export async function assessForApproval(project: Project, db: pg.Pool | null, version: string): Promise<MigrationRisk> {
  const m = findMigration(project, version);
  let report = await reviewProject(project, db, { to: m.version });
  let risk = report.migrations.find((x) => x.version === m.version);
  if (!risk) {
    report = await reviewProject(project, db, { versions: [m.version] });
    risk = report.migrations.find((x) => x.version === m.version);
  }
  if (!risk) throw new ConfitureError('not_found', `The risk report has no entry for ${m.version}`, { field: 'version' });
  rememberRisk(report);
  return risk;
}

/**
 * The risk a decision is recorded with: the report the DBA was shown (by its hash) when the
 * engine still has it, else computed now — and refused when it no longer matches what was shown.
 */
export async function riskForDecision(project: Project, db: pg.Pool | null, version: string, shownHash?: string): Promise<MigrationRisk> {
  const m = findMigration(project, version);
  if (shownHash) {
    const r = recallRisk(shownHash);
    if (r && r.version === m.version && r.checksum === m.checksum) return r;
  }
  const fresh = await assessForApproval(project, db, m.version);
  if (shownHash && fresh.hash !== shownHash) {
    throw new ConfitureError(
      'invalid_input',
      `The risk of ${m.version} changed since it was shown (now ${fresh.level} ${formatScore(fresh.score)}): look at the new report and decide again`,
      { field: 'riskHash' },
    );
  }
  return fresh;
}

/**
 * The Apply dialog's preflight: the pending migrations' risk (the same review as the Risk screen)
 * and approval state (verified against the anchor), and how far a run can go before the gate
 * refuses. The gate itself decides again at run time.
 */
export async function applyPreflight(project: Project, db: pg.Pool, opts: { to?: string } = {}): Promise<ApplyPreflight> {
  const report = await reviewProject(project, db, opts.to ? { to: opts.to } : {});
  rememberRisk(report);
  const actx = await approvalContextFor(project, db);
  const threshold = approvalThreshold(project);
  const migrations: PreflightMigration[] = report.migrations.map((m) => {
    const required = threshold !== null && levelRank(m.level) > levelRank(threshold);
    const st = approvalState(project, m.version, m, actx);
    return {
      version: m.version,
      name: m.name,
      level: m.level,
      score: m.score,
      riskHash: m.hash,
      required,
      state: st.state,
      reason: required ? st.reason : st.state === 'approved' ? st.reason : `no approval needed at ${m.level} (required above ${threshold ?? 'nothing'})`,
      allowed: !required || st.state === 'approved',
    };
  });
  let applicableTo: string | null = null;
  for (const m of migrations) {
    if (!m.allowed) break;
    applicableTo = m.version;
  }
  return { threshold, verification: actx.verification, migrations, applicableTo, refused: migrations.filter((m) => !m.allowed).length };
}
