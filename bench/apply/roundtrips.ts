/**
 * bench/apply/roundtrips: what the engine costs per migration, independent of machine load —
 * round trips per connection (counted at pg.Client#query), the SQL it sends, Node CPU time and
 * WAL bytes per migration. Same migrations as run.ts.
 *
 *   node --import tsx bench/apply/roundtrips.ts [--n 200] [--url postgres://postgres@127.0.0.1:5432/postgres] [--show 1] [--demo 1]
 *
 * With `--demo 1` the demo project's lifecycle is on (as in run.ts's `demo` peer): its sql hook,
 * libraries, review phases and approval gate, risk history and SLO listeners; the time spent in
 * each listener is printed per event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { LifecycleListener } from '../../src-shared/domain/lifecycle';
import { runMigrations, urlTarget } from '../../src-main/engine';
import { standardListeners } from '../../src-main/lifecycle';
import { openValidProject } from '../../src-main/project';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const N = Number(arg('n', '200'));
const SHOW = Number(arg('show', '1'));
const DEMO = arg('demo', '0') === '1';
const adminUrl = arg('url', 'postgres://postgres@127.0.0.1:5432/postgres');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-rt-'));
const demoYaml = fs.readFileSync(new URL('../../resources/demo/confiture.yaml', import.meta.url), 'utf8');
// the same demo configuration as run.ts's `demo` peer
fs.writeFileSync(
  path.join(dir, 'confiture.yaml'),
  DEMO
    ? demoYaml
        .replace(/^name: .*$/m, 'name: bench-demo')
        .replace('WHERE xact_start', 'WHERE datname = current_database() AND xact_start')
        .replace(/^(risk:\n {2}requireApprovalAbove:) \w+$/m, '$1 high')
    : 'name: bench\n',
);
fs.mkdirSync(path.join(dir, 'migrations'));
for (let i = 1; i <= N; i++) {
  const v = String(i).padStart(6, '0');
  fs.writeFileSync(path.join(dir, 'migrations', `${v}_m${i}.up.sql`), `CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\nCREATE INDEX t${i}_v ON t${i} (v);`);
}

const u = new URL(adminUrl);
u.pathname = '/bench_roundtrips';
const url = u.toString();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS bench_roundtrips WITH (FORCE)');
await admin.query('CREATE DATABASE bench_roundtrips');

// count every query per client (one query = one round trip for pg's Client, which never pipelines)
const ids = new WeakMap<object, number>();
let nextId = 0;
const perClient = new Map<number, string[]>();
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const original = proto.query;
proto.query = function (this: object, ...a: unknown[]) {
  if (!ids.has(this)) ids.set(this, ++nextId);
  const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string })?.text ?? '?');
  const list = perClient.get(ids.get(this)!) ?? [];
  const short = text.replace(/\s+/g, ' ').slice(0, 110);
  list.push(short);
  perClient.set(ids.get(this)!, list);
  const t0 = performance.now();
  if (firstMigrationAt === 0 && short.startsWith('BEGIN;')) {
    firstMigrationAt = t0;
    cpuAtFirst = process.cpuUsage();
  }
  const out = original.apply(this, a);
  if (out instanceof Promise) {
    // time by kind of query (first word, or the first statement of a combined one)
    const kind = short.startsWith('BEGIN;') ? 'BEGIN+SET LOCAL+first statement' : short.startsWith('WITH m AS') || short.startsWith('EXECUTE confiture_track_') ? 'tracking+COMMIT' : short.split(' ').slice(0, 2).join(' ');
    void out.finally(() => {
      const e = timeByKind.get(kind) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - t0;
      timeByKind.set(kind, e);
    }).catch(() => undefined);
  }
  return out;
};
const timeByKind = new Map<string, { n: number; ms: number }>();
let firstMigrationAt = 0;
let cpuAtFirst: NodeJS.CpuUsage | null = null;

const wal0 = (await admin.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]!.l;
const cpu0 = process.cpuUsage();
const t = performance.now();
const project = openValidProject(dir);
const pool = new pg.Pool({ connectionString: url, max: 4 });
pool.on('error', () => undefined);
// time spent in each listener, per event (listener index: position in standardListeners)
const listenerTime = new Map<string, { n: number; ms: number }>();
const listeners: LifecycleListener[] = DEMO
  ? standardListeners(project, pool, { connectionLabel: 'bench', appVersion: 'bench' }).listeners.map((l, i) => async (ctx) => {
      const t0 = performance.now();
      try {
        return await l(ctx);
      } finally {
        const k = `listener ${i} on ${ctx.event}`;
        const e = listenerTime.get(k) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t0;
        listenerTime.set(k, e);
      }
    })
  : [];
const report = await runMigrations(project, urlTarget(url), { kind: 'up', listeners });
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const cpuLoop = cpuAtFirst ? process.cpuUsage(cpuAtFirst) : cpu;
proto.query = original;
if (!report.ok) throw new Error(report.error?.message);
const wal = (await admin.query<{ b: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint::text AS b', [wal0])).rows[0]!.b;

console.log(`startup (open, lock, tracking schema, plan/parse) ${((firstMigrationAt - t) / 1000).toFixed(2)} s, then ${((ms - (firstMigrationAt - t)) / N).toFixed(2)} ms/migration`);
console.log(`${N} migrations in ${(ms / 1000).toFixed(2)} s; Node CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms/migration (${((cpuLoop.user + cpuLoop.system) / 1000 / N).toFixed(2)} after start-up); WAL ${(Number(wal) / N / 1024).toFixed(1)} KiB/migration (server-wide)`);
const busy = [...perClient].filter(([, list]) => list.length >= N);
const others = [...perClient].filter(([, list]) => list.length < N);
for (const [id, list] of busy) console.log(`connection ${id}: ${list.length} queries = ${(list.length / N).toFixed(2)} per migration`);
if (others.length) {
  const n = others.reduce((a, [, l]) => a + l.length, 0);
  console.log(`${others.length} other connections (${(others.length / N).toFixed(2)} opened per migration): ${n} queries = ${(n / N).toFixed(2)} per migration`);
}
const byText = new Map<string, number>();
for (const list of perClient.values()) for (const q of list) byText.set(q.slice(0, 70), (byText.get(q.slice(0, 70)) ?? 0) + 1);
console.log('most frequent queries (all connections):');
for (const [q, n] of [...byText].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${(n / N).toFixed(2).padStart(6)} per migration  ${q}`);
for (const [k, v] of [...timeByKind].sort((x, y) => y[1].ms - x[1].ms).slice(0, 8)) console.log(`  ${(v.ms / N).toFixed(2).padStart(6)} ms/migration in ${v.n} × ${k}`);
for (const [k, v] of [...listenerTime].sort((x, y) => y[1].ms - x[1].ms).slice(0, 10)) console.log(`  ${(v.ms / N).toFixed(2).padStart(6)} ms/migration in ${v.n} × ${k}`);
await pool.end();
const worker = [...perClient.values()].sort((a, b) => b.length - a.length)[0]!;
// the queries of one migration in the middle of the run
const per = Math.round(worker.length / N);
const mid = worker.length - per * Math.floor(N / 2);
if (SHOW) for (const q of worker.slice(mid, mid + per)) console.log(`  ${q}`);
await admin.query('DROP DATABASE IF EXISTS bench_roundtrips WITH (FORCE)');
await admin.end();
fs.rmSync(dir, { recursive: true, force: true });
