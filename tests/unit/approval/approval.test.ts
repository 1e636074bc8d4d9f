import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approvalGate, approvalState, decide, verifyApprovals, verifyAuditLog, readApprovalFile } from '../../../src-main/approval';
import { formatScore } from '../../../src-shared/format';
import { openValidProject } from '../../../src-main/project';
import type { LifecycleContext } from '../../../src-shared/domain/lifecycle';
import type { MigrationRisk } from '../../../src-shared/domain/risk';
import { makeProject, type TempProject } from '../../helpers/project';

let tmp: TempProject | undefined;
afterEach(() => tmp?.remove());

function setup(config = 'name: t\nrisk:\n  requireApprovalAbove: medium\n') {
  tmp = makeProject({ '0001_idx.up.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n', '0002_col.up.sql': 'ALTER TABLE orders ADD COLUMN x int;\n' }, config);
  return openValidProject(tmp.dir);
}

function risk(project: ReturnType<typeof setup>, version: string, level: MigrationRisk['level'], score = 60): Pick<MigrationRisk, 'version' | 'checksum' | 'hash' | 'score' | 'level'> {
  const m = project.migrations.find((x) => x.version === version)!;
  return { version, checksum: m.checksum, hash: `h-${level}-${score}`, score, level };
}

function ctx(version: string, checksum: string, riskValue?: unknown): LifecycleContext {
  return {
    event: 'before_migration',
    at: new Date().toISOString(),
    runId: 'r1',
    runKind: 'up',
    project: { dir: tmp!.dir, name: 't' },
    database: { label: 'db', serverVersionNum: 180000 },
    migration: { version, name: 'x', checksum, path: 'p' },
    risk: riskValue,
  };
}

describe('approvals', () => {
  it('records an approval bound to the checksum and risk hash, as reviewable JSON', () => {
    const p = setup();
    const rec = decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: 'off-peak', risk: risk(p, '0001', 'high') });
    const file = JSON.parse(fs.readFileSync(path.join(p.dir, 'approvals', '1.json'), 'utf8'));
    expect(file.decisions[0]).toMatchObject({ decision: 'approved', by: 'alice', comment: 'off-peak', checksum: p.migrations[0]!.checksum, riskHash: 'h-high-60', auditHash: rec.auditHash });
    expect(approvalState(p, '0001').state).toBe('approved');
    expect(fs.readdirSync(path.join(p.dir, 'approvals')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('goes stale when the migration file is edited', () => {
    let p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    tmp!.write('0001_idx.up.sql', 'CREATE INDEX orders_status_idx ON orders (status, id);\n');
    p = openValidProject(tmp!.dir);
    const s = approvalState(p, '0001');
    expect(s.state).toBe('stale');
    expect(s.reason).toContain('the file has changed');
  });

  it('goes stale when the risk rose above the approved level', () => {
    const p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'medium', 40) });
    expect(approvalState(p, '0001', { level: 'critical', hash: 'x' }).state).toBe('stale');
    expect(approvalState(p, '0001', { level: 'low', hash: 'y' }).state).toBe('approved');
  });

  it('a later rejection wins over an earlier approval', () => {
    const p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    decide(p, { version: '0001', decision: 'rejected', by: 'bob', comment: 'not during sales', risk: risk(p, '0001', 'high') });
    expect(approvalState(p, '0001').state).toBe('rejected');
    expect(readApprovalFile(p.dir, '0001').decisions).toHaveLength(2);
  });

  it('refuses a risk report computed for another version of the file', () => {
    const p = setup();
    expect(() => decide(p, { version: '0001', decision: 'approved', by: 'a', comment: '', risk: { ...risk(p, '0001', 'high'), checksum: 'deadbeef' } })).toThrow(/checksum differs/);
  });
});

describe('audit log', () => {
  function threeDecisions() {
    const p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: 'a', risk: risk(p, '0001', 'high') });
    decide(p, { version: '0002', decision: 'rejected', by: 'bob', comment: 'b', risk: risk(p, '0002', 'low', 10) });
    decide(p, { version: '0002', decision: 'approved', by: 'carol', comment: 'c', risk: risk(p, '0002', 'low', 10) });
    return { p, log: path.join(p.dir, 'approvals', 'audit.log') };
  }

  it('verifies an untouched hash chain', () => {
    const { p } = threeDecisions();
    expect(verifyAuditLog(p.dir)).toEqual({ ok: true, entries: 3, problems: [] });
  });

  it('detects an edited entry', () => {
    const { p, log } = threeDecisions();
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace('"by":"bob"', '"by":"mallory"'));
    const v = verifyAuditLog(p.dir);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ line: 2 });
    expect(v.problems[0]!.message).toContain('was modified');
  });

  it('detects a deleted entry and a truncated tail', () => {
    const { p, log } = threeDecisions();
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    fs.writeFileSync(log, [lines[0], lines[2]].join('\n') + '\n');
    expect(verifyAuditLog(p.dir).problems.map((x) => x.message).join()).toMatch(/removed|broken/);
    fs.writeFileSync(log, [lines[0], lines[1]].join('\n') + '\n');
    const v = verifyAuditLog(p.dir);
    expect(v.ok).toBe(false);
    expect(v.problems[0]!.message).toContain('not in the audit log');
  });

  it('refuses new decisions while the chain is broken', () => {
    const { p, log } = threeDecisions();
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace('"comment":"a"', '"comment":"A"'));
    expect(() => decide(p, { version: '0001', decision: 'approved', by: 'x', comment: '', risk: risk(p, '0001', 'high') })).toThrow(/tampered/);
  });
});

describe('approval gate (before_migration)', () => {
  it('refuses a high-risk migration without approval, with a message that says what to do', async () => {
    const p = setup();
    const gate = approvalGate({ project: p });
    const d = await gate(ctx('0001', p.migrations[0]!.checksum, { version: '0001', level: 'high', score: 62, hash: 'h' }));
    expect(d).toMatchObject({ proceed: false, by: 'approval' });
    expect((d as { reason: string }).reason).toMatch(/high risk .* requires an approval above "medium".*confiture approve 0001/);
  });

  it('lets an approved migration and a low-risk one through, and refuses after an edit', async () => {
    const p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    const gate = approvalGate({ project: p, assess: async (v) => ({ version: v, level: v === '0001' ? 'high' : 'low', score: 1, hash: 'h' }) });
    expect(await gate(ctx('0001', p.migrations[0]!.checksum))).toEqual({ proceed: true });
    expect(await gate(ctx('0002', p.migrations[1]!.checksum))).toEqual({ proceed: true });
    tmp!.write('0001_idx.up.sql', 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n');
    const edited = openValidProject(tmp!.dir);
    const gate2 = approvalGate({ project: edited, assess: async (v) => ({ version: v, level: 'high', score: 60, hash: 'h' }) });
    const d = await gate2(ctx('0001', edited.migrations[0]!.checksum));
    expect(d).toMatchObject({ proceed: false });
    expect((d as { reason: string }).reason).toContain('file has changed');
  });

  it('does nothing when the project does not require approvals', async () => {
    const p = setup('name: t\nrisk:\n  requireApprovalAbove: null\n');
    expect(await approvalGate({ project: p })(ctx('0001', p.migrations[0]!.checksum))).toBeUndefined();
  });
});

describe('verification against the anchor and the files, both ways', () => {
  function two() {
    const p = setup();
    const a = decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    const b = decide(p, { version: '0001', decision: 'rejected', by: 'bob', comment: 'no', risk: risk(p, '0001', 'high') });
    const anchor = { rows: [a, b].map((r, i) => ({ seq: i + 1, hash: r.auditHash, version: '0001', decision: r.decision })), database: 'db' };
    return { p, anchor, log: path.join(p.dir, 'approvals', 'audit.log'), json: path.join(p.dir, 'approvals', '1.json') };
  }

  it('an untouched project verifies against its anchor', () => {
    const { p, anchor } = two();
    expect(verifyApprovals(p.dir, anchor)).toMatchObject({ ok: true, brokenAt: null, revoked: [], anchor: { checked: true, anchored: 2 } });
  });

  it('a rejection removed from both the log and the file is caught by the anchor only', () => {
    const { p, anchor, log, json } = two();
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').trim().split('\n')[0] + '\n');
    const j = JSON.parse(fs.readFileSync(json, 'utf8'));
    j.decisions.pop();
    fs.writeFileSync(json, JSON.stringify(j));
    expect(verifyApprovals(p.dir, null).ok).toBe(true);
    const v = verifyApprovals(p.dir, anchor);
    expect(v).toMatchObject({ ok: false, brokenAt: 2, revoked: ['0001'] });
    expect(v.problems[0]!.message).toMatch(/older copy|deleted/);
    expect(approvalState(p, '0001', null, { verification: v, anchor }).state).toBe('revoked');
  });

  it('a decision missing from the approval file revokes that version', () => {
    const { p, json } = two();
    const j = JSON.parse(fs.readFileSync(json, 'utf8'));
    j.decisions.pop();
    fs.writeFileSync(json, JSON.stringify(j));
    const v = verifyApprovals(p.dir, null);
    expect(v.revoked).toEqual(['0001']);
    expect(v.problems[0]!.message).toContain('missing from approvals/1.json');
  });

  it('names a version only the approval file still knows as the project writes it (0001, not 1)', () => {
    const { p, log } = two();
    fs.writeFileSync(log, '');
    const v = verifyApprovals(p.dir, null);
    expect(v.revoked).toEqual(['0001']);
  });

  it('an approval that is not anchored in the target database does not count', () => {
    const p = setup();
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    const s = approvalState(p, '0001', null, { verification: verifyApprovals(p.dir, { rows: [], database: 'database "prod"' }), anchor: { rows: [], database: 'database "prod"' } });
    expect(s.state).toBe('revoked');
    expect(s.reason).toContain('not anchored in database "prod"');
  });
});

describe('distinct approvers (approvals.required)', () => {
  it('needs two different people at high, one at medium', () => {
    const p = setup('name: t\nrisk:\n  requireApprovalAbove: low\napprovals:\n  required: { high: 2 }\n');
    decide(p, { version: '0001', decision: 'approved', by: 'alice', comment: '', risk: risk(p, '0001', 'high') });
    decide(p, { version: '0001', decision: 'approved', by: 'Alice', comment: 'again', risk: risk(p, '0001', 'high') });
    expect(approvalState(p, '0001', { level: 'high', hash: 'h' })).toMatchObject({ state: 'missing', required: 2, approvers: ['alice'] });
    decide(p, { version: '0001', decision: 'approved', by: 'bob', comment: '', risk: risk(p, '0001', 'high') });
    expect(approvalState(p, '0001', { level: 'high', hash: 'h' })).toMatchObject({ state: 'approved', approvers: ['alice', 'bob'] });
    expect(approvalState(p, '0001', { level: 'medium', hash: 'h' }).state).toBe('approved');
  });
});

describe('formatScore', () => {
  it('prints every score with one decimal', () => {
    expect([32.5, 25, 7.04, 99.96, 0].map(formatScore)).toEqual(['32.5', '25.0', '7.0', '100.0', '0.0']);
  });
});
