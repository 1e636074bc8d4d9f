/**
 * bench/perf: how trustworthy are the perf verdicts on a real server?
 *
 *   npx tsx bench/perf/run.ts [--repeats 10] [--power-reps 4] [--runs 30]
 *
 * Starts an embedded PostgreSQL in a temp dir, builds a small schema, generates a workload of
 * 50 queries (point lookups, index ranges, joins, aggregates, sorts), then:
 *  (a) false alarms: a baseline and `repeats` recaptures of the unchanged database; every
 *      baseline-vs-recapture and recapture-vs-next-recapture comparison is counted;
 *  (b) power: 10 of the 50 queries (rotating) are slowed by 10 %, 20 % and 50 % of their
 *      baseline median with a controlled server-side busy-wait, then compared to the baseline;
 *  (c) overhead: the profiler's wall time vs running the same queries bare.
 * Results are printed and written to bench/results/perf.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { EmbeddedServer } from '../../src-main/db';
import { capture, compareBaselines, defaultPerfConfig, median, parseWorkload } from '../../src-main/perf';
import type { Baseline } from '../../src-shared/domain/perf';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPEATS = arg('repeats', 10);
const POWER_REPS = arg('power-reps', 4);
const config = { ...defaultPerfConfig(), runs: arg('runs', defaultPerfConfig().runs) };
const SLOWED_PER_CAPTURE = 10;

const SCHEMA = `
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, country int NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, cat int NOT NULL, price numeric NOT NULL, created timestamptz NOT NULL, payload text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL, item_id int NOT NULL, qty int NOT NULL, at timestamptz NOT NULL);
INSERT INTO users SELECT g, 'user' || g, g % 40 FROM generate_series(1, 20000) g;
INSERT INTO items SELECT g, g % 100, (g::bigint * 7919) % 1000, timestamptz '2024-01-01' + g * interval '1 minute', repeat('x', 40) FROM generate_series(1, 200000) g;
INSERT INTO orders SELECT g, 1 + (g::bigint * 104729) % 20000, 1 + (g::bigint * 7919) % 200000, 1 + g % 5, timestamptz '2024-01-01' + g * interval '2 minutes' FROM generate_series(1, 200000) g;
CREATE INDEX items_cat ON items (cat);
CREATE INDEX items_created ON items (created);
CREATE INDEX orders_user ON orders (user_id);
-- the controlled slowdown: busy-waits for exactly $1 microseconds on the server
CREATE FUNCTION perf_bench_burn(us float8) RETURNS int LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); n int := 0;
BEGIN
  IF us <= 0 THEN RETURN 0; END IF;
  WHILE clock_timestamp() < t0 + us * interval '1 microsecond' LOOP n := n + 1; END LOOP;
  RETURN n;
END $$;`;

const TEMPLATES: ((i: number) => string)[] = [
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
const QUERIES = Array.from({ length: 50 }, (_, k) => ({ name: `q${String(k).padStart(2, '0')}`, inner: TEMPLATES[k % 10]!(Math.floor(k / 10)) }));

/** the workload with a per-query burn in microseconds (0 = no slowdown) */
async function workloadWith(burnUs: Map<string, number>) {
  const lines = ['version: 1', 'queries:'];
  for (const q of QUERIES) {
    lines.push(`  - name: ${q.name}`);
    lines.push(`    sql: "WITH slow AS MATERIALIZED (SELECT perf_bench_burn($1::float8) AS b) SELECT q.* FROM slow, (${q.inner.replace(/"/g, '\\"')}) AS q"`);
    lines.push(`    params: [{ name: p, values: [${(burnUs.get(q.name) ?? 0).toFixed(1)}] }]`);
  }
  return parseWorkload(lines.join('\n') + '\n', 'bench-workload.yaml');
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-perf-'));
  fs.chmodSync(tmp, 0o755);
  const server = new EmbeddedServer({ baseDir: tmp });
  const { url } = await server.start();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_perf');
  await admin.query('CREATE DATABASE bench_perf');
  await admin.end();
  const dbUrl = url.replace(/\/postgres$/, '/bench_perf');
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  await client.query(SCHEMA);
  await client.query('VACUUM ANALYZE');
  const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;

  const take = async (name: string, burn = new Map<string, number>()): Promise<Baseline> =>
    capture({ client, workload: await workloadWith(burn), name, config, connectionLabel: 'bench', confitureVersion: 'bench' });

  const t0 = performance.now();
  const loadBefore = os.loadavg()[0]!;
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs (a busy machine inflates every figure below)`);
  console.log(`PostgreSQL ${version}; ${QUERIES.length} queries; runs ${config.runs}, warm-up ${config.warmup}; alpha ${config.alpha} (BH); threshold ${config.threshold}`);
  const base = await take('base');
  const baseMedian = new Map(base.queries.map((q) => [q.query, median(q.samplesMs)]));

  // (a) false alarms
  const recaps: Baseline[] = [];
  for (let i = 0; i < REPEATS; i++) recaps.push(await take(`recap${i}`));
  const pairs: [Baseline, Baseline][] = [...recaps.map((r): [Baseline, Baseline] => [base, r]), ...recaps.slice(1).map((r, i): [Baseline, Baseline] => [recaps[i]!, r])];
  let flagged = 0;
  let regress = 0;
  let compared = 0;
  let comparisonsWithAny = 0;
  const verdicts: Record<string, number> = {};
  for (const [a, b] of pairs) {
    const c = compareBaselines(a, b, config);
    compared += c.queries.length;
    flagged += c.summary.regression + c.summary.improvement;
    regress += c.summary.regression;
    if (c.summary.regression + c.summary.improvement > 0) comparisonsWithAny++;
    for (const q of c.queries) verdicts[q.verdict] = (verdicts[q.verdict] ?? 0) + 1;
  }
  const falseAlarm = { comparisons: pairs.length, queryComparisons: compared, flagged, regressions: regress, rate: flagged / compared, comparisonsWithAnyFlag: comparisonsWithAny, verdicts };
  console.log(`(a) false alarms: ${flagged} of ${compared} query comparisons flagged (${((100 * flagged) / compared).toFixed(2)} %; ${regress} as regressions) over ${pairs.length} comparisons of the unchanged database; verdicts ${JSON.stringify(verdicts)}`);

  // (b) power
  const power: Record<string, { slowed: number; detected: number; rate: number; otherFlagged: number; otherCompared: number; meanRatio: number; inconclusive: number }> = {};
  for (const s of [0.1, 0.2, 0.5]) {
    let slowed = 0;
    let detected = 0;
    let inconclusive = 0;
    let other = 0;
    let otherN = 0;
    const ratios: number[] = [];
    for (let rep = 0; rep < POWER_REPS; rep++) {
      const chosen = new Set(QUERIES.slice((rep * SLOWED_PER_CAPTURE) % QUERIES.length).concat(QUERIES).slice(0, SLOWED_PER_CAPTURE).map((q) => q.name));
      const burn = new Map([...chosen].map((n) => [n, s * baseMedian.get(n)! * 1000]));
      const cur = await take(`slow${s}_${rep}`, burn);
      const c = compareBaselines(base, cur, config);
      for (const q of c.queries) {
        if (chosen.has(q.query)) {
          slowed++;
          ratios.push(q.ratio);
          if (q.verdict === 'regression') detected++;
          if (q.verdict === 'inconclusive') inconclusive++;
        } else {
          otherN++;
          if (q.verdict === 'regression' || q.verdict === 'improvement') other++;
        }
      }
    }
    power[`${s * 100}%`] = { slowed, detected, rate: detected / slowed, inconclusive, otherFlagged: other, otherCompared: otherN, meanRatio: ratios.reduce((x, y) => x + y, 0) / ratios.length };
    console.log(
      `(b) +${s * 100} %: ${detected}/${slowed} slowed queries flagged as regressions (${((100 * detected) / slowed).toFixed(1)} %, ${inconclusive} inconclusive; mean measured ratio ${power[`${s * 100}%`]!.meanRatio.toFixed(3)}); ${other}/${otherN} untouched queries flagged`,
    );
  }

  // (c) overhead: the same queries, same number of executions, bare (no transaction, no EXPLAIN)
  const wl = await workloadWith(new Map());
  const bare0 = performance.now();
  for (let r = 0; r < config.runs + config.warmup; r++) for (const q of wl.queries) await client.query({ text: q.sql, values: q.params[0]!.values });
  const bareMs = performance.now() - bare0;
  const prof0 = performance.now();
  const one = await take('overhead');
  const profMs = performance.now() - prof0;
  const overhead = {
    bareMs,
    profilerMs: profMs,
    factor: profMs / bareMs,
    perRunExtraUs: ((profMs - bareMs) / (QUERIES.length * (config.runs + config.warmup))) * 1000,
    reported: one.overhead,
  };
  console.log(
    `(c) overhead: bare ${(bareMs / 1000).toFixed(2)} s vs profiler ${(profMs / 1000).toFixed(2)} s (×${overhead.factor.toFixed(2)}; ~${overhead.perRunExtraUs.toFixed(0)} µs extra per run: BEGIN READ ONLY/ROLLBACK round trips + one EXPLAIN ANALYZE per query); the capture reports ${one.overhead.overheadPct} % extra server work beyond its timed runs`,
  );

  const result = { postgres: version, host: `${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ''}`, loadAverage: { before: loadBefore, after: os.loadavg()[0] }, config: { runs: config.runs, warmup: config.warmup, alpha: config.alpha, threshold: config.threshold }, queries: QUERIES.length, falseAlarm, power, overhead, seconds: (performance.now() - t0) / 1000 };
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', 'perf.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`done in ${result.seconds.toFixed(0)} s; bench/results/perf.json`);
  await client.end();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
