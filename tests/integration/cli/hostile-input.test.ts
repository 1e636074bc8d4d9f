/**
 * Hostile input through the real CLI and a real database: nothing half-applied, nothing but the
 * JSON on stdout, a clear error (code, file, line) and exit 2 instead of `internal` / exit 3.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { confiture as runCli, type CliRun } from './run-cli';


let db: TestDatabase;
let dataDir: string;
const projects: TempProject[] = [];

type Run = CliRun;
const confiture = (args: string[]): Promise<Run> => runCli(args, { dataDir, timeoutMs: 120_000 });

/** stdout must be exactly one JSON document */
function onlyJson(r: Run): { error?: { code: string; message: string; where?: { file?: string; line?: number; column?: number } } } {
  return JSON.parse(r.stdout) as ReturnType<typeof onlyJson>;
}

function project(files: Record<string, string | Buffer>, config = 'name: hostile\n'): TempProject {
  const p = makeProject(files, config);
  projects.push(p);
  return p;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-hostile-data-'));
  db = await createTestDatabase('cf_hostile');
});

afterAll(async () => {
  for (const p of projects) p.remove();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.concurrent('hostile input through the CLI', () => {
  it('refuses a migration with a NUL byte: exit 2, file:line:column, neither table created, nothing recorded', async () => {
    const p = project({ '0001_ab.up.sql': 'CREATE TABLE nul_a (id int);\0\nCREATE TABLE nul_b (id int);\n' });
    const r = await confiture(['migrate', 'up', '--project', p.dir, '--db', db.url, '--format', 'json']);
    expect(r.code).toBe(2);
    const out = onlyJson(r);
    expect(out.error).toMatchObject({ code: 'parse_error', where: { file: path.join(p.migrationsDir, '0001_ab.up.sql'), line: 1, column: 29 } });
    expect(out.error!.message).toContain('0001_ab.up.sql:1:29: a NUL byte');
    const c = await db.client();
    try {
      const tables = await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_class WHERE relname IN ('nul_a', 'nul_b')");
      expect(tables.rows[0]!.n).toBe('0');
      const tracked = await c.query<{ t: string | null }>("SELECT to_regclass('confiture.applied_migrations')::text AS t");
      if (tracked.rows[0]!.t) expect((await c.query("SELECT 1 FROM confiture.applied_migrations WHERE version = '0001'")).rowCount).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('refuses 2,000 nested ARRAY[…] as parse_error, exit 2 (it was internal: Maximum call stack size exceeded, exit 3)', async () => {
    const dir = project({}).dir;
    const file = path.join(dir, 'deep.sql');
    fs.writeFileSync(file, 'SELECT ' + 'ARRAY['.repeat(2000) + '1' + ']'.repeat(2000) + ';\n');
    const r = await confiture(['locks', file, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(onlyJson(r).error).toMatchObject({ code: 'parse_error', where: { file, line: 1 } });
    expect(onlyJson(r).error!.message).toContain('nested more than 1000 levels deep');
  });

  it('refuses a 50 MB file from its size, with nothing but the JSON on stdout', async () => {
    const dir = project({}).dir;
    const file = path.join(dir, 'values.sql');
    // a sparse file: 50 MB long, nothing written
    fs.writeFileSync(file, 'INSERT INTO t VALUES (1)');
    fs.truncateSync(file, 50 * 1024 * 1024);
    const r = await confiture(['locks', file, '--format', 'json']);
    expect(r.code).toBe(2);
    const out = onlyJson(r);
    expect(out.error).toMatchObject({ code: 'parse_error', where: { file } });
    expect(out.error!.message).toMatch(/values\.sql is 50 MB, above the 8\.0 MB limit .*CONFITURE_MAX_SQL_BYTES/);
  });

  it('refuses a YAML bomb in confiture.yaml as config_error, exit 2, naming the file', async () => {
    const bomb = [
      'name: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`),
    ].join('\n');
    const p = project({ '0001_a.up.sql': 'CREATE TABLE a (id int);\n' }, bomb);
    const r = await confiture(['lint', '--project', p.dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(onlyJson(r).error).toMatchObject({ code: 'config_error', where: { file: path.join(p.dir, 'confiture.yaml'), line: 2 } });
  });

  it('reports a symbolic link in migrations/ instead of skipping it', async () => {
    const p = project({ '0001_a.up.sql': 'CREATE TABLE sym_a (id int);\n' });
    fs.writeFileSync(path.join(p.dir, 'outside.sql'), 'CREATE TABLE sym_b (id int);\n');
    fs.symlinkSync(path.join(p.dir, 'outside.sql'), path.join(p.migrationsDir, '0002_b.up.sql'));
    const r = await confiture(['status', '--project', p.dir, '--db', db.url, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(onlyJson(r).error).toMatchObject({ code: 'project_error', where: { file: path.join(p.migrationsDir, '0002_b.up.sql') } });
    expect(onlyJson(r).error!.message).toContain('is a symbolic link');
  });
});
