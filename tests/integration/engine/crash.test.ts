import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../src-main/engine';
import { EmbeddedServer, freePort } from '../../../src-main/db';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';

const root = path.resolve(__dirname, '../../..');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_engine_crash');
});
afterAll(async () => {
  await db.drop();
});

/** A killed client's backend may still be finishing a COMMIT it already received: wait until it is gone. */
async function killedSessionsGone(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'confiture%' AND pid <> pg_backend_pid()");
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function consistent(count: number): Promise<number> {
  const applied = new Set((await db.pool.query('SELECT version FROM confiture.applied_migrations').catch(() => ({ rows: [] as { version: string }[] }))).rows.map((r) => r.version));
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(4, '0');
    const exists = (await db.pool.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`k${i}`])).rows[0].ok as boolean;
    expect(`${v}:${exists}`).toBe(`${v}:${applied.has(v)}`);
  }
  return applied.size;
}

describe('crash safety', () => {
  it('leaves every migration applied and recorded or absent and unrecorded after kill -9, and the next run completes', async () => {
    const N = 40;
    const files: Record<string, string> = {};
    for (let i = 1; i <= N; i++) files[`${String(i).padStart(4, '0')}_k.up.sql`] = `CREATE TABLE k${i} (id int);\nINSERT INTO k${i} SELECT generate_series(1, 100);\nSELECT pg_sleep(0.05);`;
    const p = engineProject(files);
    const kills: number[] = [];
    for (let iteration = 0; iteration < 5; iteration++) {
      const child = spawn(process.execPath, [path.join(root, 'bin/confiture.mjs'), 'migrate', 'up', '--project', p.dir, '--db', db.url, '--format', 'json'], { stdio: 'ignore' });
      const delay = 900 + Math.floor(Math.random() * 900);
      await new Promise((r) => setTimeout(r, delay));
      // the batch may already have finished on a fast machine: only wait for an exit still to come
      const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      child.kill('SIGKILL');
      await exited;
      await killedSessionsGone();
      kills.push(await consistent(N));
    }
    // the killed backends release the run lock as soon as the server notices
    let report;
    for (let i = 0; i < 50; i++) {
      try {
        report = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'lock_held') throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(report?.ok).toBe(true);
    expect(await consistent(N)).toBe(N);
    p.remove();
  });

  it('reports a lost connection clearly when PostgreSQL restarts mid-run, and resumes afterwards', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-restart-'));
    fs.chmodSync(tmp, 0o755);
    const server = new EmbeddedServer({ baseDir: tmp, port: await freePort() });
    try {
      const { url } = await server.start();
      const p = engineProject({
        '0001_a.up.sql': 'CREATE TABLE r1 (id int);',
        '0002_b.up.sql': 'CREATE TABLE r2 (id int);\nSELECT pg_sleep(20);',
      });
      const running = runMigrations(p.open(), urlTarget(url), { kind: 'up' });
      // stop the server while 0002 runs (not a fixed delay: a loaded machine may still be preparing)
      const watcher = new pg.Client({ connectionString: url });
      await watcher.connect();
      for (let i = 0; i < 1200; i++) {
        const r = await watcher.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()");
        if (r.rowCount) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      await watcher.end();
      await server.stop();
      const report = await running;
      expect(report.ok).toBe(false);
      expect(report.error?.code).toBe('connection_error');
      expect(report.error?.message).toMatch(/0002_b\.up\.sql: the connection to the database was lost.*run again to resume/);
      await server.start();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const applied = (await c.query('SELECT version FROM confiture.applied_migrations ORDER BY 1')).rows.map((r) => r.version);
      expect(applied).toEqual(['0001']);
      expect((await c.query("SELECT to_regclass('r2') IS NULL AS gone")).rows[0].gone).toBe(true);
      p.write('0002_b.up.sql', 'CREATE TABLE r2 (id int);');
      const again = await runMigrations(p.open(), urlTarget(url), { kind: 'up', acceptDrift: true });
      expect(again.ok).toBe(true);
      expect((await c.query('SELECT count(*)::int AS n FROM confiture.applied_migrations')).rows[0].n).toBe(2);
      await c.end();
      p.remove();
    } finally {
      await server.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
