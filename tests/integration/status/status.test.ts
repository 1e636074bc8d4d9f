import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { openProject } from '../../../src-main/project';
import { migrationStatus } from '../../../src-main/status';
import { ensureTrackingSchema } from '../../../src-main/store';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
let db: TestDatabase;
const cleanup: TempProject[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const p of cleanup) p.remove();
  await db.drop();
});

/** Writes applied rows as the engine would for the project `projectId` (rows are kept per project). */
async function track(schema: string, rows: { version: string; name: string; checksum: string }[], projectId = 'test'): Promise<void> {
  const c = await db.client();
  try {
    await ensureTrackingSchema(c, schema);
    for (const r of rows) {
      await c.query(`INSERT INTO ${c.escapeIdentifier(schema)}.applied_migrations (project, version, name, checksum, applied_by) VALUES ($4, $1, $2, $3, 'test')`, [
        r.version,
        r.name,
        r.checksum,
        projectId,
      ]);
    }
  } finally {
    await c.end();
  }
}

describe('migration status on a real database', () => {
  it('lists every migration as pending when there is no tracking schema', async () => {
    const p = makeProject({ '1_a.up.sql': 'SELECT 1;', '2_b.up.sql': 'SELECT 2;' });
    cleanup.push(p);
    const { exists, migrations } = await migrationStatus(openProject(p.dir), db.pool);
    expect(exists).toBe(false);
    expect(migrations.map((m) => [m.version, m.state])).toEqual([
      ['1', 'pending'],
      ['2', 'pending'],
    ]);
  });

  it('reports applied, changed, pending and missing from the tracking table', async () => {
    const files = { '0001_create.up.sql': 'CREATE TABLE a (id int);', '0002_edit.up.sql': 'ALTER TABLE a ADD b int;', '0003_new.up.sql': 'SELECT 3;' };
    const p = makeProject(files);
    cleanup.push(p);
    await track('confiture', [
      { version: '0001', name: 'create', checksum: sha(files['0001_create.up.sql']) },
      { version: '0002', name: 'edit', checksum: sha('ALTER TABLE a ADD b bigint;') },
      { version: '0000', name: 'gone', checksum: sha('SELECT 0;') },
      { version: '10', name: 'gone_later', checksum: sha('SELECT 10;') },
    ]);
    const { exists, migrations } = await migrationStatus(openProject(p.dir), db.pool);
    expect(exists).toBe(true);
    expect(migrations.map((m) => [m.version, m.name, m.state])).toEqual([
      ['0000', 'gone', 'missing'],
      ['0001', 'create', 'applied'],
      ['0002', 'edit', 'changed'],
      ['0003', 'new', 'pending'],
      ['10', 'gone_later', 'missing'],
    ]);
    const changed = migrations.find((m) => m.state === 'changed')!;
    expect(changed.checksum).toBe(sha(files['0002_edit.up.sql']));
    expect(changed.appliedChecksum).toBe(sha('ALTER TABLE a ADD b bigint;'));
    const applied = migrations.find((m) => m.state === 'applied')!;
    expect(applied.appliedBy).toBe('test');
    expect(new Date(applied.appliedAt!).getTime()).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it('matches an applied version written differently (1 vs 0001)', async () => {
    const p = makeProject({ '0001_create.up.sql': 'CREATE TABLE a (id int);' });
    cleanup.push(p);
    const schema = 'track_pad';
    await track(schema, [{ version: '1', name: 'create', checksum: sha('CREATE TABLE a (id int);') }], 'pad');
    fs.writeFileSync(path.join(p.dir, 'confiture.yaml'), `name: pad\ntracking:\n  schema: ${schema}\n`);
    const { migrations } = await migrationStatus(openProject(p.dir), db.pool);
    expect(migrations.map((m) => m.state)).toEqual(['applied']);
  });

  it('reads the tracking schema named in confiture.yaml', async () => {
    const schema = 'ops_tracking';
    const p = makeProject({ '1_a.up.sql': 'SELECT 1;' }, `name: custom\ntracking:\n  schema: ${schema}\n`);
    cleanup.push(p);
    const project = openProject(p.dir);
    expect(project.trackingSchema).toBe(schema);
    expect((await migrationStatus(project, db.pool)).exists).toBe(false);
    await track(schema, [{ version: '1', name: 'a', checksum: sha('SELECT 1;') }], 'custom');
    const { exists, migrations } = await migrationStatus(project, db.pool);
    expect(exists).toBe(true);
    expect(migrations[0]!.state).toBe('applied');
    // the default schema's rows (from another test) are not read
    expect(migrations).toHaveLength(1);
  });

  it('handles a tracking schema name that needs quoting-safe handling', async () => {
    const schema = 'a$b_2';
    const p = makeProject({ '1_a.up.sql': 'SELECT 1;' }, `tracking:\n  schema: ${schema}\n`);
    cleanup.push(p);
    await track(schema, [{ version: '1', name: 'a', checksum: 'x' }], openProject(p.dir).id);
    const { migrations } = await migrationStatus(openProject(p.dir), db.pool);
    expect(migrations[0]!.state).toBe('changed');
  });
});

describe('ConnectionRegistry', () => {
  let dataDir: string;
  let ctx: AppContext;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-registry-'));
    ctx = createContext({ mode: 'cli', dataDir });
  });
  afterAll(async () => {
    await ctx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens a URL target and never exposes the password', async () => {
    // give the URL a password even when the server does not need one (trust auth)
    const u = new URL(db.url);
    const password = u.password || 'not-needed-but-secret';
    u.password = password;
    const info = await ctx.connections.openTarget({ kind: 'url', url: u.toString() });
    expect(info).toMatchObject({ kind: 'url', database: db.name, host: u.hostname, port: Number(u.port) });
    expect(info.serverVersionNum).toBe(db.serverVersionNum);
    expect(JSON.stringify(info)).not.toContain(password);
    expect(JSON.stringify(ctx.connections.list())).not.toContain(password);
    const r = await ctx.connections.pool(info.id).query<{ d: string }>('SELECT current_database() AS d');
    expect(r.rows[0]!.d).toBe(db.name);
    const c = await ctx.connections.client(info.id);
    await c.end();
  });

  it('returns the same connection when the same target is opened twice', async () => {
    const a = await ctx.connections.openTarget({ kind: 'url', url: db.url });
    const b = await ctx.connections.openTarget({ kind: 'url', url: db.url });
    expect(b.id).toBe(a.id);
  });

  it('does not hand back a connection opened with weaker TLS settings', async () => {
    const plain = await ctx.connections.openTarget({ kind: 'url', url: db.url, tls: { mode: 'disable' } });
    const err = await ctx.connections.openTarget({ kind: 'url', url: db.url, tls: { mode: 'require' } }).then(
      (info) => (info.id === plain.id ? 'reused the TLS-less connection' : info),
      (e: unknown) => e,
    );
    expect(err).not.toBe('reused the TLS-less connection');
  });

  it('refuses an unknown connection id with not_found', () => {
    expect(() => ctx.connections.pool('nope')).toThrow(/No open connection/);
  });

  it('reports an unreachable server as a connection_error without the password', async () => {
    const err = await ctx.connections.openTarget({ kind: 'url', url: 'postgres://postgres:hunter2hunter2@127.0.0.1:1/x' }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('connection_error');
    expect((err as Error).message).not.toContain('hunter2hunter2');
  });

  it('closes a connection', async () => {
    const info = await ctx.connections.openTarget({ kind: 'url', url: db.url });
    expect(await ctx.connections.close(info.id)).toBe(true);
    expect(ctx.connections.list().some((c) => c.id === info.id)).toBe(false);
  });
});
