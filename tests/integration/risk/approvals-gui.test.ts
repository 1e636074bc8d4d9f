/**
 * Approvals through the router every GUI transport calls (Electron IPC and the web bridge), on a
 * real database:
 *
 * - one risk computation: the score the Risk screen shows (risk/report, with lint findings) is the
 *   score the Approve button records, the audit log keeps, and the Apply dialog lists — and it is
 *   not the score without lint findings (what the approval path used to record);
 * - the Apply dialog's preflight and the GUI's Apply refuse an unapproved migration above `low`
 *   (the default), naming `confiture approve`;
 * - each of the seven tamper kinds shows as a broken audit log and a revoked approval, and Apply
 *   refuses the rejected migration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { createRouter, type Router } from '../../../src-main/ipc/router';
import { openValidProject } from '../../../src-main/project';
import { riskReportForProject } from '../../../src-main/risk';
import type { RunReport } from '../../../src-shared/domain/runner';
import { approvalRequired, type ApplyPreflight, type ApprovalRecord, type ApprovalState, type AuditEntry, type AuditVerification, type RiskReport } from '../../../src-shared/domain/risk';
import { formatScore } from '../../../src-shared/format';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject } from '../../helpers/project';
import { TAMPERS } from '../../helpers/tamper';

let root: string;
let ctx: AppContext;
let router: Router;
const cleanups: (() => Promise<void> | void)[] = [];

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await router.call(name, input);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { error: r.error });
  return r.value as T;
}

async function connect(db: TestDatabase): Promise<string> {
  const info = await call<{ id: string }>('connection/open', { target: { kind: 'url', url: db.url } });
  return info.id;
}

async function exists(db: TestDatabase, table: string): Promise<boolean> {
  const r = await db.pool.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
  return r.rows[0]!.ok;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-approvals-gui-'));
  ctx = createContext({ mode: 'browser', dataDir: path.join(root, 'data') });
  router = createRouter(ctx);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await ctx?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('one score: shown, approved, recorded, listed', () => {
  it('records the score the Risk screen showed (with lint findings), and the Apply dialog lists the same', { timeout: 180_000 }, async ({ onTestFinished }) => {
    const db = await createTestDatabase('cf_apprgui');
    cleanups.push(() => db.drop());
    await db.pool.query('CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric); INSERT INTO orders SELECT g, (ARRAY[\'new\',\'paid\',\'sent\'])[1 + g % 3], g FROM generate_series(1, 50000) g; ANALYZE orders');
    const tmp = makeProject({ '0001_status_idx.up.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n' }, 'name: onescore\n');
    cleanups.push(() => tmp.remove());
    const connectionId = await connect(db);
    onTestFinished(async () => {
      await router.call('connection/close', { connectionId });
      await db.drop();
    });

    const shown = await call<RiskReport>('risk/report', { dir: tmp.dir, connectionId });
    const m = shown.migrations[0]!;
    expect(m.inputs.findings).toBe(true);
    // what the approval path used to record: the same model without the lint findings
    const withoutFindings = await riskReportForProject(openValidProject(tmp.dir), db.pool, { versions: ['0001'] });
    expect(withoutFindings.migrations[0]!.score).not.toBe(m.score);

    // Apply before approval: refused, and the dialog says so
    const before = await call<ApplyPreflight>('approval/preflight', { dir: tmp.dir, connectionId });
    expect(before.threshold).toBe('low');
    expect(before.migrations[0]).toMatchObject({ version: '0001', score: m.score, level: m.level, required: true, state: 'missing', allowed: false });
    expect(before.applicableTo).toBeNull();
    // the Risk screen's Approval column reads the threshold from the report: "not required" vs "not approved"
    expect(shown.requireApprovalAbove).toBe('low');
    expect(approvalRequired(m.level, shown.requireApprovalAbove)).toBe(before.migrations[0]!.required);
    expect(approvalRequired('low', 'low')).toBe(false);
    expect(approvalRequired('critical', null)).toBe(false);
    const refused = await call<RunReport>('runner/apply', { dir: tmp.dir, connectionId });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('policy_failure');
    expect(refused.error?.message).toContain('confiture approve 0001');
    expect(await exists(db, 'orders_status_idx')).toBe(false);

    const { record, state } = await call<{ record: ApprovalRecord; state: ApprovalState }>('approval/decide', {
      dir: tmp.dir,
      connectionId,
      version: '0001',
      decision: 'approved',
      by: 'Dana DBA',
      comment: 'off-peak',
      riskHash: m.hash,
    });
    expect(record).toMatchObject({ score: m.score, level: m.level, riskHash: m.hash });
    expect(state.state).toBe('approved');
    const audit = await call<{ entries: AuditEntry[]; verification: AuditVerification }>('approval/audit', { dir: tmp.dir, connectionId });
    expect(audit.verification).toMatchObject({ ok: true, anchor: { checked: true, anchored: 1 } });
    expect(audit.entries.at(-1)).toMatchObject({ score: m.score, riskHash: m.hash });
    const after = await call<ApplyPreflight>('approval/preflight', { dir: tmp.dir, connectionId });
    expect(after.migrations[0]).toMatchObject({ score: m.score, state: 'approved', allowed: true });
    expect(after.applicableTo).toBe('0001');
    // one formatter: every face prints this
    expect(new Set([m.score, record.score, audit.entries.at(-1)!.score, after.migrations[0]!.score].map(formatScore)).size).toBe(1);

    const applied = await call<RunReport>('runner/apply', { dir: tmp.dir, connectionId });
    expect(applied.ok, applied.error?.message).toBe(true);
    expect(await exists(db, 'orders_status_idx')).toBe(true);
  });

  it('refuses an approval of a report that was never shown when the risk has changed since', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const db = await createTestDatabase('cf_apprgui');
    cleanups.push(() => db.drop());
    await db.pool.query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10000); ANALYZE t');
    const tmp = makeProject({ '0001_drop.up.sql': 'DROP TABLE t;\n' }, 'name: unshown\n');
    cleanups.push(() => tmp.remove());
    const connectionId = await connect(db);
    onTestFinished(async () => {
      await router.call('connection/close', { connectionId });
      await db.drop();
    });
    const r = await router.call('approval/decide', { dir: tmp.dir, connectionId, version: '0001', decision: 'approved', by: 'x', riskHash: 'a'.repeat(64) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/changed since it was shown/);
  });
});

// one scenario at a time: each takes ~15 connections at its peak (the app's pool during the catalog
// snapshot, the run's sessions, the test's pool); five at once took 77 of a default server's 100
describe('forged approvals, shown by the GUI and refused by its Apply', () => {
  async function scenario(name: string) {
    const db = await createTestDatabase('cf_apprgui');
    await db.pool.query('CREATE TABLE legacy_a (id int PRIMARY KEY); CREATE TABLE legacy_b (id int PRIMARY KEY); INSERT INTO legacy_a SELECT generate_series(1, 1000); INSERT INTO legacy_b SELECT generate_series(1, 1000); ANALYZE');
    const tmp = makeProject({ '0001_drop_a.up.sql': 'DROP TABLE legacy_a;\n', '0002_drop_b.up.sql': 'DROP TABLE legacy_b;\n' }, `name: gui_${name}\n`);
    cleanups.push(() => tmp.remove(), () => db.drop());
    const connectionId = await connect(db);
    const shown = await call<RiskReport>('risk/report', { dir: tmp.dir, connectionId });
    const hash = (v: string) => shown.migrations.find((m) => m.version === v)!.hash;
    const decide = (version: string, decision: string, by: string) => call('approval/decide', { dir: tmp.dir, connectionId, version, decision, by, comment: '', riskHash: hash(version) });
    await decide('0001', 'approved', 'alice');
    await decide('0002', 'approved', 'alice');
    const older = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-older-'));
    cleanups.push(() => fs.rmSync(older, { recursive: true, force: true }));
    fs.cpSync(path.join(tmp.dir, 'approvals'), older, { recursive: true });
    await decide('0002', 'rejected', 'bob');
    return { db, dir: tmp.dir, older, connectionId };
  }

  for (const [kind, tamper] of Object.entries(TAMPERS)) {
    it(`shows and refuses: ${kind}`, { timeout: 240_000 }, async ({ onTestFinished }) => {
      const s = await scenario(kind.replace(/\W+/g, '_').slice(0, 30));
      // release this scenario's connections as soon as it ends (they used to idle until afterAll)
      onTestFinished(async () => {
        await router.call('connection/close', { connectionId: s.connectionId });
        await s.db.drop();
      });
      tamper(s);
      const audit = await call<{ verification: AuditVerification }>('approval/audit', { dir: s.dir, connectionId: s.connectionId });
      expect(audit.verification.ok).toBe(false);
      expect(audit.verification.revoked).toContain('0002');
      const states = await call<ApprovalState[]>('approval/list', { dir: s.dir, connectionId: s.connectionId });
      expect(states.find((x) => x.version === '0002')).toMatchObject({ state: 'revoked' });
      expect(states.find((x) => x.version === '0002')!.reason).toContain('--repair');
      const pf = await call<ApplyPreflight>('approval/preflight', { dir: s.dir, connectionId: s.connectionId });
      expect(pf.verification.ok).toBe(false);
      expect(pf.migrations.find((m) => m.version === '0002')).toMatchObject({ state: 'revoked', allowed: false });
      expect(pf.applicableTo).toBe('0001');
      const run = await call<RunReport>('runner/apply', { dir: s.dir, connectionId: s.connectionId });
      expect(run.ok).toBe(false);
      expect(run.error?.code).toBe('policy_failure');
      expect(run.error?.message).toMatch(/tampered/);
      expect(await exists(s.db, 'legacy_b')).toBe(true);
    });
  }
});
