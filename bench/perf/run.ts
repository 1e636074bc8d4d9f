/**
 * bench/perf: how trustworthy are the perf verdicts on a real server?
 *
 *   npx tsx bench/perf/run.ts [--repeats 10] [--power-reps 4] [--runs 30] [--keep DIR]
 *
 * Starts an embedded PostgreSQL in a temp dir, builds a small schema, generates a workload of
 * 50 queries (point lookups, index ranges, joins, aggregates, sorts), then:
 *  (a) false alarms: a baseline and `repeats` recaptures of the unchanged database; every
 *      baseline-vs-recapture and recapture-vs-next-recapture comparison is counted;
 *  (b) power: 10 of the 50 queries (rotating) are slowed by 10 %, 20 % and 50 % of their
 *      baseline median with a controlled server-side busy-wait, then compared to the baseline;
 *  (c) overhead: the profiler's wall time vs running the same queries bare.
 * (a) and (b) score the same captures twice: drift-corrected (the default) and raw per-query.
 * Results are printed and written to bench/results/perf.json; --keep DIR also writes every capture there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { EmbeddedServer } from '../../src-main/db';
import { capture, compareBaselines, comparisonFails, defaultPerfConfig, median, parseWorkload } from '../../src-main/perf';
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

  const keep = (() => {
    const i = process.argv.indexOf('--keep');
    return i > 0 ? process.argv[i + 1]! : null;
  })();
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const take = async (name: string, burn = new Map<string, number>()): Promise<Baseline> => {
    const b = await capture({ client, workload: await workloadWith(burn), name, config, connectionLabel: 'bench', confitureVersion: 'bench' });
    if (keep) fs.writeFileSync(path.join(keep, `${name}.json`), JSON.stringify({ ...b, burnUs: Object.fromEntries(burn) }));
    return b;
  };

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
  // every comparison is scored twice on the same captures: drift-corrected (the default) and raw
  const falseAlarm: Record<string, unknown> = {};
  const compareMs: Record<string, number> = {};
  for (const mode of ['corrected', 'raw'] as const) {
    const cfg = { ...config, driftCorrection: mode === 'corrected' };
    let flagged = 0;
    let regress = 0;
    let compared = 0;
    let comparisonsWithAny = 0;
    let envFails = 0;
    const verdicts: Record<string, number> = {};
    const env: { ratio: number; ci: [number, number] | null; verdict: string }[] = [];
    const c0 = performance.now();
    for (const [a, b] of pairs) {
      const c = compareBaselines(a, b, cfg);
      compared += c.queries.length;
      flagged += c.summary.regression + c.summary.improvement;
      regress += c.summary.regression;
      if (c.summary.regression + c.summary.improvement > 0) comparisonsWithAny++;
      if (comparisonFails(c)) envFails++;
      env.push({ ratio: c.environment.ratio, ci: c.environment.ci, verdict: c.environment.verdict + (c.environment.direction ? ` ${c.environment.direction}` : '') });
      for (const q of c.queries) verdicts[q.verdict] = (verdicts[q.verdict] ?? 0) + 1;
    }
    compareMs[mode] = (performance.now() - c0) / pairs.length;
    falseAlarm[mode] = { comparisons: pairs.length, queryComparisons: compared, flagged, regressions: regress, rate: flagged / compared, comparisonsWithAnyFlag: comparisonsWithAny, comparisonsFailing: envFails, verdicts, environment: env };
    console.log(
      `(a) ${mode}: ${flagged} of ${compared} query comparisons flagged (${((100 * flagged) / compared).toFixed(2)} %; ${regress} as regressions) over ${pairs.length} comparisons of the unchanged database; ${envFails} comparisons would exit 1; verdicts ${JSON.stringify(verdicts)}`,
    );
  }
  console.log(`    common shift per comparison: ${(falseAlarm.corrected as { environment: { ratio: number; verdict: string }[] }).environment.map((e) => `×${e.ratio.toFixed(3)} ${e.verdict}`).join(', ')}`);
  console.log(`    compare time per comparison: corrected ${compareMs.corrected!.toFixed(0)} ms, raw ${compareMs.raw!.toFixed(0)} ms`);

  // (b) power, scored drift-corrected and raw on the same captures
  type PowerRow = { slowed: number; detected: number; rate: number; otherFlagged: number; otherCompared: number; meanRatio: number; meanAdjustedRatio: number; inconclusive: number; commonShift: number[] };
  const power: Record<'corrected' | 'raw', Record<string, PowerRow>> = { corrected: {}, raw: {} };
  for (const s of [0.1, 0.2, 0.5]) {
    const caps: { chosen: Set<string>; cur: Baseline }[] = [];
    for (let rep = 0; rep < POWER_REPS; rep++) {
      const chosen = new Set(QUERIES.slice((rep * SLOWED_PER_CAPTURE) % QUERIES.length).concat(QUERIES).slice(0, SLOWED_PER_CAPTURE).map((q) => q.name));
      const burn = new Map([...chosen].map((n) => [n, s * baseMedian.get(n)! * 1000]));
      caps.push({ chosen, cur: await take(`slow${s}_${rep}`, burn) });
    }
    for (const mode of ['corrected', 'raw'] as const) {
      let slowed = 0;
      let detected = 0;
      let inconclusive = 0;
      let other = 0;
      let otherN = 0;
      const ratios: number[] = [];
      const adjusted: number[] = [];
      const shifts: number[] = [];
      for (const { chosen, cur } of caps) {
        const c = compareBaselines(base, cur, { ...config, driftCorrection: mode === 'corrected' });
        shifts.push(c.environment.ratio);
        for (const q of c.queries) {
          if (chosen.has(q.query)) {
            slowed++;
            ratios.push(q.ratio);
            adjusted.push(q.adjustedRatio);
            if (q.verdict === 'regression') detected++;
            if (q.verdict === 'inconclusive') inconclusive++;
          } else {
            otherN++;
            if (q.verdict === 'regression' || q.verdict === 'improvement') other++;
          }
        }
      }
      const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
      const row: PowerRow = { slowed, detected, rate: detected / slowed, inconclusive, otherFlagged: other, otherCompared: otherN, meanRatio: mean(ratios), meanAdjustedRatio: mean(adjusted), commonShift: shifts };
      power[mode][`${s * 100}%`] = row;
      console.log(
        `(b) ${mode} +${s * 100} %: ${detected}/${slowed} slowed queries flagged as regressions (${((100 * detected) / slowed).toFixed(1)} %, ${inconclusive} inconclusive; mean measured ratio ${row.meanRatio.toFixed(3)}, relative ${row.meanAdjustedRatio.toFixed(3)}); ${other}/${otherN} untouched queries flagged; common shifts ${shifts.map((x) => x.toFixed(3)).join(' ')}`,
      );
    }
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

  const result = { postgres: version, host: `${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ''}`, loadAverage: { before: loadBefore, after: os.loadavg()[0] }, config: { runs: config.runs, warmup: config.warmup, alpha: config.alpha, threshold: config.threshold, driftCorrection: config.driftCorrection }, queries: QUERIES.length, falseAlarm, power, compareMsPerComparison: compareMs, overhead, seconds: (performance.now() - t0) / 1000 };
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
