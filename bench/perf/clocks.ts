/**
 * bench/perf/clocks.ts: how noisy is one pair of runs by the client's clock and by the server's?
 * The bench's schema and query templates (20 queries), `--rounds` rounds (default 30), a fresh pair
 * of sessions per round on one database (an A/A), each query timed both ways alternately in the
 * same sessions: by the client (the round trip's wall time, as `perf ab --timing client`) and by
 * the server (the EXPLAIN `perf ab` times a run with: planning + execution). Prints, per clock, the
 * SD of the pair log ratio (median over queries), the part a round's queries share, the rest, and
 * the order effect (log(second/first)). Not a test; see bench/perf/README.md, stop 25.
 *   npx tsx bench/perf/clocks.ts [--rounds 30]      # DATABASE_URL, else postgres@127.0.0.1:5432
 * Creates the database `confiture_bench_clocks` on that server the first time (kept for reruns).
 */
import pg from 'pg';
import { median } from '../../src-main/perf';
import { serverTimes, serverTimingPrefix } from '../../src-main/perf/ab';
import { DATA_SQL, noiseSplit, sd, TEMPLATES } from './shared';

const DB = 'confiture_bench_clocks';
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const at = process.argv.indexOf('--rounds');
const ROUNDS = at > 0 ? Number(process.argv[at + 1]) : 30;
const QUERIES = Array.from({ length: 20 }, (_, k) => TEMPLATES[k % 10]!(Math.floor(k / 10)));

const open = async (db: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  return c;
};

const admin = await open('postgres');
const serverNum = Number((await admin.query<{ n: string }>("SELECT current_setting('server_version_num') AS n")).rows[0]!.n);
if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount) {
  await admin.query(`CREATE DATABASE ${DB}`);
  const c = await open(DB);
  await c.query(DATA_SQL);
  await c.query('VACUUM ANALYZE');
  await c.end();
}
await admin.end();

type Clock = 'client' | 'server';
const prefix = serverTimingPrefix(serverNum >= 170000);
async function timed(c: pg.Client, sql: string, clock: Clock): Promise<number> {
  await c.query('BEGIN READ ONLY');
  const t0 = performance.now();
  const r = await c.query({ text: clock === 'server' ? prefix + sql : sql, values: [] });
  const wall = performance.now() - t0;
  await c.query('ROLLBACK');
  return clock === 'server' ? serverTimes(r).ms : wall;
}

const clocks: Clock[] = ['client', 'server'];
/** per clock, per query, per round: log(B/A), which side ran first (+1 A, −1 B), A's time */
const d = { client: QUERIES.map(() => [] as number[]), server: QUERIES.map(() => [] as number[]) };
const first = { client: QUERIES.map(() => [] as number[]), server: QUERIES.map(() => [] as number[]) };
const msA = { client: QUERIES.map(() => [] as number[]), server: QUERIES.map(() => [] as number[]) };
for (let r = 0; r < ROUNDS; r++) {
  const A = await open(DB);
  const B = await open(DB);
  for (const q of QUERIES) for (const clock of clocks) for (const s of [A, B]) await timed(s, q, clock);
  for (const [qi, q] of QUERIES.entries()) {
    for (const clock of clocks) {
      const aFirst = Math.random() < 0.5;
      const x = await timed(aFirst ? A : B, q, clock);
      const y = await timed(aFirst ? B : A, q, clock);
      const [a, b] = aFirst ? [x, y] : [y, x];
      d[clock][qi]!.push(Math.log(b / a));
      first[clock][qi]!.push(aFirst ? 1 : -1);
      msA[clock][qi]!.push(a);
    }
  }
  await A.end();
  await B.end();
}

const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
for (const clock of clocks) {
  const split = noiseSplit(d[clock]);
  console.log(
    `${clock}: median ${median(msA[clock].map(median)).toFixed(3)} ms; SD of the pair log ratio ${split.pair.toFixed(3)} ` +
      `(shared by a round's queries ${split.round.toFixed(3)}, the rest ${split.rest.toFixed(3)}); ` +
      `spread of the per-query means ${sd(d[clock].map(mean)).toFixed(3)}, SE implied ${(split.pair / Math.sqrt(ROUNDS)).toFixed(3)}`,
  );
  // log(second/first) of each pair: log(B/A) when A ran first, its negation when B did
  const secondOverFirst = d[clock].map((x, qi) => x.map((v, r) => v * first[clock][qi]![r]!));
  console.log(`   order effect log(second/first): overall ${mean(secondOverFirst.flat()).toFixed(3)}, median over queries ${median(secondOverFirst.map(mean)).toFixed(3)}`);
  console.log(`   SD per query ${d[clock].map((x) => sd(x).toFixed(2)).join(' ')}`);
}
