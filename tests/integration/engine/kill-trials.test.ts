/**
 * Kill trials (issue 11 point 1, "stuck after a kill"): the real CLI (`bin/confiture.mjs migrate up`)
 * on a project mixing transactional migrations, migrations run statement by statement (big
 * INSERT/UPDATE outside a transaction) and CREATE/DROP INDEX CONCURRENTLY, killed with SIGKILL at a
 * random moment while it talks to the database (sometimes twice), then run again — with no manual
 * step. Every trial must end with every migration applied exactly once and the database equal to
 * an uninterrupted run's.
 *
 * CONFITURE_KILL_TRIALS sets the number of trials (default 12 for CI; 100 for the nightly size);
 * CONFITURE_KILL_SEED replays a sequence.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-main/perf/stats';
import { openValidProject } from '../../../src-main/project';
import { migrationStatus } from '../../../src-main/status';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

const root = path.resolve(__dirname, '../../..');
const TRIALS = Number(process.env.CONFITURE_KILL_TRIALS ?? 12);
const SEED = Number(process.env.CONFITURE_KILL_SEED ?? Date.now() % 1_000_000);

/** a seeded generator (the profiler's), so a failing sequence can be replayed */
const rng = mulberry32;

const FILES: Record<string, string> = {
  '0001_base.up.sql': 'CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL);\nCREATE TABLE events (n int NOT NULL);\n',
  // run statement by statement (the file asks): each statement commits with its tracking row
  '0002_fill.up.sql': [
    '-- confiture: no-transaction',
    'INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 40000) g;',
    'INSERT INTO events SELECT g FROM generate_series(1, 15000) g;',
    'UPDATE items SET v = v + 1 WHERE id % 3 = 0;',
    '',
  ].join('\n'),
  // a concurrent build makes the file run outside a transaction
  '0003_index.up.sql': [
    'CREATE INDEX CONCURRENTLY items_v_idx ON items (v);',
    'INSERT INTO events SELECT -g FROM generate_series(1, 8000) g;',
    'CREATE INDEX CONCURRENTLY events_n_idx ON events (n);',
    '',
  ].join('\n'),
  '0004_tx.up.sql': [
    'UPDATE items SET v = v * 2 WHERE id % 5 = 0;',
    'CREATE TABLE done (x int);',
    'INSERT INTO done SELECT g FROM generate_series(1, 1000) g;',
    'UPDATE items SET v = v - 1 WHERE id % 7 = 0;',
    '',
  ].join('\n'),
  '0005_more.up.sql': [
    'INSERT INTO events SELECT g FROM generate_series(15001, 30000) g;',
    'CREATE INDEX CONCURRENTLY items_id_v_idx ON items (id, v);',
    'DROP INDEX CONCURRENTLY events_n_idx;',
    'UPDATE events SET n = n + 1 WHERE n % 10 = 0;',
    '',
  ].join('\n'),
};
const VERSIONS = ['0001', '0002', '0003', '0004', '0005'];

let project: TempProject;
beforeAll(() => {
  project = makeProject(FILES, 'name: kill trials\n');
});
afterAll(() => project.remove());

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function startCli(url: string): { child: ReturnType<typeof spawn>; out: Promise<{ code: number | null; signal: string | null; stdout: string }> } {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFITURE_LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  delete env.VITEST;
  const child = spawn(process.execPath, [path.join(root, 'bin/confiture.mjs'), 'migrate', 'up', '--project', project.dir, '--db', url, '--format', 'json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const out = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout })));
  return { child, out };
}

/** Our sessions on the trial database (the CLI's run lock, worker, monitor). */
async function confitureSessions(db: TestDatabase): Promise<number> {
  const r = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'confiture%' AND pid <> pg_backend_pid()");
  return r.rows[0].n as number;
}

/** Waits until the CLI has connected (the kill window opens), or it ended first. */
async function connected(db: TestDatabase, done: () => boolean): Promise<void> {
  while (!done() && (await confitureSessions(db)) === 0) await sleep(15);
}

async function sessionsGone(db: TestDatabase): Promise<void> {
  for (let i = 0; i < 1200 && (await confitureSessions(db)) > 0; i++) await sleep(50);
}

async function fingerprint(db: TestDatabase): Promise<Record<string, unknown>> {
  const r = await db.pool.query(`
    SELECT (SELECT count(*) || ':' || sum(v) FROM items) AS items,
           (SELECT count(*) || ':' || sum(n) FROM events) AS events,
           (SELECT count(*) FROM done) AS done,
           (SELECT string_agg(c.relname || ':' || i.indisvalid, ',' ORDER BY c.relname)
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public') AS indexes,
           (SELECT string_agg(version || ':' || n, ',' ORDER BY version)
              FROM (SELECT version, count(*) AS n FROM confiture.migration_history WHERE direction = 'up' GROUP BY 1) h) AS history,
           (SELECT string_agg(version, ',' ORDER BY version) FROM confiture.applied_migrations) AS applied,
           (SELECT count(*) FROM confiture.runs WHERE outcome = 'running') AS running`);
  return r.rows[0] as Record<string, unknown>;
}

/** Runs the CLI to its end; a run lock still held by the killed process's session is waited out, as a DBA would retry. */
async function runToEnd(db: TestDatabase): Promise<{ lockRetries: number; report: { ok: boolean; migrations: { version: string; outcome: string; statements: { outcome: string }[] }[] } }> {
  for (let lockRetries = 0; ; lockRetries++) {
    const { out } = startCli(db.url);
    const r = await out;
    const doc = JSON.parse(r.stdout) as { ok?: boolean; error?: { code: string; message: string } };
    if (doc.error?.code === 'lock_held' && lockRetries < 100) {
      await sleep(100);
      continue;
    }
    expect(doc.error?.message ?? null, `exit ${r.code}`).toBeNull();
    expect(r.code).toBe(0);
    return { lockRetries, report: doc as never };
  }
}

describe('kill -9 trials', () => {
  it(`${TRIALS} trials: every migration applied exactly once, the database as after an uninterrupted run, no manual step`, async () => {
    // the reference: one uninterrupted run, timed from the moment the CLI connects
    const ref = await createTestDatabase('cf_kill_ref');
    let expected: Record<string, unknown>;
    let windowMs: number;
    try {
      const { child, out } = startCli(ref.url);
      let ended = false;
      void out.then(() => (ended = true));
      await connected(ref, () => ended);
      const t0 = Date.now();
      expect((await out).code).toBe(0);
      windowMs = Date.now() - t0;
      expected = await fingerprint(ref);
      expect(child.exitCode).toBe(0);
    } finally {
      await ref.drop();
    }
    expect(expected.history).toBe(VERSIONS.map((v) => `${v}:1`).join(','));

    const random = rng(SEED);
    const figures = { trials: 0, completed: 0, killedMidRun: 0, secondKill: 0, partialSeen: 0, recovered: 0, lockRetries: 0 };
    for (let t = 0; t < TRIALS; t++) {
      const db = await createTestDatabase('cf_kill');
      try {
        const kills = random() < 0.3 ? 2 : 1;
        for (let k = 0; k < kills; k++) {
          const { child, out } = startCli(db.url);
          let ended = false;
          void out.then(() => (ended = true));
          await connected(db, () => ended);
          await sleep(Math.floor(random() * windowMs * 1.1));
          const wasRunning = !ended;
          child.kill('SIGKILL');
          const r = await out;
          if (wasRunning && r.signal === 'SIGKILL') figures.killedMidRun++;
          if (k === 1) figures.secondKill++;
        }
        if (random() < 0.5) {
          // after the killed backends are gone: a transactional migration is applied or pending,
          // never half; one run outside a transaction may be partial
          await sessionsGone(db);
          const status = await migrationStatus(openValidProject(project.dir), db.pool);
          const state = new Map(status.migrations.map((m) => [m.version, m]));
          const has = async (rel: string) => (await db.pool.query('SELECT to_regclass($1) IS NOT NULL AS ok', [rel])).rows[0].ok as boolean;
          for (const [v, rel] of [['0001', 'events'], ['0004', 'done']] as const) {
            expect(['pending', 'applied'], `${v} ${state.get(v)?.state}`).toContain(state.get(v)?.state ?? 'pending');
            expect(state.get(v)?.state === 'applied', `${v} recorded iff applied`).toBe(await has(rel));
          }
          for (const m of status.migrations) if (m.state === 'partial') figures.partialSeen++;
        }
        const { lockRetries, report } = await runToEnd(db);
        figures.lockRetries += lockRetries;
        expect(report.ok).toBe(true);
        const got = await fingerprint(db);
        expect(got, `trial ${t} (seed ${SEED})`).toEqual(expected);
        const rec = await db.pool.query("SELECT count(*)::int AS n FROM confiture.statement_runs WHERE recovered IS NOT NULL");
        figures.recovered += rec.rows[0].n as number;
        const after = await migrationStatus(openValidProject(project.dir), db.pool);
        expect(after.migrations.map((m) => m.state)).toEqual(VERSIONS.map(() => 'applied'));
        figures.completed++;
        // progress of a long (nightly) run: CONFITURE_KILL_LOG names a file that gets one line per trial
        if (process.env.CONFITURE_KILL_LOG) fs.appendFileSync(process.env.CONFITURE_KILL_LOG, `${new Date().toISOString()} trial ${t + 1}/${TRIALS} ok (seed ${SEED}, window ${windowMs} ms) ${JSON.stringify(figures)}\n`);
      } finally {
        figures.trials++;
        await db.drop();
      }
    }
    console.warn(`kill trials (seed ${SEED}, window ${windowMs} ms): ${JSON.stringify(figures)}`);
    expect(figures.completed).toBe(TRIALS);
    // the kills must land while the CLI works, not only before or after
    expect(figures.killedMidRun).toBeGreaterThan(TRIALS / 2);
  }, 600_000 + TRIALS * 60_000);
});
