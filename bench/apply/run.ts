/**
 * bench/apply: N small migrations (CREATE TABLE + CREATE INDEX each) applied by the engine, by psql
 * (one transaction per migration + a tracking insert) and by dbmate (npm) on the same files, each on
 * a fresh database of the same server. Prints totals, ratios and ms/migration per bucket of 100
 * (from when each migration committed, read back from the database or dbmate's output, so the
 * bucketing adds nothing to the timed path).
 *
 *   node --import tsx bench/apply/run.ts [--n 1000] [--url postgres://postgres@127.0.0.1:5432/postgres]
 *     [--only confiture,demo,psql,dbmate] [--rounds 1]
 *
 * `demo` is the engine with the demo project's lifecycle on (resources/demo/confiture.yaml): its
 * `sql` hook on before_run/before_migration, the lint libraries, the review phases (lint → risk →
 * approval, enabled by `risk.requireApprovalAbove`), the approval gate, risk history, SLO check —
 * the listeners `confiture migrate up` installs (src-main/lifecycle standardListeners).
 */
import { peerBinary } from '../peers';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations, urlTarget } from '../../src-main/engine';
import { standardListeners } from '../../src-main/lifecycle';
import { openValidProject } from '../../src-main/project';
import { databaseUrl, withClient } from '../server';
import { localServer, serverCpu, timedCommand } from './cpu';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const N = Number(arg('n', '1000'));
const ROUNDS = Number(arg('rounds', '1'));
const BUCKET = 100;
const adminUrl = arg('url', 'postgres://postgres@127.0.0.1:5432/postgres');
const only = new Set(arg('only', 'confiture,demo,psql,dbmate').split(','));

const dbUrl = (name: string): string => databaseUrl(adminUrl, name);
const admin = <T>(fn: (c: pg.Client) => Promise<T>, url = adminUrl): Promise<T> => withClient(url, fn);

/** A fresh database, and a checkpoint so no peer pays for the previous one's dirty buffers. */
async function freshDb(name: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.query('CHECKPOINT');
  });
  return dbUrl(name);
}

/** ms/migration per bucket of 100, from the moments migrations finished (ms, in order). */
function buckets(finishedAt: number[], startedAt: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < finishedAt.length; i += BUCKET) {
    const end = finishedAt[Math.min(i + BUCKET, finishedAt.length) - 1]!;
    const begin = i === 0 ? startedAt : finishedAt[i - 1]!;
    out.push((end - begin) / Math.min(BUCKET, finishedAt.length - i));
  }
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string, at: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', onLine ? 'pipe' : 'ignore', 'inherit'] });
    let buf = '';
    p.stdout?.on('data', (d: Buffer) => {
      const at = performance.now();
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine!(buf.slice(0, nl), at);
        buf = buf.slice(nl + 1);
      }
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-'));
fs.writeFileSync(path.join(dir, 'confiture.yaml'), 'name: bench\n');
fs.mkdirSync(path.join(dir, 'migrations'));
// the demo project's lifecycle: same migrations (symlinked folder), the demo's hooks and libraries;
// its hook looks at this database only (the shared server has other sessions' long transactions)
const demoDir = path.join(dir, 'demo');
fs.mkdirSync(demoDir);
fs.symlinkSync(path.join(dir, 'migrations'), path.join(demoDir, 'migrations'));
const demoYaml = fs.readFileSync(new URL('../../resources/demo/confiture.yaml', import.meta.url), 'utf8');
fs.writeFileSync(
  path.join(demoDir, 'confiture.yaml'),
  // review phases (lint → risk → approval) and the approval gate on every migration, at a threshold
  // the generated migrations stay under
  demoYaml
    .replace(/^name: .*$/m, 'name: bench-demo')
    .replace('WHERE xact_start', 'WHERE datname = current_database() AND xact_start')
    .replace(/^(risk:\n {2}requireApprovalAbove:) \w+$/m, '$1 high'),
);
const dbmateDir = path.join(dir, 'dbmate');
fs.mkdirSync(dbmateDir);
let psqlScript = 'CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz DEFAULT clock_timestamp());\n';
for (let i = 1; i <= N; i++) {
  const v = String(i).padStart(6, '0');
  const sql = `CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\nCREATE INDEX t${i}_v ON t${i} (v);`;
  const file = path.join(dir, 'migrations', `${v}_m${i}.up.sql`);
  fs.writeFileSync(file, sql);
  fs.writeFileSync(path.join(dbmateDir, `${v}_m${i}.sql`), `-- migrate:up\n${sql}\n\n-- migrate:down\n`);
  psqlScript += `BEGIN;\n\\i ${file}\nINSERT INTO schema_migrations (version) VALUES ('${v}');\nCOMMIT;\n`;
}
fs.writeFileSync(path.join(dir, 'psql.sql'), psqlScript);

interface Result {
  seconds: number;
  buckets: number[];
  /** CPU ms of the peer's client process (null: not measurable) */
  clientCpuMs?: number | null;
  /** CPU ms of the PostgreSQL backends serving the peer (null: server not local) */
  serverCpuMs?: number | null;
}

// one admin connection samples the backends' CPU (bench/apply/cpu.ts)
const sampler = new pg.Client({ connectionString: adminUrl });
await sampler.connect();
const measureServer = localServer(adminUrl);
const inProcess = async (db: string, fn: () => Promise<Result>): Promise<Result> => {
  const server = serverCpu(sampler, db, measureServer);
  const c0 = process.cpuUsage();
  try {
    const r = await fn();
    const c = process.cpuUsage(c0);
    return { ...r, clientCpuMs: (c.user + c.system) / 1000, serverCpuMs: await server.stop() };
  } finally {
    await server.stop();
  }
};
const child = async (db: string, cmd: string, args: string[], fn: (cmd: string, args: string[]) => Promise<Result>): Promise<Result> => {
  const server = serverCpu(sampler, db, measureServer);
  const timed = timedCommand(cmd, args);
  try {
    const r = await fn(timed.cmd, timed.args);
    return { ...r, clientCpuMs: timed.cpuMs(), serverCpuMs: await server.stop() };
  } finally {
    await server.stop();
  }
};

/** Server timestamps (ms since epoch) of each migration's tracking row, in apply order. */
async function serverTimes(url: string, sql: string): Promise<{ times: number[] }> {
  return admin(async (c) => {
    const r = await c.query<{ t: string }>(sql);
    return { times: r.rows.map((x) => Number(x.t)) };
  }, url);
}

const peers: Record<string, () => Promise<Result>> = {
  async confiture() {
    const url = await freshDb('bench_confiture');
    return inProcess('bench_confiture', () => confiturePeer(url));
  },
  async demo() {
    const url = await freshDb('bench_demo');
    return inProcess('bench_demo', () => demoPeer(url));
  },
  async psql() {
    const url = await freshDb('bench_psql');
    return child('bench_psql', 'psql', ['-q', '-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', path.join(dir, 'psql.sql')], (cmd, args) => psqlPeer(url, cmd, args));
  },
  async dbmate() {
    const bin = peerBinary('dbmate');
    const url = await freshDb('bench_dbmate');
    return child('bench_dbmate', bin, ['--no-dump-schema', '--migrations-dir', dbmateDir, 'up'], (cmd, args) => dbmatePeer(url, cmd, args));
  },
};

async function confiturePeer(url: string): Promise<Result> {
  {
    const wall0 = Date.now();
    const t = performance.now();
    const r = await runMigrations(openValidProject(dir), urlTarget(url), { kind: 'up' });
    const seconds = (performance.now() - t) / 1000;
    if (!r.ok) throw new Error(r.error?.message);
    if (r.migrations.length !== N) throw new Error(`confiture applied ${r.migrations.length} of ${N}`);
    const { times } = await serverTimes(url, 'SELECT extract(epoch FROM applied_at) * 1000 AS t FROM confiture.applied_migrations ORDER BY version');
    return { seconds, buckets: buckets(times, wall0) };
  }
}

async function demoPeer(url: string): Promise<Result> {
  {
    const wall0 = Date.now();
    const t = performance.now();
    const project = openValidProject(demoDir);
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      const standard = standardListeners(project, pool, {
        connect: async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          return c;
        },
        connectionLabel: 'bench',
        appVersion: 'bench',
      });
      const r = await runMigrations(project, urlTarget(url), { kind: 'up', listeners: standard.listeners });
      const seconds = (performance.now() - t) / 1000;
      if (!r.ok) throw new Error(r.error?.message);
      if (r.migrations.length !== N) throw new Error(`demo applied ${r.migrations.length} of ${N}`);
      const fired = standard.hooks.executions(r.runId).filter((e) => e.outcome === 'success').length;
      if (fired !== N + 1) throw new Error(`demo: ${fired} successful hook executions, expected ${N + 1}`);
      if (!standard.riskReport()) throw new Error('demo: the review did not run');
      const { times } = await serverTimes(url, 'SELECT extract(epoch FROM applied_at) * 1000 AS t FROM confiture.applied_migrations ORDER BY version');
      return { seconds, buckets: buckets(times, wall0) };
    } finally {
      await pool.end();
    }
  }
}

async function psqlPeer(url: string, cmd: string, args: string[]): Promise<Result> {
  {
    const wall0 = Date.now();
    const t = performance.now();
    await run(cmd, args, process.env);
    const seconds = (performance.now() - t) / 1000;
    const { times } = await serverTimes(url, 'SELECT extract(epoch FROM applied_at) * 1000 AS t FROM schema_migrations ORDER BY version');
    if (times.length !== N) throw new Error(`psql applied ${times.length} of ${N}`);
    return { seconds, buckets: buckets(times, wall0) };
  }
}

async function dbmatePeer(url: string, cmd: string, args: string[]): Promise<Result> {
  {
    const times: number[] = [];
    const t = performance.now();
    // dbmate prints "Applied: <file> in <duration>" as each migration commits
    await run(cmd, args, { ...process.env, DATABASE_URL: url + '?sslmode=disable' }, (line, at) => {
      if (line.startsWith('Applied:')) times.push(at);
    });
    const seconds = (performance.now() - t) / 1000;
    if (times.length !== N) throw new Error(`dbmate reported ${times.length} of ${N} applied`);
    return { seconds, buckets: buckets(times, t) };
  }
}

const results: Record<string, Result[]> = {};
for (let round = 1; round <= ROUNDS; round++) {
  // rotate the order between rounds so no peer always goes first
  const names = Object.keys(peers).filter((k) => only.has(k));
  const order = names.map((_, i) => names[(i + round - 1) % names.length]!);
  for (const name of order) {
    const r = await peers[name]!();
    (results[name] ??= []).push(r);
    console.error(`round ${round}: ${name} ${r.seconds.toFixed(2)} s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// the machine is shared: report the median round, the best round, and the median of the per-round
// ratios (each round runs the peers back to back, so a ratio sees the same load on both sides)
const pick: Record<string, Result> = {};
for (const [k, rs] of Object.entries(results)) {
  const m = median(rs.map((r) => r.seconds));
  pick[k] = rs.find((r) => r.seconds === m)!;
}
const minOf = (k: string) => Math.min(...results[k]!.map((r) => r.seconds));
const ratio = (a: string, b: string) => {
  if (!results[a] || !results[b]) return null;
  const perRound = results[a].map((r, i) => r.seconds / results[b]![i]!.seconds);
  return `${median(perRound).toFixed(3)} (median of rounds), ${(median(results[a].map((r) => r.seconds)) / median(results[b].map((r) => r.seconds))).toFixed(3)} (medians), ${(minOf(a) / minOf(b)).toFixed(3)} (best rounds)`;
};

console.log(`bench/apply: ${N} migrations (CREATE TABLE + CREATE INDEX), ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}, PostgreSQL at ${new URL(adminUrl).host}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const k of Object.keys(pick)) {
  const secs = results[k]!.map((r) => r.seconds);
  console.log(`${k.padEnd(10)} median ${median(secs).toFixed(2).padStart(6)} s (${((median(secs) / N) * 1000).toFixed(2)} ms/migration)  best ${minOf(k).toFixed(2)} s  rounds: ${secs.map((x) => x.toFixed(2)).join(' ')}`);
}
// CPU time per migration (median of rounds): load inflates it far less than wall time
const cpuOf = (k: string, f: (r: Result) => number | null | undefined): string => {
  const xs = results[k]!.map(f).filter((x): x is number => typeof x === 'number');
  return xs.length ? ((median(xs) / N) as number).toFixed(2).padStart(6) : '     –';
};
console.log('CPU ms/migration (median of rounds; client = the peer\'s process, server = its PostgreSQL backends):');
for (const k of Object.keys(pick)) {
  const total = (r: Result) => (typeof r.clientCpuMs === 'number' && typeof r.serverCpuMs === 'number' ? r.clientCpuMs + r.serverCpuMs : null);
  console.log(`${k.padEnd(10)} client ${cpuOf(k, (r) => r.clientCpuMs)}  server ${cpuOf(k, (r) => r.serverCpuMs)}  total ${cpuOf(k, total)}`);
}
const cp = ratio('confiture', 'psql');
const cd = ratio('confiture', 'dbmate');
const dp = ratio('demo', 'psql');
const pd = ratio('psql', 'dbmate');
if (cp) console.log(`confiture / psql   = ${cp}   target ≤ 1.05`);
if (cd) console.log(`confiture / dbmate = ${cd}   target < 1`);
if (dp) console.log(`demo / psql        = ${dp}   target ≤ 1.15 (hooks and listeners on)`);
if (pd) console.log(`psql / dbmate      = ${pd}`);
const best = pick;
console.log(`ms/migration per ${BUCKET} applied, median round (first bucket includes startup):`);
const header = Object.values(best)[0]?.buckets.map((_, i) => `${i * BUCKET + 1}-`.padStart(7)).join('') ?? '';
console.log(`${''.padEnd(10)}${header}`);
for (const [k, r] of Object.entries(best)) {
  const b = r.buckets;
  const growth = b.length > 2 ? median(b.slice(-2)) / median(b.slice(1, 3)) : 1;
  console.log(`${k.padEnd(10)}${b.map((x) => x.toFixed(2).padStart(7)).join('')}   last/early = ${growth.toFixed(2)}`);
}
await sampler.end();
fs.rmSync(dir, { recursive: true, force: true });
