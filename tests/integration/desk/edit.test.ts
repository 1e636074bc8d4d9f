/**
 * Edit in place (issue 13 point 9): `project/save` through the router, on a real folder and a real
 * PostgreSQL — the file written atomically, everything outside the migrations folder out of reach,
 * bad text refused with its line, an applied migration refused unless confirmed, and an approval
 * turned stale by the new checksum.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { createRouter, type Router } from '../../../src-main/ipc/router';
import type { ErrorValue, Result } from '../../../src-shared/errors';
import type { ApprovalState } from '../../../src-shared/domain/risk';
import type { MigrationSaveResult, MigrationSource } from '../../../src-shared/domain/project';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

let db: TestDatabase;
let ctx: AppContext;
let router: Router;
let connectionId: string;
let dataDir: string;
const projects: TempProject[] = [];

beforeAll(async () => {
  db = await createTestDatabase('cf_desk_edit');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-desk-edit-'));
  ctx = createContext({ mode: 'cli', dataDir });
  router = createRouter(ctx);
  connectionId = (await ctx.connections.openTarget({ kind: 'url', url: db.url, tls: { mode: 'disable' } })).id;
});
afterAll(async () => {
  await ctx.close();
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const p of projects) p.remove();
});

function project(config = 'name: edit\nrisk:\n  requireApprovalAbove: null\n'): TempProject {
  const schema = `edit_${crypto.randomBytes(4).toString('hex')}`;
  const p = makeProject(
    {
      '0001_create_a.up.sql': `CREATE TABLE ${schema}_a (id int);\n`,
      '0002_create_b.up.sql': `CREATE TABLE ${schema}_b (id int);\n`,
    },
    `${config}tracking:\n  schema: ${schema}\n`,
  );
  projects.push(p);
  return p;
}

async function ok<T>(name: string, input: unknown): Promise<T> {
  const r = (await router.call(name, input)) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}
async function fails(name: string, input: unknown): Promise<ErrorValue> {
  const r = await router.call(name, input);
  if (r.ok) throw new Error(`${name} should have failed`);
  return r.error;
}
const sha = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

describe('project/save', () => {
  it('writes the new text atomically, reports both checksums, and the source reads it back', async () => {
    const p = project();
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0002' });
    expect(src.checksum).toBe(sha(fs.readFileSync(path.join(p.migrationsDir, '0002_create_b.up.sql'))));
    const sql = `${src.sql}-- reviewed\nCREATE INDEX ON ${src.sql.match(/TABLE (\S+)/)![1]} (id);\n`;
    const r = await ok<MigrationSaveResult>('project/save', { dir: p.dir, version: '0002', sql, expectedChecksum: src.checksum, connectionId });
    expect(r).toMatchObject({ version: '0002', unchanged: false, state: 'pending', previousChecksum: src.checksum, checksum: sha(sql), sizeBytes: Buffer.byteLength(sql) });
    expect(fs.readFileSync(r.path, 'utf8')).toBe(sql);
    // no temp file left behind
    expect(fs.readdirSync(p.migrationsDir).sort()).toEqual(['0001_create_a.up.sql', '0002_create_b.up.sql']);
    const again = await ok<MigrationSource>('project/source', { dir: p.dir, version: '2' });
    expect(again.sql).toBe(sql);
    expect(again.checksum).toBe(sha(sql));
    // the same text again: nothing written
    const same = await ok<MigrationSaveResult>('project/save', { dir: p.dir, version: '0002', sql, expectedChecksum: sha(sql) });
    expect(same.unchanged).toBe(true);
    expect(same.state).toBeNull();
  });

  it('refuses to overwrite a file changed on disk since the editor read it', async () => {
    const p = project();
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0001' });
    p.write('0001_create_a.up.sql', 'SELECT 1; -- edited elsewhere\n');
    const e = await fails('project/save', { dir: p.dir, version: '0001', sql: 'SELECT 2;\n', expectedChecksum: src.checksum });
    expect(e.code).toBe('invalid_input');
    expect(e.where?.field).toBe('expectedChecksum');
    expect(e.message).toContain('changed on disk');
    expect(fs.readFileSync(path.join(p.migrationsDir, '0001_create_a.up.sql'), 'utf8')).toBe('SELECT 1; -- edited elsewhere\n');
  });

  it('refuses NUL, other control characters and unpaired surrogates, naming line and column', async () => {
    const p = project();
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0001' });
    const cases: [string, RegExp][] = [
      ['SELECT 1;\nSELECT \0 2;\n', /0001_create_a\.up\.sql:2:8: a NUL byte/],
      ['SELECT 1;\n\nSELECT \x1b[31m;\n', /:3:8: a control character \(0x1B\)/],
      ['SELECT 1; -- \uD800\n', /:1:14: an unpaired UTF-16 surrogate/],
    ];
    for (const [sql, msg] of cases) {
      const e = await fails('project/save', { dir: p.dir, version: '0001', sql, expectedChecksum: src.checksum });
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(msg);
      expect(e.where?.field).toBe('sql');
      expect(e.where?.line).toBeGreaterThan(0);
    }
    // tab, CR LF and form feed are text
    await ok('project/save', { dir: p.dir, version: '0001', sql: 'SELECT\t1;\r\n\f', expectedChecksum: src.checksum });
    expect(fs.readFileSync(path.join(p.migrationsDir, '0001_create_a.up.sql'), 'utf8')).toBe('SELECT\t1;\r\n\f');
  });

  it('caps the size: above 4 MiB refused by the request schema, nothing written', async () => {
    const p = project();
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0001' });
    const e = await fails('project/save', { dir: p.dir, version: '0001', sql: 'x'.repeat(4 * 1024 * 1024 + 1), expectedChecksum: src.checksum });
    expect(e.code).toBe('invalid_input');
    expect(e.where?.field).toBe('sql');
    // 4 Mi characters of 2 bytes each pass the schema but not the byte cap
    const e2 = await fails('project/save', { dir: p.dir, version: '0001', sql: `-- ${'é'.repeat(2 * 1024 * 1024)}`, expectedChecksum: src.checksum });
    expect(e2.message).toMatch(/above the 4194304 bytes the editor saves/);
    expect(fs.readFileSync(path.join(p.migrationsDir, '0001_create_a.up.sql'), 'utf8')).toBe(src.sql);
  });

  it('reaches nothing outside the migrations folder: versions only, no paths, no links', async () => {
    const p = project();
    const outside = path.join(p.dir, 'confiture.yaml');
    const before = fs.readFileSync(outside, 'utf8');
    for (const version of ['../confiture', '0001/../../x', '/etc/passwd', '0001_create_a.up.sql']) {
      const e = await fails('project/save', { dir: p.dir, version, sql: 'SELECT 1;', expectedChecksum: sha('') });
      expect(e.code).toBe('invalid_input');
      expect(e.where?.field).toBe('version');
    }
    const extra = await fails('project/save', { dir: p.dir, version: '0001', path: outside, sql: 'SELECT 1;', expectedChecksum: sha('') });
    expect(extra.message).toContain('path');
    // a migration that is a link to a file elsewhere (followSymlinks on) is not written through
    const linked = project('name: edit\nfollowSymlinks: true\nrisk:\n  requireApprovalAbove: null\n');
    const target = path.join(linked.dir, 'elsewhere.sql');
    fs.writeFileSync(target, 'SELECT 1;\n');
    fs.symlinkSync(target, path.join(linked.migrationsDir, '0003_linked.up.sql'));
    const e = await fails('project/save', { dir: linked.dir, version: '0003', sql: 'DROP TABLE x;', expectedChecksum: sha('SELECT 1;\n') });
    expect(e.message).toContain('symbolic link');
    expect(fs.readFileSync(target, 'utf8')).toBe('SELECT 1;\n');
    expect(fs.readFileSync(outside, 'utf8')).toBe(before);
    // an unknown version
    const nf = await fails('project/save', { dir: p.dir, version: '0009', sql: 'SELECT 1;', expectedChecksum: sha('') });
    expect(nf.code).toBe('not_found');
  });

  it('refuses an applied migration unless confirmed (checksum drift), then writes it', async () => {
    const p = project();
    await ok('runner/apply', { dir: p.dir, connectionId, to: '0001' });
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0001' });
    const sql = `-- a comment\n${src.sql}`;
    const e = await fails('project/save', { dir: p.dir, version: '0001', sql, expectedChecksum: src.checksum, connectionId });
    expect(e.code).toBe('policy_failure');
    expect(e.message).toContain('checksum drift');
    expect(e.details).toEqual({ state: 'applied' });
    expect(fs.readFileSync(path.join(p.migrationsDir, '0001_create_a.up.sql'), 'utf8')).toBe(src.sql);
    // a pending one in the same project is not affected
    const src2 = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0002' });
    await ok('project/save', { dir: p.dir, version: '0002', sql: `${src2.sql}-- ok\n`, expectedChecksum: src2.checksum, connectionId });
    const r = await ok<MigrationSaveResult>('project/save', { dir: p.dir, version: '0001', sql, expectedChecksum: src.checksum, connectionId, confirmApplied: true });
    expect(r.state).toBe('applied');
    const status = await ok<{ migrations: { version: string; state: string }[] }>('project/status', { dir: p.dir, connectionId });
    expect(status.migrations.find((m) => m.version === '0001')?.state).toBe('changed');
  });

  it('turns an approval stale: the approved checksum no longer matches the file', async () => {
    const p = project('name: edit\nrisk:\n  requireApprovalAbove: low\n');
    await ok('approval/decide', { dir: p.dir, version: '0002', decision: 'approved', by: 'dba', comment: 'ok', connectionId });
    const before = await ok<ApprovalState[]>('approval/list', { dir: p.dir, connectionId });
    expect(before.find((a) => a.version === '0002')?.state).toBe('approved');
    const src = await ok<MigrationSource>('project/source', { dir: p.dir, version: '0002' });
    const r = await ok<MigrationSaveResult>('project/save', { dir: p.dir, version: '0002', sql: `${src.sql}-- changed\n`, expectedChecksum: src.checksum, connectionId });
    const after = await ok<ApprovalState[]>('approval/list', { dir: p.dir, connectionId });
    const a = after.find((x) => x.version === '0002')!;
    expect(a.state).toBe('stale');
    expect(a.latest?.checksum).toBe(src.checksum);
    expect(a.latest?.checksum).not.toBe(r.checksum);
    expect(a.reason).toContain('the file has changed');
  });
});
