/**
 * Forged approvals (issue 11 point 3), through the real CLI and a real database: a DBA approved
 * 0001 (DROP TABLE legacy_a) and rejected 0002 (DROP TABLE legacy_b). Each of the seven ways to
 * tamper with approvals/ that would let the rejected DROP run is detected by `migrate up`, which
 * refuses 0002 with exit 1 (policy) while the approval before the break still holds; the untouched
 * project refuses 0002 as rejected; a DBA's `approve --repair` recovers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessForApproval, decide, recordDecision } from '../../../src-main/approval';
import { openValidProject } from '../../../src-main/project';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { TAMPERS } from '../../helpers/tamper';
import { confiture as runCli, type CliRun } from './run-cli';


let dataDir: string;
const cleanups: (() => Promise<void> | void)[] = [];

type Run = CliRun;
const confiture = (args: string[]): Promise<Run> => runCli(args, { dataDir, timeoutMs: 180_000 });

interface Scenario {
  db: TestDatabase;
  tmp: TempProject;
  dir: string;
  /** approvals/ as it was before the rejection */
  older: string;
}

/** alice approves 0001 and 0002, then bob rejects 0002 — each decision anchored in the database. */
async function scenario(name: string): Promise<Scenario> {
  const db = await createTestDatabase('cf_tamper');
  await db.pool.query('CREATE TABLE legacy_a (id int PRIMARY KEY); CREATE TABLE legacy_b (id int PRIMARY KEY); INSERT INTO legacy_a SELECT generate_series(1, 1000); INSERT INTO legacy_b SELECT generate_series(1, 1000); ANALYZE');
  // no risk: section — the default requires an approval above low
  const tmp = makeProject({ '0001_drop_a.up.sql': 'DROP TABLE legacy_a;\n', '0002_drop_b.up.sql': 'DROP TABLE legacy_b;\n' }, `name: tamper_${name}\n`);
  cleanups.push(() => tmp.remove(), () => db.drop());
  const project = openValidProject(tmp.dir);
  const r1 = await assessForApproval(project, db.pool, '0001');
  const r2 = await assessForApproval(project, db.pool, '0002');
  expect(r1.level).not.toBe('low');
  expect(r2.level).not.toBe('low');
  await recordDecision(project, db.pool, { version: '0001', decision: 'approved', by: 'alice', comment: 'legacy, unused', risk: r1 });
  await recordDecision(project, db.pool, { version: '0002', decision: 'approved', by: 'alice', comment: 'legacy too', risk: r2 });
  const older = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-older-'));
  cleanups.push(() => fs.rmSync(older, { recursive: true, force: true }));
  fs.cpSync(path.join(tmp.dir, 'approvals'), older, { recursive: true });
  await recordDecision(project, db.pool, { version: '0002', decision: 'rejected', by: 'bob', comment: 'billing still reads legacy_b', risk: r2 });
  return { db, tmp, dir: tmp.dir, older };
}

async function exists(db: TestDatabase, table: string): Promise<boolean> {
  const r = await db.pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
  return r.rows[0]!.ok;
}

async function migrateUp(s: Scenario): Promise<{ run: Run; error: { code: string; message: string } | undefined }> {
  const run = await confiture(['migrate', 'up', '--project', s.dir, '--db', s.db.url, '--format', 'json']);
  const out = JSON.parse(run.stdout) as { error?: { code: string; message: string } };
  return { run, error: out.error };
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-tamper-data-'));
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.concurrent('forged approvals, detected by `migrate up`', () => {
  it('untouched: the rejected DROP is refused as rejected, the approved one runs', { timeout: 240_000 }, async () => {
    const s = await scenario('control');
    const { run, error } = await migrateUp(s);
    expect(run.code).toBe(1);
    expect(error?.code).toBe('policy_failure');
    expect(error?.message).toContain('was rejected by bob');
    expect(error?.message).not.toMatch(/tamper/);
    expect(await exists(s.db, 'legacy_a')).toBe(false);
    expect(await exists(s.db, 'legacy_b')).toBe(true);
  });

  for (const [kind, tamper] of Object.entries(TAMPERS)) {
    it(`detects: ${kind}`, { timeout: 240_000 }, async () => {
      const s = await scenario(kind.replace(/\W+/g, '_').slice(0, 30));
      tamper(s);
      const { run, error } = await migrateUp(s);
      expect(run.code, run.stderr).toBe(1);
      expect(error?.code).toBe('policy_failure');
      expect(error?.message).toMatch(/0002/);
      expect(error?.message).toMatch(/tampered/);
      expect(error?.message).toContain('--repair');
      // the rejected DROP never ran; the approval recorded before the break still holds
      expect(await exists(s.db, 'legacy_b')).toBe(true);
      expect(await exists(s.db, 'legacy_a')).toBe(false);
    });
  }

  it('a DBA recovers: `approve --repair` drops the entries after the break, archives the tampered files, and the re-approved migration runs', { timeout: 240_000 }, async () => {
    const s = await scenario('repair');
    TAMPERS['recompute the unkeyed chain consistently (rejection replaced by an approval)']!(s);
    const refused = await confiture(['approve', '0002', '--project', s.dir, '--db', s.db.url, '--by', 'dba', '--comment', 're-reviewed', '--format', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/tampered/);
    const repaired = await confiture(['approve', '0002', '--project', s.dir, '--db', s.db.url, '--by', 'dba', '--comment', 're-reviewed', '--repair', '--format', 'json']);
    expect(repaired.code, repaired.stderr + repaired.stdout).toBe(0);
    const out = JSON.parse(repaired.stdout) as { state: string; anchored: boolean; repaired: { from: number; archive: string }; audit: { ok: boolean; entries: number } };
    expect(out).toMatchObject({ state: 'approved', anchored: true, repaired: { from: 3 }, audit: { ok: true, entries: 3 } });
    expect(fs.readFileSync(path.join(out.repaired.archive, 'audit.log'), 'utf8')).toContain('ok after all');
    const r = await s.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM confiture.approval_anchor WHERE project = $1 AND revoked_at IS NOT NULL', ['tamper_repair']);
    expect(r.rows[0]!.n).toBe(1);
    const { run } = await migrateUp(s);
    expect(run.code, run.stdout).toBe(0);
    expect(await exists(s.db, 'legacy_b')).toBe(false);
  });

  it('an approval recorded without the target database (offline, not anchored there) does not count', { timeout: 240_000 }, async () => {
    const db = await createTestDatabase('cf_tamper');
    await db.pool.query('CREATE TABLE legacy_a (id int PRIMARY KEY); INSERT INTO legacy_a SELECT generate_series(1, 1000); ANALYZE');
    const tmp = makeProject({ '0001_drop_a.up.sql': 'DROP TABLE legacy_a;\n' }, 'name: tamper_offline\n');
    cleanups.push(() => tmp.remove(), () => db.drop());
    const project = openValidProject(tmp.dir);
    decide(project, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: await assessForApproval(project, db.pool, '0001') });
    const run = await confiture(['migrate', 'up', '--project', tmp.dir, '--db', db.url, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not anchored');
    expect(await exists(db, 'legacy_a')).toBe(true);
  });
});
