/** `confiture status` as a DBA runs it: a real process, a real database, exit codes and JSON. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTrackingSchema } from '../../../src-main/store';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { confiture as runCli, type CliRun } from './run-cli';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

let db: TestDatabase;
let project: TempProject;
let dataDir: string;

type Run = CliRun;
const confiture = (args: string[]): Promise<Run> => runCli(args, { dataDir, timeoutMs: 60_000 });

const files = {
  '0001_customers.up.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY);\n',
  '0002_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
  '0010_index.up.sql': 'CREATE INDEX CONCURRENTLY orders_id ON orders (id);\n',
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-cli-data-'));
  db = await createTestDatabase();
  project = makeProject(files, 'name: cli-test\n');
  const c = await db.client();
  try {
    await ensureTrackingSchema(c, 'confiture');
    await c.query("INSERT INTO confiture.applied_migrations (project, version, name, checksum, applied_by) VALUES ('cli-test', '0001', 'customers', $1, 'ci'), ('cli-test', '0002', 'orders', 'old', 'ci')", [
      sha(files['0001_customers.up.sql']),
    ]);
  } finally {
    await c.end();
  }
});

afterAll(async () => {
  project?.remove();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// each case is its own process: run them side by side
describe.concurrent('confiture status', () => {
  it('prints the migrations with their state as JSON and exits 0', async () => {
    const r = await confiture(['status', '--project', project.dir, '--db', db.url, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { migrations: { version: string; name: string; state: string; checksum: string }[]; connection: string };
    expect(out.migrations.map((m) => [m.version, m.name, m.state])).toEqual([
      ['0001', 'customers', 'applied'],
      ['0002', 'orders', 'changed'],
      ['0010', 'index', 'pending'],
    ]);
    expect(out.migrations[2]!.checksum).toBe(sha(files['0010_index.up.sql']));
    const password = new URL(db.url).password;
    if (password) expect(r.stdout).not.toContain(password);
  });

  it('prints a readable table in text format', async () => {
    const r = await confiture(['status', '--project', project.dir, '--db', db.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applied\s+0001\s+customers/);
    expect(r.stdout).toMatch(/1 applied, 1 changed, 1 pending/);
  });

  it('exits 2 on a bad --format', async () => {
    const r = await confiture(['status', '--project', project.dir, '--db', db.url, '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of text, json/);
  });

  it('exits 2 with a JSON error when the project folder does not exist', async () => {
    const missing = path.join(dataDir, 'nowhere');
    const r = await confiture(['status', '--project', missing, '--db', db.url, '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(out.error.code).toBe('not_found');
    expect(out.error.message).toContain(missing);
  });

  it('exits 3 when the database cannot be reached', async () => {
    const r = await confiture(['status', '--project', project.dir, '--db', 'postgres://postgres@127.0.0.1:1/x', '--format', 'json']);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('connection_error');
  });

  it('exits 2 naming both files of a duplicate version', async () => {
    const dup = makeProject({ '001_first.up.sql': 'SELECT 1;', '1_second.up.sql': 'SELECT 2;' });
    try {
      const r = await confiture(['status', '--project', dup.dir, '--db', db.url, '--format', 'json']);
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(out.error.code).toBe('project_error');
      expect(out.error.message).toContain('001_first.up.sql');
      expect(out.error.message).toContain('1_second.up.sql');
    } finally {
      dup.remove();
    }
  });

  it('exits 2 on an unknown option', async () => {
    const r = await confiture(['status', '--projcet', project.dir]);
    expect(r.code).toBe(2);
  });
});
