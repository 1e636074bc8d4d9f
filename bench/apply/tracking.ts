/**
 * bench/apply/tracking: server CPU of the engine's per-migration tracking write, alone — the
 * statement as text each time (`WITH m AS (…) INSERT …; COMMIT`) against the session's prepared
 * statement (`EXECUTE confiture_track_up('…'); COMMIT`), next to psql's one-row insert. Each
 * iteration is `BEGIN; <write>; ROLLBACK` in one message on one connection; server CPU is the
 * backend's own utime + stime (`pg_read_file('/proc/self/stat')`: superuser, server on this machine).
 *
 *   node --import tsx bench/apply/tracking.ts [--n 1000] [--url postgres://postgres@127.0.0.1:5432/postgres]
 */
import os from 'node:os';
import pg from 'pg';
import { ensureTrackingSchema, prepareTracking, recordMigrationAndCommit, type MigrationRecord } from '../../src-main/store';
import { databaseUrl, withClient } from '../server';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const N = Number(arg('n', '1000'));
const adminUrl = arg('url', 'postgres://postgres@127.0.0.1:5432/postgres');
await withClient(adminUrl, async (c) => {
  await c.query('DROP DATABASE IF EXISTS bench_tracking WITH (FORCE)');
  await c.query('CREATE DATABASE bench_tracking');
});
const c = new pg.Client({ connectionString: databaseUrl(adminUrl, 'bench_tracking') });
await c.connect();
await ensureTrackingSchema(c, 'confiture');
await c.query('CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz DEFAULT clock_timestamp())');
const prepared = await prepareTracking(c, 'confiture');

const cpuMs = async (): Promise<number> => {
  const s = (await c.query<{ s: string }>("SELECT pg_read_file('/proc/self/stat') AS s")).rows[0]!.s;
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const record = (i: number): MigrationRecord => ({
  project: 'bench',
  runId: '1d0d580c-a8b5-41ab-80b0-68f54c78fd5e',
  version: String(i).padStart(6, '0'),
  name: `m${i}`,
  checksum: 'c'.repeat(64),
  direction: 'up',
  by: 'bench',
  durationMs: 1.5,
  approvalId: null,
  statements: [0, 1].map((k) => ({ index: k, kind: k ? 'create_index' : 'create_table', line: k + 1, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durationMs: 1, rows: null, outcome: 'success', error: null, attempts: 1 })),
});
// BEGIN …; ROLLBACK: the write is measured, the tables stay empty, nothing is committed
const rollingBack: Pick<pg.ClientBase, 'query'> = { query: ((text: string) => c.query(`BEGIN;\n${text.replace(/;\nCOMMIT$/, ';\nROLLBACK')}`)) as pg.ClientBase['query'] };
const modes: Record<string, (i: number) => Promise<unknown>> = {
  'tracking, statement text': (i) => recordMigrationAndCommit(rollingBack, 'confiture', record(i)),
  'tracking, prepared': (i) => recordMigrationAndCommit(rollingBack, 'confiture', record(i), prepared),
  'psql: one-row insert': (i) => c.query(`BEGIN; INSERT INTO schema_migrations (version) VALUES ('${String(i).padStart(6, '0')}'); ROLLBACK`),
};
const out: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) {
  for (const [name, fn] of Object.entries(modes)) {
    const c0 = await cpuMs();
    for (let i = 0; i < N; i++) await fn(i);
    (out[name] ??= []).push(((await cpuMs()) - c0) / N);
  }
}
console.log(`bench/apply/tracking: ${N} writes × 3 rounds, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, xs] of Object.entries(out)) console.log(`${name.padEnd(26)} server CPU ${median(xs).toFixed(3)} ms/write (rounds ${xs.map((x) => x.toFixed(3)).join(' ')})`);
await c.end();
await withClient(adminUrl, (a) => a.query('DROP DATABASE IF EXISTS bench_tracking WITH (FORCE)'));
