/**
 * bench/perf/clocks.ts: how noisy is one pair of runs by the client's clock and by the server's?
 * The bench's schema and query templates (20 queries), `--rounds` rounds (default 30), a fresh pair
 * of sessions per round on one database (an A/A), each query timed both ways alternately in the
 * same sessions: by the client (the round trip's wall time, as `perf ab --timing client`) and by
 * the server (EXPLAIN (ANALYZE, TIMING OFF) planning + execution, as `perf ab`). Prints, per clock,
 * the SD of the pair log ratio (median over queries), the part a round's queries share, the rest,
 * and the order effect (log(second/first)). Not a test; see bench/perf/README.md, stop 25.
 *   npx tsx bench/perf/clocks.ts [--rounds 30]      # DATABASE_URL, else postgres@127.0.0.1:5432
 * Creates the database `confiture_bench_clocks` on that server the first time (kept for reruns).
 */
import pg from 'pg';
const DB = 'confiture_bench_clocks';
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlOf = (db: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
};
const admin = new pg.Client({ connectionString: urlOf('postgres') });
await admin.connect();
const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname=$1', [DB])).rowCount;
if (!exists) {
  await admin.query(`CREATE DATABASE ${DB}`);
  const c = new pg.Client({ connectionString: urlOf(DB) });
  await c.connect();
  await c.query(`
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, country int NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, cat int NOT NULL, price numeric NOT NULL, created timestamptz NOT NULL, payload text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL, item_id int NOT NULL, qty int NOT NULL, at timestamptz NOT NULL);
INSERT INTO users SELECT g, 'user' || g, g % 40 FROM generate_series(1, 20000) g;
INSERT INTO items SELECT g, g % 100, (g::bigint * 7919) % 1000, timestamptz '2024-01-01' + g * interval '1 minute', repeat('x', 40) FROM generate_series(1, 200000) g;
INSERT INTO orders SELECT g, 1 + (g::bigint * 104729) % 20000, 1 + (g::bigint * 7919) % 200000, 1 + g % 5, timestamptz '2024-01-01' + g * interval '2 minutes' FROM generate_series(1, 200000) g;
CREATE INDEX items_cat ON items (cat);
CREATE INDEX items_created ON items (created);
CREATE INDEX orders_user ON orders (user_id);
`); await c.query("VACUUM ANALYZE");
  await c.end();
}
await admin.end();
const T: ((i: number) => string)[] = [
  (i) => `SELECT * FROM items WHERE id = ${1 + i * 3917}`,
  (i) => `SELECT count(*), avg(price) FROM items WHERE cat = ${i * 7}`,
  (i) => `SELECT id, price FROM items WHERE created > timestamptz '2024-02-01' + ${i} * interval '3 days' ORDER BY created LIMIT 50`,
  (i) => `SELECT u.country, sum(o.qty) FROM orders o JOIN users u ON u.id = o.user_id WHERE o.user_id BETWEEN ${i * 1000} AND ${i * 1000 + 40} GROUP BY 1`,
  (i) => `SELECT * FROM users WHERE id = ${100 + i * 311}`,
  (i) => `SELECT o.id, i.price FROM orders o JOIN items i ON i.id = o.item_id WHERE o.user_id = ${10 + i * 97}`,
  (i) => `SELECT cat, count(*) FROM items WHERE cat BETWEEN ${i * 10} AND ${i * 10 + 3} GROUP BY cat ORDER BY 2 DESC`,
  (i) => `SELECT count(*) FROM orders WHERE at >= timestamptz '2024-03-01' + ${i} * interval '5 days' AND at < timestamptz '2024-03-02' + ${i} * interval '5 days'`,
  (i) => `SELECT name FROM users WHERE country = ${i} ORDER BY id LIMIT 20`,
  (i) => `SELECT max(price), min(created) FROM items WHERE id BETWEEN ${i * 20000} AND ${i * 20000 + 2000}`,
];
const at = process.argv.indexOf('--rounds');
const NQ = 20;
const R = at > 0 ? Number(process.argv[at + 1]) : 30;
const Q = Array.from({ length: NQ }, (_, k) => T[k % 10]!(Math.floor(k / 10)));
const open = async () => { const c = new pg.Client({ connectionString: urlOf(DB) });
  await c.connect(); return c; };
async function client(c: pg.Client, sql: string) { await c.query('BEGIN READ ONLY'); const t0 = performance.now(); await c.query({ text: sql, values: [] }); const ms = performance.now() - t0; await c.query('ROLLBACK'); return ms; }
async function server(c: pg.Client, sql: string) { await c.query('BEGIN READ ONLY'); const r = await c.query({ text: `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, values: [] }); await c.query('ROLLBACK'); const j = r.rows[0]['QUERY PLAN'][0]; return j['Planning Time'] + j['Execution Time']; }
// d[method][q][r] = log(b/a)
const d: Record<string, number[][]> = { client: Q.map(() => []), server: Q.map(() => []) };
const ord: Record<string, number[][]> = { client: Q.map(() => []), server: Q.map(() => []) };
const med: Record<string, number[][]> = { client: Q.map(() => []), server: Q.map(() => []) };
for (let r = 0; r < R; r++) {
  const A = await open(), B = await open();
  for (const q of Q) { await client(A, q); await client(B, q); await server(A, q); await server(B, q); }
  for (let qi = 0; qi < NQ; qi++) for (const m of ['client', 'server'] as const) {
    const f = m === 'client' ? client : server;
    let a: number, b: number;
    const af = Math.random() < 0.5; if (af) { a = await f(A, Q[qi]!); b = await f(B, Q[qi]!); } else { b = await f(B, Q[qi]!); a = await f(A, Q[qi]!); }
    ord[m]![qi]!.push(af ? 1 : -1);
    d[m]![qi]!.push(Math.log(b / a)); med[m]![qi]!.push(a);
  }
  await A.end(); await B.end();
}
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const sd = (x: number[]) => { const m = mean(x); return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)); };
const median = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s[s.length >> 1]!; };
for (const m of ['client', 'server']) {
  const perQ = d[m]!.map(sd);
  // per round common component: median across queries
  const roundMed = Array.from({ length: R }, (_, r) => median(d[m]!.map((x) => x[r]!)));
  const resid = d[m]!.map((x) => sd(x.map((v, r) => v - roundMed[r]!)));
  const est = d[m]!.map(mean);
  console.log(m, 'median ms', median(med[m]!.map(median)).toFixed(3), 'per-pair SD of log ratio: median over queries', median(perQ).toFixed(3), '| round-common SD', sd(roundMed).toFixed(3), '| residual SD', median(resid).toFixed(3), '| spread of per-query means', sd(est).toFixed(3), 'SE implied', (median(perQ) / Math.sqrt(R)).toFixed(3));
  // order effect: log(second/first) = sign * d where sign = +1 if A first
  const so = d[m]!.map((x, qi) => x.map((v, r) => v * ord[m]![qi]![r]!));
  const o = d[m]!.map((x, qi) => mean(so[qi]!));
  const adj = d[m]!.map((x, qi) => sd(x.map((v, r) => v - o[qi]! * ord[m]![qi]![r]!)));
  const oAll = mean(so.flat());
  const adjAll = d[m]!.map((x, qi) => sd(x.map((v, r) => v - oAll * ord[m]![qi]![r]!)));
  console.log('   order effect log(second/first): overall', oAll.toFixed(3), 'per query median', median(o).toFixed(3), '| SD after per-query order correction', median(adj).toFixed(3), 'after global', median(adjAll).toFixed(3));
  console.log('   per query SD', perQ.map((v) => v.toFixed(2)).join(' '));
}
