/**
 * bench/fleet: N small target databases (default 500) on one server, the same two migrations on
 * each, done two ways from the command line, each on its own fresh set of databases:
 *
 *   rollout — `confiture rollout start --env bench --workers 4` (pg-boss jobs on a control database,
 *             4 worker slots, waves canary 1 → 5 % → 25 % → rest, 4 targets at once), to completion;
 *   loop    — the shell loop a DBA writes without a fleet tool:
 *             `for url in …; do confiture migrate up -p . --db "$url"; done`, one target at a time.
 *
 * Prints both wall times, the ratio loop / rollout, and the load average around each.
 *
 *   node --import tsx bench/fleet/run.ts [--targets 500] [--workers 4] [--url postgres://postgres@127.0.0.1:5432/postgres]
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { databaseUrl, withClient } from '../server';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const N = Number(arg('targets', '500'));
const WORKERS = Number(arg('workers', '4'));
const adminUrl = arg('url', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(repo, 'bin', 'confiture.mjs');
const tag = crypto.randomBytes(3).toString('hex');

const dbUrl = (name: string): string => databaseUrl(adminUrl, name);
const admin = <T>(fn: (c: pg.Client) => Promise<T>, url = adminUrl): Promise<T> => withClient(url, fn);

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CONFITURE_LOG_LEVEL: 'error' };
    delete env.DATABASE_URL;
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited ${code}: ${err}${fs.existsSync(path.join(cwd, 'loop-stderr.log')) ? fs.readFileSync(path.join(cwd, 'loop-stderr.log'), 'utf8').slice(-2000) : ''}`))));
  });
}

const load = () => os.loadavg()[0]!.toFixed(1);

async function appliedEverywhere(names: string[], schema: string): Promise<number> {
  let ok = 0;
  for (const n of names) {
    const got = await admin(async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.applied_migrations`)).rows[0]!.n, dbUrl(n)).catch(() => 0);
    if (got === 2) ok++;
  }
  return ok;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-fleet-'));
  const control = `cf_bench_fleetctl_${tag}`;
  const rolloutDbs = Array.from({ length: N }, (_, i) => `cf_bench_fr_${tag}_${i}`);
  const loopDbs = Array.from({ length: N }, (_, i) => `cf_bench_fl_${tag}_${i}`);
  const all = [control, ...rolloutDbs, ...loopDbs];
  process.stdout.write(`bench/fleet: ${N} targets × 2 sets on ${new URL(adminUrl).host}, ${WORKERS} workers; cpus ${os.cpus().length}, load ${load()}\n`);
  try {
    const t0 = performance.now();
    await admin(async (c) => {
      for (const d of all) await c.query(`CREATE DATABASE ${c.escapeIdentifier(d)}`);
    });
    process.stdout.write(`  created ${all.length} databases in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    await admin(async (c) => {
      await c.query('CREATE TABLE tenants (name text PRIMARY KEY, dsn text NOT NULL, labels jsonb NOT NULL DEFAULT \'{}\')');
      await c.query('INSERT INTO tenants (name, dsn) SELECT format(\'t%s\', lpad(i::text, 4, \'0\')), $1 || i FROM generate_series(0, $2::int - 1) i', [dbUrl(`cf_bench_fr_${tag}_`), N]);
    }, dbUrl(control));

    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '0001_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());\n');
    fs.writeFileSync(path.join(dir, 'migrations', '0002_note.up.sql'), 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_placed_at ON orders (placed_at);\n');
    fs.writeFileSync(
      path.join(dir, 'confiture.yaml'),
      `name: bench-fleet
tracking: { schema: bench_fleet }
# the approval gate of migrate up is off: a rollout's workers do not run it, so both do the same work
risk: { requireApprovalAbove: null }
environments:
  bench:
    query: { db: "${dbUrl(control)}", sql: "SELECT name, dsn, labels FROM tenants" }
fleet:
  control: "${dbUrl(control)}"
  rollout: { concurrency: ${WORKERS}, perHost: ${WORKERS} }
`,
    );

    // ---- rollout: one command, WORKERS worker slots, to completion
    const l1 = load();
    const r0 = performance.now();
    await run(process.execPath, [cli, 'rollout', 'start', '-p', dir, '--env', 'bench', '--workers', String(WORKERS)], dir);
    const rolloutS = (performance.now() - r0) / 1000;
    const l2 = load();
    const okR = await appliedEverywhere(rolloutDbs, 'bench_fleet');
    process.stdout.write(`  rollout (${WORKERS} workers): ${rolloutS.toFixed(1)} s, ${((rolloutS * 1000) / N).toFixed(0)} ms/target, ${okR}/${N} applied (load ${l1} → ${l2})\n`);

    // ---- the shell loop, one target at a time
    const list = path.join(dir, 'loop-targets.txt');
    fs.writeFileSync(list, `${loopDbs.map(dbUrl).join('\n')}\n`);
    const l3 = load();
    const s0 = performance.now();
    await run('bash', ['-c', `set -e; while read -r url; do "${process.execPath}" "${cli}" migrate up -p . --db "$url" > /dev/null 2>> loop-stderr.log; done < loop-targets.txt`], dir);
    const loopS = (performance.now() - s0) / 1000;
    const l4 = load();
    const okL = await appliedEverywhere(loopDbs, 'bench_fleet');
    process.stdout.write(`  shell loop of migrate up: ${loopS.toFixed(1)} s, ${((loopS * 1000) / N).toFixed(0)} ms/target, ${okL}/${N} applied (load ${l3} → ${l4})\n`);

    process.stdout.write(`  ratio loop / rollout: ${(loopS / rolloutS).toFixed(2)}× (rollout is ${(loopS / rolloutS).toFixed(2)} times faster)\n`);
    process.stdout.write(`| fleet rollout, ${N} targets, ${WORKERS} workers | rollout ${rolloutS.toFixed(1)} s | shell loop of migrate up ${loopS.toFixed(1)} s | **${(loopS / rolloutS).toFixed(2)}** × faster | — | ${l1}–${l4} |\n`);
  } finally {
    await admin(async (c) => {
      for (const d of all) await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(d)} WITH (FORCE)`);
    }).catch((e: Error) => process.stderr.write(`cleanup: ${e.message}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
