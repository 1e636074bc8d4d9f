/**
 * bench/perf: how trustworthy are the perf verdicts on a real server? Both modes, one run:
 *
 *   npx tsx bench/perf/run.ts [--quick] [--queries 50] [--repeats 4] [--power-reps 4] [--runs 30]
 *
 * Starts an embedded PostgreSQL in a temp dir, builds a small schema, generates a workload of
 * point lookups, index ranges, joins, aggregates and sorts, clones the database (CREATE DATABASE …
 * TEMPLATE) and measures, for the two-capture mode (drift-corrected, the default of `perf compare`)
 * and the interleaved mode (`perf ab`, through rehearseAB: two fresh clones of a source nobody
 * queries, the slowdown applied as SQL to the after clone, as the product does):
 *  (a) false alarms: comparisons of the unchanged database (A/A);
 *  (b) power: 10 queries slowed by +10/15/20/50 % of their median with a controlled server-side
 *      busy-wait looked up in a per-database table (same plan, same SQL on both sides);
 *  (c) overhead of a capture vs running the same queries bare.
 * Results are printed and written to bench/results/perf.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { EmbeddedServer } from '../../src-main/db';
import { capture, compareAB, compareBaselines, comparisonFails, defaultPerfConfig, median, parseWorkload, rehearseAB } from '../../src-main/perf';
import type { Baseline, Workload } from '../../src-shared/domain/perf';
import { BURN_SQL, DATA_SQL, noiseSplit, sd, TEMPLATES } from './shared';

const QUICK = process.argv.includes('--quick');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N_QUERIES = arg('queries', QUICK ? 20 : 50);
const REPEATS = arg('repeats', QUICK ? 2 : 4);
const POWER_REPS = arg('power-reps', QUICK ? 1 : 4);
const LEVELS = [0.1, 0.15, 0.2, 0.5];
const config = { ...defaultPerfConfig(), runs: arg('runs', defaultPerfConfig().runs) };
const SLOWED_PER_CAPTURE = 10;
/** how `perf ab` times a run: `server` (its default) or `client` (the round trip's wall time) */
const AB_TIMING = (() => {
  const i = process.argv.indexOf('--ab-timing');
  const v = i > 0 ? process.argv[i + 1] : 'server';
  if (v !== 'server' && v !== 'client') throw new Error(`--ab-timing must be server or client, not ${v}`);
  return v;
})();

const QUERIES = Array.from({ length: N_QUERIES }, (_, k) => ({ name: `q${String(k).padStart(2, '0')}`, inner: TEMPLATES[k % 10]!(Math.floor(k / 10)) }));

async function buildWorkload(): Promise<Workload> {
  const lines = ['version: 1', 'queries:'];
  for (const q of QUERIES) {
    lines.push(`  - name: ${q.name}`);
    lines.push(`    sql: "WITH slow AS MATERIALIZED (SELECT perf_bench_burn('${q.name}') AS b) SELECT q.* FROM slow, (${q.inner.replace(/"/g, '\\"')}) AS q"`);
  }
  return parseWorkload(lines.join('\n') + '\n', 'bench-workload.yaml');
}

async function setBurn(client: pg.Client, burn: Map<string, number>): Promise<void> {
  await client.query('DELETE FROM bench_burn');
  for (const [q, us] of burn) await client.query('INSERT INTO bench_burn (q, us) VALUES ($1, $2)', [q, us]);
}

/** the same burn as SQL: what rehearseAB applies to the after clone (the bench's "migration") */
const burnSql = (burn: Map<string, number>) =>
  burn.size ? `INSERT INTO bench_burn (q, us) VALUES ${[...burn].map(([q, us]) => `('${q.replace(/'/g, "''")}', ${Number(us)})`).join(', ')}` : 'SELECT 1';

const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)} %` : '—');

interface ModeResult {
  falseAlarm: { flagged: number; compared: number; rate: number; comparisonsFailing: number; comparisons: number; verdicts: Record<string, number> };
  power: Record<string, { slowed: number; detected: number; rate: number; inconclusive: number; meanMeasuredRatio: number; otherFlagged: number; otherCompared: number }>;
  secondsPerComparison: number;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-perf-'));
  fs.chmodSync(tmp, 0o755);
  const server = new EmbeddedServer({ baseDir: tmp });
  const { url } = await server.start();
  const at = (db: string) => url.replace(/\/postgres$/, `/${db}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_perf_src');
  await admin.query('DROP DATABASE IF EXISTS bench_perf');
  await admin.query('CREATE DATABASE bench_perf');
  {
    const c = new pg.Client({ connectionString: at('bench_perf') });
    await c.connect();
    await c.query(DATA_SQL + BURN_SQL);
    await c.query('VACUUM ANALYZE');
    await c.end();
  }
  // the source of the interleaved mode: a copy nobody connects to (PostgreSQL clones only an idle
  // database), cloned twice by each A/B run as `confiture perf ab --apply` does
  await admin.query('CREATE DATABASE bench_perf_src TEMPLATE bench_perf');
  const A = new pg.Client({ connectionString: at('bench_perf') });
  await A.connect();
  const version = (await A.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  const workload = await buildWorkload();

  const t0 = performance.now();
  const load0 = os.loadavg();
  console.log(`load average ${load0.map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs (a busy machine inflates every figure below)`);
  console.log(
    `PostgreSQL ${version}; ${QUERIES.length} queries; runs ${config.runs}, warm-up ${config.warmup}; alpha ${config.alpha} (BH); threshold ${config.threshold}; ` +
      `${REPEATS} A/A repeats, ${POWER_REPS} power rep(s) × ${SLOWED_PER_CAPTURE} slowed queries per level; perf ab timing: ${AB_TIMING}${QUICK ? ' (--quick)' : ''}`,
  );

  const take = async (name: string): Promise<Baseline> => capture({ client: A, workload, name, config, connectionLabel: 'bench', confitureVersion: 'bench' });
  // each A/B run is the product's: two fresh clones of bench_perf_src, the burn applied to the after
  // one as SQL, fresh sessions, the clones dropped
  const ab = async (burn: Map<string, number> = new Map()) => {
    const r = await rehearseAB({
      connect: async (database) => {
        const c = new pg.Client({ connectionString: at(database) });
        await c.connect();
        return c;
      },
      source: 'bench_perf_src',
      apply: burn.size ? [{ name: 'burn.sql', sql: burnSql(burn) }] : [],
      label: 'bench',
      workload,
      config,
      timing: AB_TIMING,
    });
    return r.capture;
  };

  // calibration: the baseline of the two-capture mode gives each query's median
  await setBurn(A, new Map());
  const base = await take('base');
  const baseMedian = new Map(base.queries.map((q) => [q.query, median(q.samplesMs)]));
  const chosenFor = (rep: number) => new Set(QUERIES.slice((rep * SLOWED_PER_CAPTURE) % QUERIES.length).concat(QUERIES).slice(0, SLOWED_PER_CAPTURE).map((q) => q.name));
  const burnFor = (chosen: Set<string>, s: number) => new Map([...chosen].map((n) => [n, s * baseMedian.get(n)! * 1000]));
  const burnForAB = (chosen: Set<string>, s: number) => new Map([...chosen].map((n) => [n, s * median(abBefore.get(n) ?? [baseMedian.get(n)!]) * 1000]));

  const two: ModeResult = { falseAlarm: { flagged: 0, compared: 0, rate: 0, comparisonsFailing: 0, comparisons: 0, verdicts: {} }, power: {}, secondsPerComparison: 0 };
  const inter: ModeResult = { falseAlarm: { flagged: 0, compared: 0, rate: 0, comparisonsFailing: 0, comparisons: 0, verdicts: {} }, power: {}, secondsPerComparison: 0 };
  let twoSeconds = 0;
  let twoCaptures = 1;
  let abSeconds = 0;
  let abRuns = 0;

  // (a) A/A, both modes, alternating so they see the same hours of the machine
  const recaps: Baseline[] = [];
  /** the before side's wall times of each query in the A/A interleaved runs: the base of that mode's slowdown */
  const abBefore = new Map<string, number[]>();
  /** every A/A query ratio after/before: a side that is systematically faster shows as a median off 1 */
  const aaRatios: number[] = [];
  /** the half-width of each A/A interval in log units: what the detector believes its noise is */
  const aaHalfWidths: number[] = [];
  /**
   * where the A/A pair noise lives: each pair's log ratio split into what all queries of its round
   * share (the round's session pair: the median over the queries of that round) and the rest
   */
  const noise = { pair: [] as number[], round: [] as number[], rest: [] as number[] };
  for (let i = 0; i < REPEATS; i++) {
    let t = performance.now();
    recaps.push(await take(`recap${i}`));
    twoSeconds += (performance.now() - t) / 1000;
    twoCaptures++;
    t = performance.now();
    const aa = await ab();
    const c = compareAB(aa, config);
    abSeconds += (performance.now() - t) / 1000;
    abRuns++;
    for (const k of aa.cases) abBefore.set(k.query, [...(abBefore.get(k.query) ?? []), ...k.pairs.map((p) => p.a)]);
    inter.falseAlarm.comparisons++;
    inter.falseAlarm.compared += c.queries.length;
    inter.falseAlarm.flagged += c.summary.regression + c.summary.improvement;
    if (c.fails) inter.falseAlarm.comparisonsFailing++;
    for (const q of c.queries) inter.falseAlarm.verdicts[q.verdict] = (inter.falseAlarm.verdicts[q.verdict] ?? 0) + 1;
    // what a false alarm looked like: which query, which way, by how much (a systematic side shows here)
    for (const q of c.queries.filter((x) => x.verdict === 'regression' || x.verdict === 'improvement')) {
      console.log(`  A/A interleaved #${i + 1}: ${q.id} ${q.verdict} ×${q.ratio.toFixed(3)} [${q.ci[0].toFixed(3)}, ${q.ci[1].toFixed(3)}]`);
    }
    inter.falseAlarm.verdicts.certain = (inter.falseAlarm.verdicts.certain ?? 0) + c.summary.certain;
    aaRatios.push(...c.queries.map((q) => q.ratio));
    aaHalfWidths.push(...c.queries.map((q) => (Math.log(q.ci[1]) - Math.log(q.ci[0])) / 2));
    const split = noiseSplit(aa.cases.filter((k) => !k.error).map((k) => k.pairs.map((p) => Math.log(p.b / p.a))));
    noise.pair.push(split.pair);
    noise.round.push(split.round);
    noise.rest.push(split.rest);
  }
  const pairs: [Baseline, Baseline][] = [...recaps.map((r): [Baseline, Baseline] => [base, r]), ...recaps.slice(1).map((r, i): [Baseline, Baseline] => [recaps[i]!, r])];
  for (const [a, b] of pairs) {
    const c = compareBaselines(a, b, config);
    two.falseAlarm.comparisons++;
    two.falseAlarm.compared += c.queries.length;
    two.falseAlarm.flagged += c.summary.regression + c.summary.improvement;
    if (comparisonFails(c)) two.falseAlarm.comparisonsFailing++;
    for (const q of c.queries) two.falseAlarm.verdicts[q.verdict] = (two.falseAlarm.verdicts[q.verdict] ?? 0) + 1;
  }
  for (const m of [two, inter]) m.falseAlarm.rate = m.falseAlarm.flagged / Math.max(1, m.falseAlarm.compared);

  // (b) power at each level, both modes on the same chosen queries and burns
  for (const s of LEVELS) {
    const key = `+${Math.round(s * 100)}%`;
    const row = () => ({ slowed: 0, detected: 0, rate: 0, inconclusive: 0, meanMeasuredRatio: 0, otherFlagged: 0, otherCompared: 0 });
    const r2 = row();
    const ri = row();
    const r2ratios: number[] = [];
    const riratios: number[] = [];
    for (let rep = 0; rep < POWER_REPS; rep++) {
      const chosen = chosenFor(rep);
      const burn = burnFor(chosen, s);
      // two-capture: the slowed capture on A, compared with the base
      await setBurn(A, burn);
      let t = performance.now();
      const cur = await take(`slow${s}_${rep}`);
      twoSeconds += (performance.now() - t) / 1000;
      twoCaptures++;
      await setBurn(A, new Map());
      const c2 = compareBaselines(base, cur, config);
      for (const q of c2.queries) {
        if (chosen.has(q.query)) {
          r2.slowed++;
          r2ratios.push(q.adjustedRatio);
          if (q.verdict === 'regression') r2.detected++;
          if (q.verdict === 'inconclusive') r2.inconclusive++;
        } else {
          r2.otherCompared++;
          if (q.verdict === 'regression' || q.verdict === 'improvement') r2.otherFlagged++;
        }
      }
      // interleaved: the same queries slowed on B only, by s × their median as this mode measures them
      // (an A/B pair runs slower than a capture's run — the connections alternate — so a burn sized on
      // the capture's median would inject less than s here)
      t = performance.now();
      const ci = compareAB(await ab(burnForAB(chosen, s)), config);
      abSeconds += (performance.now() - t) / 1000;
      abRuns++;
      for (const q of ci.queries) {
        if (chosen.has(q.query)) {
          ri.slowed++;
          riratios.push(q.ratio);
          if (q.verdict === 'regression') ri.detected++;
          if (q.verdict === 'inconclusive') ri.inconclusive++;
          // a miss, as the detector saw it: which query, what it measured, how wide its interval was
          if (q.verdict !== 'regression') console.log(`  interleaved +${s * 100} % missed: ${q.id} ${q.verdict} ×${q.ratio.toFixed(3)} [${q.ci[0].toFixed(3)}, ${q.ci[1].toFixed(3)}] before ${q.beforeMedianMs} ms`);
        } else {
          ri.otherCompared++;
          if (q.verdict === 'regression' || q.verdict === 'improvement') ri.otherFlagged++;
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
    r2.rate = r2.detected / Math.max(1, r2.slowed);
    ri.rate = ri.detected / Math.max(1, ri.slowed);
    r2.meanMeasuredRatio = mean(r2ratios);
    ri.meanMeasuredRatio = mean(riratios);
    two.power[key] = r2;
    inter.power[key] = ri;
  }
  two.secondsPerComparison = twoSeconds / twoCaptures;
  inter.secondsPerComparison = abSeconds / Math.max(1, abRuns);

  // (c) overhead: the same queries, same number of executions, bare (no transaction, no EXPLAIN)
  const bare0 = performance.now();
  for (let r = 0; r < config.runs + config.warmup; r++) for (const q of workload.queries) await A.query(q.sql);
  const bareMs = performance.now() - bare0;
  const prof0 = performance.now();
  const one = await take('overhead');
  const profMs = performance.now() - prof0;
  const load1 = os.loadavg();

  // report
  const line = (label: string, a: string, b: string) => console.log(`${label.padEnd(34)} ${a.padEnd(44)} ${b}`);
  console.log('');
  line('measure', 'two captures (drift-corrected, perf compare)', 'interleaved A/B (perf ab)');
  line(
    '(a) A/A query comparisons flagged',
    `${two.falseAlarm.flagged}/${two.falseAlarm.compared} = ${pct(two.falseAlarm.flagged, two.falseAlarm.compared)}`,
    `${inter.falseAlarm.flagged}/${inter.falseAlarm.compared} = ${pct(inter.falseAlarm.flagged, inter.falseAlarm.compared)}`,
  );
  line('(a) A/A comparisons failing (exit 1)', `${two.falseAlarm.comparisonsFailing}/${two.falseAlarm.comparisons}`, `${inter.falseAlarm.comparisonsFailing}/${inter.falseAlarm.comparisons}`);
  line('(a) A/A verdicts', JSON.stringify(two.falseAlarm.verdicts), JSON.stringify(inter.falseAlarm.verdicts));
  line('(a) A/A ratios after/before', '—', `median ×${median(aaRatios).toFixed(3)}, ${aaRatios.filter((r) => r < 1).length}/${aaRatios.length} below 1`);
  // the spread of the A/A estimates against the spread their intervals promise: wider means an
  // offset per query and database pair that more pairs cannot average away
  const aaLogSd = sd(aaRatios.map((r) => Math.log(r)));
  const aaSe = median(aaHalfWidths) / 1.96;
  line(
    '(a) A/A pair noise (SD of log ratio)',
    '—',
    `per pair ${(median(noise.pair) * 100).toFixed(1)} %, shared by a round's queries ${(median(noise.round) * 100).toFixed(1)} %, the rest ${(median(noise.rest) * 100).toFixed(1)} % (median of ${noise.pair.length} runs)`,
  );
  line('(a) A/A spread: SD of log ratio vs interval SE', '—', `${(aaLogSd * 100).toFixed(1)} % vs ${(aaSe * 100).toFixed(1)} % (×${(aaLogSd / aaSe).toFixed(2)})`);
  for (const s of LEVELS) {
    const key = `+${Math.round(s * 100)}%`;
    const a = two.power[key]!;
    const b = inter.power[key]!;
    line(
      `(b) power at ${key}`,
      `${a.detected}/${a.slowed} = ${pct(a.detected, a.slowed)} (${a.inconclusive} inconcl., ratio ${a.meanMeasuredRatio.toFixed(3)})`,
      `${b.detected}/${b.slowed} = ${pct(b.detected, b.slowed)} (${b.inconclusive} inconcl., ratio ${b.meanMeasuredRatio.toFixed(3)})`,
    );
    line(`    untouched flagged at ${key}`, `${a.otherFlagged}/${a.otherCompared}`, `${b.otherFlagged}/${b.otherCompared}`);
  }
  line('seconds per capture / A/B run', two.secondsPerComparison.toFixed(1), `${inter.secondsPerComparison.toFixed(1)} (×${(inter.secondsPerComparison / two.secondsPerComparison).toFixed(2)} of a capture)`);
  console.log(
    `(c) overhead: bare ${(bareMs / 1000).toFixed(2)} s vs profiler ${(profMs / 1000).toFixed(2)} s (×${(profMs / bareMs).toFixed(2)}); the capture reports ${one.overhead.overheadPct} % extra server work beyond its timed runs`,
  );
  console.log(`load average at the end ${load1.map((x) => x.toFixed(1)).join(' ')}`);

  const result = {
    postgres: version,
    host: `${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ''}`,
    quick: QUICK,
    loadAverage: { before: load0, after: load1 },
    config: { runs: config.runs, warmup: config.warmup, alpha: config.alpha, threshold: config.threshold, queries: QUERIES.length, repeats: REPEATS, powerReps: POWER_REPS },
    twoCapture: two,
    interleaved: { ...inter, aaLogSd, aaIntervalSe: aaSe, aaRatioMedian: median(aaRatios), aaRatiosBelowOne: aaRatios.filter((r) => r < 1).length, aaRatios: aaRatios.length, aaNoise: noise },
    overhead: { bareMs, profilerMs: profMs, factor: profMs / bareMs, reported: one.overhead },
    seconds: (performance.now() - t0) / 1000,
  };
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', 'perf.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`done in ${result.seconds.toFixed(0)} s; bench/results/perf.json`);
  await A.end();
  await admin.end();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
