import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approvalGate, approvalState, decide, verifyAuditLog, readApprovalFile } from '../../../src-main/approval';
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
    const p = setup('name: t\n');
    expect(await approvalGate({ project: p })(ctx('0001', p.migrations[0]!.checksum))).toBeUndefined();
  });
});
