/**
 * The Risk screen's calls on a project of 5,000 pending migrations (issue 12 point 4), through the
 * router every GUI transport calls, on a real database. The screen asks for the risk report, the
 * approval states and the status at once; they used to fail at this size with the pool's
 * "timeout exceeded when trying to connect": the per-migration version lookups were quadratic and
 * the review's lint ran before its database reads, so the event loop was blocked for seconds while
 * connects waited. Here all of them must answer, whole and consistent, and an approval recorded in
 * the middle of the list must show in the next listing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { createRouter, type Router } from '../../../src-main/ipc/router';
import type { ApprovalState, MigrationRisk, RiskReport } from '../../../src-shared/domain/risk';
import type { MigrationStatus } from '../../../src-shared/domain/project';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

const N = 5_000;

let root: string;
let ctx: AppContext;
let router: Router;
let db: TestDatabase;
let project: TempProject;
let connectionId: string;

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await router.call(name, input);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** A table and an index per migration; every 10th adds an index to the table of the one before. */
function sqlOf(i: number, prefix: string): string {
  return i % 10 === 0
    ? `CREATE INDEX ${prefix}_t${i - 1}_note_idx ON ${prefix}_t${i - 1} (note);\n`
    : `CREATE TABLE ${prefix}_t${i} (id bigint PRIMARY KEY, note text);\nCREATE INDEX ${prefix}_t${i}_id_idx ON ${prefix}_t${i} (id, note);\n`;
}

const version = (i: number) => String(i).padStart(5, '0');

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-risk-scale-'));
  ctx = createContext({ mode: 'browser', dataDir: path.join(root, 'data') });
  router = createRouter(ctx);
  db = await createTestDatabase('cf_riskscale');
  const prefix = `s${crypto.randomBytes(3).toString('hex')}`;
  project = makeProject({}, `name: risk-scale\ntracking:\n  schema: ${prefix}_tracking\n`);
  for (let i = 1; i <= N; i++) project.write(`${version(i)}_step_${i}.up.sql`, sqlOf(i, prefix));
  connectionId = (await call<{ id: string }>('connection/open', { target: { kind: 'url', url: db.url } })).id;
}, 300_000);

afterAll(async () => {
  if (connectionId) await router.call('connection/close', { connectionId });
  await ctx?.close();
  await db?.drop();
  project?.remove();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe(`the Risk screen's calls on ${N.toLocaleString('en')} pending migrations`, () => {
  it('risk/report, approval/list and project/status made at once all answer, whole', { timeout: 900_000 }, async () => {
    const [report, approvals, status] = await Promise.all([
      // as the Risk screen asks for it
      call<RiskReport>('risk/report', { dir: project.dir, connectionId, detail: 'list' }),
      call<ApprovalState[]>('approval/list', { dir: project.dir, connectionId }),
      call<{ migrations: MigrationStatus[] }>('project/status', { dir: project.dir, connectionId }),
    ]);
    expect(status.migrations).toHaveLength(N);
    expect(status.migrations.every((m) => m.state === 'pending')).toBe(true);
    // every pending migration assessed, with the lint findings and the live catalog
    expect(report.migrations).toHaveLength(N);
    expect(new Set(report.migrations.map((m) => m.version)).size).toBe(N);
    expect(report.migrations.every((m) => m.inputs.catalog && m.inputs.findings)).toBe(true);
    // the screen's list: each row's fields, no details; the selected migration's come by its hash
    expect(report.detail).toBe('list');
    expect(report.migrations.every((m) => m.factors.length === 0 && m.statements.length === 0 && /^[0-9a-f]{64}$/.test(m.hash) && m.interval.length === 2)).toBe(true);
    const deep = report.migrations.find((m) => m.version === version(4_999))!;
    const details = await call<MigrationRisk>('risk/migration', { hash: deep.hash });
    expect(details).toMatchObject({ version: deep.version, hash: deep.hash, score: deep.score, level: deep.level });
    // the migration's own factors whole, each statement's breakdown left out (as the screen draws it)
    expect(details.factors.length).toBeGreaterThan(0);
    expect(details.statements.length).toBeGreaterThan(0);
    expect(details.statements.every((s) => s.factors.length === 0)).toBe(true);
    // what the list carries is a few hundred bytes a migration: the details are most of the report
    expect(JSON.stringify(report).length / N).toBeLessThan(600);
    // a hash this engine never assessed, or not a hash at all
    expect(await router.call('risk/migration', { hash: '0'.repeat(64) })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/re-assess/) } });
    expect(await router.call('risk/migration', { hash: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // one state per migration, in the project's order, none approved yet
    expect(approvals.map((a) => a.version)).toEqual(status.migrations.map((m) => m.version));
    expect(approvals.every((a) => a.state === 'missing')).toBe(true);

    // a decision on a migration deep in the list shows in the next listing, on it alone; it is
    // recorded with the hash the screen's (slim) report showed, so that hash names the full assessment
    const target = report.migrations.find((m) => m.version === version(4_321))!;
    await call('approval/decide', { dir: project.dir, connectionId, version: target.version, decision: 'approved', by: 'dba', comment: 'scale test', riskHash: target.hash });
    const after = await call<ApprovalState[]>('approval/list', { dir: project.dir, connectionId });
    expect(after).toHaveLength(N);
    expect(after.filter((a) => a.state === 'approved').map((a) => a.version)).toEqual([target.version]);
    // found by its canonical form too (4321 is 04321)
    const one = await call<{ state: ApprovalState }>('approval/decide', { dir: project.dir, connectionId, version: '4321', decision: 'approved', by: 'second dba', comment: 'again', riskHash: target.hash });
    expect(one.state.version).toBe(target.version);
    expect(one.state.state).toBe('approved');
  });
});
