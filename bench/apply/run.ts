/**
 * bench/apply: N small migrations (CREATE TABLE + CREATE INDEX each) applied by the engine, by psql
 * (one transaction per migration + a tracking insert) and by dbmate when installed, on the same files.
 *
 *   node --import tsx bench/apply/run.ts [--n 1000] [--url postgres://postgres@127.0.0.1:5432/postgres]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations, urlTarget } from '../../src-main/engine';
import { openValidProject } from '../../src-main/project';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const N = Number(arg('n', '1000'));
const adminUrl = arg('url', 'postgres://postgres@127.0.0.1:5432/postgres');

function dbUrl(name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freshDb(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return dbUrl(name);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-'));
fs.writeFileSync(path.join(dir, 'confiture.yaml'), 'name: bench\n');
fs.mkdirSync(path.join(dir, 'migrations'));
const dbmateDir = path.join(dir, 'dbmate');
fs.mkdirSync(dbmateDir);
for (let i = 1; i <= N; i++) {
  const v = String(i).padStart(6, '0');
  const sql = `CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\nCREATE INDEX t${i}_v ON t${i} (v);`;
  fs.writeFileSync(path.join(dir, 'migrations', `${v}_m${i}.up.sql`), sql);
  fs.writeFileSync(path.join(dbmateDir, `${v}_m${i}.sql`), `-- migrate:up\n${sql}\n\n-- migrate:down\n`);
}

const results: Record<string, number> = {};

{
  const url = await freshDb('bench_confiture');
  const t = performance.now();
  const r = await runMigrations(openValidProject(dir), urlTarget(url), { kind: 'up' });
  results.confiture = (performance.now() - t) / 1000;
  if (!r.ok) throw new Error(r.error?.message);
}
{
  const url = await freshDb('bench_psql');
  let script = 'CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz DEFAULT now());\n';
  for (let i = 1; i <= N; i++) {
    const v = String(i).padStart(6, '0');
    script += `BEGIN;\n\\i ${path.join(dir, 'migrations', `${v}_m${i}.up.sql`)}\nINSERT INTO schema_migrations (version) VALUES ('${v}');\nCOMMIT;\n`;
  }
  fs.writeFileSync(path.join(dir, 'psql.sql'), script);
  const t = performance.now();
  execFileSync('psql', ['-q', '-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', path.join(dir, 'psql.sql')], { stdio: ['ignore', 'ignore', 'inherit'] });
  results.psql = (performance.now() - t) / 1000;
}
const dbmate = path.resolve('node_modules/.bin/dbmate');
if (fs.existsSync(dbmate)) {
  const url = await freshDb('bench_dbmate');
  const t = performance.now();
  execFileSync(dbmate, ['--no-dump-schema', '--migrations-dir', dbmateDir, 'up'], { env: { ...process.env, DATABASE_URL: url + '?sslmode=disable' }, stdio: ['ignore', 'ignore', 'inherit'] });
  results.dbmate = (performance.now() - t) / 1000;
}

for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(10)} ${v.toFixed(2)} s  (${((v / N) * 1000).toFixed(2)} ms/migration)`);
console.log(`confiture / psql   = ${(results.confiture! / results.psql!).toFixed(3)}`);
if (results.dbmate) console.log(`confiture / dbmate = ${(results.confiture! / results.dbmate).toFixed(3)}`);
else console.log('dbmate not installed (npm i -D -E dbmate) — skipped');
fs.rmSync(dir, { recursive: true, force: true });
