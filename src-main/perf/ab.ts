/**
 * Interleaved A/B: "will this migration regress my queries?" answered without comparing two
 * captures taken minutes apart (whole captures drift ×0.8–×1.5 on a loaded machine). The workload
 * runs alternately on a before (A) and an after (B) database — pair by pair, the order within each
 * pair randomised (seeded) — so both sides see the same machine state, and each query is judged on
 * its paired log ratios log(B/A):
 *
 *  - estimate: Hodges–Lehmann (median of Walsh averages), interval from the signed-rank
 *    distribution; test: two-sided Wilcoxon signed-rank, valid because the order was randomised;
 *    Benjamini–Hochberg across queries; verdict as for captures (significant AND beyond the
 *    practical threshold; "unchanged" needs the interval inside the threshold band);
 *  - deterministic evidence from one EXPLAIN (ANALYZE, BUFFERS) per side: a plan shape change, a
 *    ≥ 2× move of shared buffers or a change of the rows is certain, whatever the timings say.
 *
 * The after side is usually a clone: `CREATE DATABASE … TEMPLATE before` with the migration
 * applied to the clone (rehearseAB), or any second database the caller gives.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { AbCapture, AbCase, AbComparison, AbQueryComparison, Verdict, Workload } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';
import type { PerfConfig } from './config';
import { workEvidence } from './evidence';
import { isProductionEnvironment } from './profiler';
import { benjaminiHochberg, decideVerdict, hodgesLehmann, median, mulberry32, signedRank } from './stats';
import { queryCaseId } from './workload';

export interface AbProgress {
  phase: 'prepare' | 'warmup' | 'explain' | 'timed' | 'done';
  done: number;
  total: number;
  query?: string;
}

export interface AbCaptureOptions {
  /**
   * Opens a new session on the before (A) / after (B) database. captureAB opens a fresh pair of
   * sessions for every round of timed pairs and ends each itself: a backend's speed is a property
   * of the process (measured on a 2-vCPU VM: one session pair read a query ×0.70 or ×1.44 as fast
   * as the next pair did on the same two databases, every query of the round moving together), so
   * pairs timed in one session pair are not independent samples. With a fresh pair per round, each
   * query's pairs come from as many session pairs as there are rounds and that effect becomes
   * ordinary pair-to-pair noise the test accounts for (bench/perf/README.md).
   */
  open: { before: () => Promise<pg.Client>; after: () => Promise<pg.Client> };
  labels: { before: string; after: string };
  workload: Workload;
  config: PerfConfig;
  /** timed pairs per query × parameter set (default perf.runs) */
  runs?: number;
  warmup?: number;
  only?: string[];
  /** seed of the A/B order (default: random, recorded in the result) */
  orderSeed?: number;
  environment?: string;
  rehearsal?: AbCapture['rehearsal'];
  /** how each timed run is measured (default `server`; see AbTiming) */
  timing?: AbTiming;
  signal?: AbortSignal;
  onProgress?: (p: AbProgress) => void;
}

interface Side {
  client: pg.Client;
}

/** ends a session captureAB opened (an error on close changes nothing measured) */
const endQuietly = async (c: pg.Client | null | undefined) => {
  await c?.end().catch(() => undefined);
};

/**
 * How a run is timed. `client`: the wall time of the statement's round trip, as the client sees it.
 * `server`: the server's own planning + execution time of the statement, from EXPLAIN (ANALYZE,
 * TIMING OFF, SUMMARY ON) — the same statement planned and run the same way, but without the
 * network round trip, the wake-up of the backend and the client's event loop, none of which a
 * migration can change and all of which add noise to every pair (bench/perf/README.md, stop 25).
 * On PostgreSQL 17+ `SERIALIZE TEXT` makes the server also convert the result rows to the text the
 * client would receive (de-TOASTing included), inside the timed execution.
 */
export type AbTiming = 'client' | 'server';

/**
 * the EXPLAIN that times a run on the server (`serialize` on PostgreSQL 17+ on both sides).
 * BUFFERS OFF: PostgreSQL 18 turns BUFFERS on with ANALYZE, so a 17 and an 18 side would otherwise
 * instrument differently.
 */
export const serverTimingPrefix = (serialize: boolean) => `EXPLAIN (ANALYZE, TIMING OFF, BUFFERS OFF, SUMMARY ON${serialize ? ', SERIALIZE TEXT' : ''}, FORMAT JSON) `;

/** planning + execution ms and the top node's rows from an EXPLAIN (ANALYZE, FORMAT JSON) result */
export function serverTimes(result: pg.QueryResult): { ms: number; rows: number } {
  const raw = (result.rows[0] as Record<string, unknown> | undefined)?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Actual Rows'?: number }; 'Planning Time'?: number; 'Execution Time'?: number }[] | undefined;
  const top = doc?.[0];
  const plan = top?.['Planning Time'];
  const exec = top?.['Execution Time'];
  if (typeof plan !== 'number' || typeof exec !== 'number') throw new Error('EXPLAIN (ANALYZE) returned no Planning/Execution Time');
  return { ms: plan + exec, rows: Math.round(top?.Plan?.['Actual Rows'] ?? 0) };
}

async function timedRun(side: Side, sql: string, values: unknown[], readOnly: boolean, serverPrefix: string | null = null): Promise<{ ms: number; rows: number; result: pg.QueryResult }> {
  const { client } = side;
  await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
  const t0 = performance.now();
  try {
    const result = await client.query({ text: serverPrefix ? serverPrefix + sql : sql, values });
    const wall = performance.now() - t0;
    await client.query('ROLLBACK');
    if (serverPrefix) return { ...serverTimes(result), result };
    return { ms: wall, rows: result.rowCount ?? result.rows.length, result };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function prepareSide(client: pg.Client, config: PerfConfig): Promise<{ version: string; num: number; db: string }> {
  const info = await client.query<{ version: string; num: string; db: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num, current_database() AS db",
  );
  // both sides start from the same session state: a connection handed in after other work (a capture
  // sets track_io_timing, a caller may have set work_mem or jit) would time its side differently
  await client.query('RESET ALL');
  await client.query(`SET application_name = 'confiture-perf-ab'`);
  await client.query(`SET statement_timeout = ${Number(config.statementTimeout) | 0}`);
  const r = info.rows[0]!;
  return { version: r.version, num: Number(r.num), db: r.db };
}

/** blocks of one heap read per side and turn of the interleaved layout (512 kB at 8 kB pages) */
const LAYOUT_CHUNK = 64;

interface LayoutRel {
  schema: string;
  name: string;
  blocks: number;
}

async function layoutRelations(client: pg.Client): Promise<{ rels: LayoutRel[]; sharedBuffers: number }> {
  const rels = await client.query<{ schema: string; name: string; blocks: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, pg_relation_size(c.oid) / current_setting('block_size')::int AS blocks
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND c.relpersistence = 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const sb = await client.query<{ n: string }>("SELECT setting AS n FROM pg_settings WHERE name = 'shared_buffers'");
  return { rels: rels.rows.map((r) => ({ schema: r.schema, name: r.name, blocks: Number(r.blocks) })), sharedBuffers: Number(sb.rows[0]?.n ?? 0) };
}

/**
 * Reads the tables both sides share into shared buffers in alternating chunks (A's blocks 0–63, B's
 * 0–63, A's 64–127, … the first of each turn at random), so the two copies of each page land in
 * buffers of the same kind: without it, whichever side the warm-up happened to read first took the
 * free buffers in long runs and the other the clock sweep's scattered victims, and one bitmap scan
 * over 2,000 pages of two identical clones timed ×1.10–1.17 apart (bench/perf/README.md, stop 24).
 * TID range scans (PostgreSQL 14+) read exactly the chunk, with no ring buffer. Smallest tables
 * first, up to a quarter of shared_buffers per side: bigger ones are left to the warm-up. Returns a
 * note for the record.
 */
/** `rng` decides who reads first at each turn */
async function interleavedLayout(A: Side, B: Side, rng: () => number, checkAbort: () => void): Promise<string> {
  const [a, b] = await Promise.all([layoutRelations(A.client), layoutRelations(B.client)]);
  const key = (r: LayoutRel) => `${r.schema}\u0000${r.name}`;
  const onB = new Map(b.rels.map((r) => [key(r), r]));
  const shared = a.rels
    .filter((r) => onB.has(key(r)))
    .map((r) => ({ schema: r.schema, name: r.name, blocks: [r.blocks, onB.get(key(r))!.blocks] as [number, number] }))
    .sort((x, y) => Math.max(...x.blocks) - Math.max(...y.blocks));
  const budget = Math.floor(Math.min(a.sharedBuffers, b.sharedBuffers) / 4);
  let used = 0;
  let read = 0;
  let skipped = 0;
  const failed: string[] = [];
  for (const rel of shared) {
    const need = Math.max(...rel.blocks);
    if (used + need > budget) {
      skipped++;
      continue;
    }
    const sql = `SELECT count(*) FROM ONLY ${A.client.escapeIdentifier(rel.schema)}.${A.client.escapeIdentifier(rel.name)} WHERE ctid >= $1::tid AND ctid < $2::tid`;
    try {
      for (let from = 0; from < need; from += LAYOUT_CHUNK) {
        checkAbort();
        const range = [`(${from},0)`, `(${from + LAYOUT_CHUNK},0)`];
        const sides: [Side, number][] = rng() < 0.5 ? [[A, 0], [B, 1]] : [[B, 1], [A, 0]];
        for (const [side, i] of sides) if (from < rel.blocks[i]!) await side.client.query(sql, range);
      }
    } catch (e) {
      // a table this role may not read, or one slower than statement_timeout: the others still count
      const code = (e as { code?: string }).code;
      if (code !== '42501' && code !== '57014') throw e;
      failed.push(`${rel.schema}.${rel.name} (${(e as Error).message})`);
      continue;
    }
    used += need;
    read++;
  }
  return (
    `interleaved layout: ${read} table(s) both sides share read into shared buffers in alternating ${LAYOUT_CHUNK}-block chunks (${used} blocks per side at most)` +
    (skipped ? `; ${skipped} larger one(s) beyond a quarter of shared_buffers left to the warm-up` : '') +
    (failed.length ? `; not read: ${failed.join(', ')}` : '')
  );
}

/** Runs the workload interleaved on both sides. Pure measurement: judge it with compareAB. */
export async function captureAB(opts: AbCaptureOptions): Promise<AbCapture> {
  const { config, workload } = opts;
  const environment = opts.environment ?? config.environment;
  if (isProductionEnvironment(environment, config) && !config.allowProduction) {
    throw new ConfitureError('policy_failure', `Profiling the "${environment}" environment is opt-in: set perf.allowProduction: true in confiture.yaml`, { field: 'perf.allowProduction' });
  }
  const wall0 = performance.now();
  const notes: string[] = [];
  const progress = (p: AbProgress) => opts.onProgress?.(p);
  const checkAbort = () => {
    if (opts.signal?.aborted) throw new ConfitureError('cancelled', 'Profiling was cancelled');
  };
  progress({ phase: 'prepare', done: 0, total: 1 });
  const orderSeed = opts.orderSeed ?? crypto.randomBytes(4).readUInt32LE(0);
  /** the A/B order of the pairs: replayed exactly by the same seed */
  const rng = mulberry32(orderSeed);
  /** everything else left to chance (which session opens first, the layout's turns): its own stream,
   * so the pairs' order does not depend on the size of the tables */
  const aux = mulberry32(orderSeed ^ 0x9e3779b9);
  /** a session that dies while idle must not take the process down: the next query reports it */
  const opened = async (open: () => Promise<pg.Client>) => {
    const c = await open();
    c.on('error', () => undefined);
    return c;
  };
  /** opens a pair of sessions [A, B], the first side at random (a backend forked first is not favoured) */
  const openPair = async (): Promise<[pg.Client, pg.Client]> => {
    const aFirst = aux() < 0.5;
    const first = await opened(aFirst ? opts.open.before : opts.open.after);
    const second = await opened(aFirst ? opts.open.after : opts.open.before).catch(async (e: unknown) => {
      await endQuietly(first);
      throw e;
    });
    return aFirst ? [first, second] : [second, first];
  };
  const [ca, cb] = await openPair();
  const A: Side = { client: ca };
  const B: Side = { client: cb };
  try {
    const ia = await prepareSide(A.client, config);
    const ib = await prepareSide(B.client, config);
    let sessions = 1;
    /** ends the current pair of sessions and opens the next (prepared alike) */
    const rotate = async () => {
      await Promise.all([endQuietly(A.client), endQuietly(B.client)]);
      [A.client, B.client] = await openPair();
      await prepareSide(A.client, config);
      await prepareSide(B.client, config);
      sessions++;
    };
    if (ia.num !== ib.num) notes.push(`the two sides run different server versions (${ia.version} / ${ib.version}): timings compare the servers as well as the schema`);
    const runs = opts.runs ?? config.runs;
    const warmup = opts.warmup ?? config.warmup;
    const timing: AbTiming = opts.timing ?? 'server';
    /** both sides time a run with the same EXPLAIN: SERIALIZE only when both servers know it */
    const serialize = ia.num >= 170000 && ib.num >= 170000;
    const serverPrefix = serverTimingPrefix(serialize);
    if (timing === 'server' && !serialize) {
      notes.push('server timing before PostgreSQL 17: the conversion of result rows to text (EXPLAIN SERIALIZE) is not part of the timed execution');
    }

    const only = opts.only ? new Set(opts.only) : null;
    if (only) for (const n of only) if (!workload.queries.some((q) => q.name === n)) throw new ConfitureError('not_found', `No query "${n}" in ${workload.file}`, { field: 'only' });
    /** `prefix`: the EXPLAIN a timed run goes through (server timing), null for the client's wall time */
    type Work = { c: AbCase; values: unknown[]; readOnly: boolean; runs: number; warmup: number; prefix: string | null };
    const cases: Work[] = [];
    for (const q of workload.queries) {
      if (only && !only.has(q.name)) continue;
      for (const ps of q.params) {
        const c: AbCase = { id: queryCaseId(q, ps.name), query: q.name, paramSet: ps.name, sql: q.sql, pairs: [], rows: [null, null], explain: [null, null] };
        if (!q.readOnly && !q.safeToRun) {
          c.error = `refused: ${q.name} writes (INSERT/UPDATE/DELETE/MERGE, FOR UPDATE or INTO); mark it safeToRun: true in the workload to profile it inside a transaction that is rolled back`;
          notes.push(`${c.id} was not run: ${c.error}`);
        }
        if (timing === 'client') c.timing = 'client';
        cases.push({ c, values: ps.values, readOnly: q.readOnly, runs: q.runs ?? runs, warmup: q.warmup ?? warmup, prefix: null });
      }
    }
    const live = () => cases.filter((w) => !w.c.error);
    const fail = (w: Work, e: unknown, during: string, side: 'before' | 'after') => {
      w.c.error = `failed during ${during} on the ${side} side: ${(e as Error).message}`;
      notes.push(`${w.c.id}: ${w.c.error}`);
    };
    /** runs the pair in the given order (timed as the case is, or by the client's clock: `client`); returns [A ms, B ms, A rows, B rows] */
    const pair = async (w: Work, aFirst: boolean, during: string, client = false): Promise<[number, number, number, number] | null> => {
      const prefix = client ? null : w.prefix;
      const first = aFirst ? A : B;
      const second = aFirst ? B : A;
      let r1: { ms: number; rows: number };
      let r2: { ms: number; rows: number };
      try {
        r1 = await timedRun(first, w.c.sql, w.values, w.readOnly, prefix);
      } catch (e) {
        fail(w, e, during, aFirst ? 'before' : 'after');
        return null;
      }
      try {
        r2 = await timedRun(second, w.c.sql, w.values, w.readOnly, prefix);
      } catch (e) {
        fail(w, e, during, aFirst ? 'after' : 'before');
        return null;
      }
      const ra = aFirst ? r1 : r2;
      const rb = aFirst ? r2 : r1;
      return [ra.ms, rb.ms, ra.rows, rb.rows];
    };

    // the tables both sides share, read in alike (PostgreSQL 14+: TID range scans) — on two clones
    // made for this comparison only: two databases named with --after-db are compared as they are
    if (opts.rehearsal && ia.num >= 140000 && ib.num >= 140000) {
      progress({ phase: 'warmup', done: 0, total: 1 });
      try {
        notes.push(await interleavedLayout(A, B, aux, checkAbort));
      } catch (e) {
        if (e instanceof ConfitureError) throw e;
        notes.push(`interleaved layout stopped: ${(e as Error).message}`);
      }
    } else if (opts.rehearsal) notes.push('interleaved layout skipped: TID range scans need PostgreSQL 14 or later on both sides; the warm-up alone reads the pages in');
    // warm-up: both sides, alternating (the clone starts with a cold shared_buffers)
    const maxWarm = Math.max(0, ...live().map((w) => w.warmup));
    const warmTotal = live().reduce((s, w) => s + w.warmup, 0);
    let warmDone = 0;
    for (let r = 0; r < maxWarm; r++) {
      for (const w of live()) {
        if (r >= w.warmup) continue;
        checkAbort();
        const res = await pair(w, rng() < 0.5, 'warm-up', true);
        if (res) w.c.rows = [res[2], res[3]];
        progress({ phase: 'warmup', done: ++warmDone, total: warmTotal, query: w.c.id });
      }
    }

    // deterministic evidence: one EXPLAIN (ANALYZE, BUFFERS) per side; a case both sides can EXPLAIN
    // is timed on the server (server timing), any other by the client's clock (noted)
    let exDone = 0;
    for (const w of live()) {
      checkAbort();
      let explained = 0;
      for (const [i, side] of [A, B].entries()) {
        try {
          const { result } = await timedRun(side, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${w.c.sql}`, w.values, w.readOnly);
          const plan = (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
          w.c.explain[i] = typeof plan === 'string' ? JSON.parse(plan) : plan;
          explained++;
        } catch (e) {
          notes.push(`${w.c.id}: EXPLAIN failed on the ${i === 0 ? 'before' : 'after'} side: ${(e as Error).message}`);
        }
      }
      if (timing === 'server') {
        if (explained === 2) {
          w.prefix = serverPrefix;
          w.c.timing = 'server';
          // the rows the client would see (returned, or affected by a write): counted by the warm-up,
          // or by one untimed pair here when there was none (a plan's top node says 0 for a write)
          if (w.c.rows[0] === null) {
            const res = await pair(w, aux() < 0.5, 'row count', true);
            if (res) w.c.rows = [res[2], res[3]];
          }
        } else {
          w.c.timing = 'client';
          notes.push(`${w.c.id}: timed by the client's clock (round trips included): EXPLAIN (ANALYZE) failed on a side`);
        }
      }
      progress({ phase: 'explain', done: ++exDone, total: live().length, query: w.c.id });
    }

    // timed pairs, round-robin over the cases; A B or B A at random for every pair; a fresh pair of
    // sessions for every round, its caches (catalog, plan, relation) warmed by one untimed pair per case
    const maxRuns = Math.max(0, ...live().map((w) => w.runs));
    const total = live().reduce((s, w) => s + w.runs, 0);
    let done = 0;
    for (let r = 0; r < maxRuns; r++) {
      if (r > 0) {
        checkAbort();
        await rotate();
        for (const w of live()) if (r < w.runs) await pair(w, rng() < 0.5, `session warm-up of round ${r + 1}`);
      }
      for (const w of live()) {
        if (r >= w.runs) continue;
        checkAbort();
        const aFirst = rng() < 0.5;
        const res = await pair(w, aFirst, `timed pair ${r + 1}`);
        if (res) {
          w.c.pairs.push({ a: round(res[0]), b: round(res[1]), order: aFirst ? 'AB' : 'BA' });
          // server timing: the client's counts taken before the timed pairs stand (a plan's top node
          // says 0 for a write without RETURNING)
          if (!w.prefix) w.c.rows = [res[2], res[3]];
        }
        progress({ phase: 'timed', done: ++done, total, query: w.c.id });
      }
    }
    progress({ phase: 'done', done: 1, total: 1 });
    return {
      format: 'confiture-perf-ab',
      version: 1,
      createdAt: new Date().toISOString(),
      before: { label: opts.labels.before, database: ia.db },
      after: { label: opts.labels.after, database: ib.db },
      server: { version: ia.version, versionNum: ia.num },
      runs,
      warmup,
      orderSeed,
      sessions,
      timing,
      ...(timing === 'server' ? { serialize } : {}),
      rehearsal: opts.rehearsal ?? null,
      cases: cases.map((w) => w.c),
      wallMs: round(performance.now() - wall0),
      notes,
    };
  } finally {
    await Promise.all([endQuietly(A.client), endQuietly(B.client)]);
  }
}

export interface AbCompareOptions {
  alpha: number;
  threshold: number;
}

const pctOf = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %`;

/** Judges an interleaved capture (pure: no database). */
export function compareAB(cap: AbCapture, opts: AbCompareOptions): AbComparison {
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new ConfitureError('invalid_input', 'alpha must be between 0 and 1', { field: 'alpha' });
  const level = 1 - opts.alpha;
  const unmatched: { id: string; reason: string }[] = [];
  const measured: { c: AbCase; logs: number[] }[] = [];
  for (const c of cap.cases) {
    if (c.error) unmatched.push({ id: c.id, reason: c.error });
    else if (c.pairs.length < 5) unmatched.push({ id: c.id, reason: `only ${c.pairs.length} pairs: at least 5 are needed` });
    else measured.push({ c, logs: c.pairs.filter((p) => p.a > 0 && p.b > 0).map((p) => Math.log(p.b / p.a)) });
  }
  const stats = measured.map((m) => ({ ...m, hl: hodgesLehmann(m.logs, level), sr: signedRank(m.logs) }));
  const qs = benjaminiHochberg(stats.map((s) => s.sr.p));
  const summary: Record<Verdict, number> & { certain: number } = { regression: 0, improvement: 0, unchanged: 0, inconclusive: 0, certain: 0 };
  const queries: AbQueryComparison[] = stats.map((s, i) => {
    const ratio = Math.exp(s.hl.estimate);
    const ci: [number, number] = [Math.exp(s.hl.ci[0]), Math.exp(s.hl.ci[1])];
    const v = decideVerdict({ ratio, ci, q: qs[i]!, alpha: opts.alpha, threshold: opts.threshold, runs: s.logs.length });
    const evidence = workEvidence({ explain: s.c.explain[0], rows: s.c.rows[0] }, { explain: s.c.explain[1], rows: s.c.rows[1] });
    summary[v.verdict]++;
    if (evidence.certain) summary.certain++;
    const reason = v.reason.replace('runs per side', 'pairs') + (evidence.certain ? `; certain: ${evidence.summary}` : '');
    const q: AbQueryComparison = {
      id: s.c.id,
      query: s.c.query,
      paramSet: s.c.paramSet,
      pairs: s.logs.length,
      beforeMedianMs: round(median(s.c.pairs.map((p) => p.a))),
      afterMedianMs: round(median(s.c.pairs.map((p) => p.b))),
      ratio: round(ratio, 4),
      ci: [round(ci[0], 4), round(ci[1], 4)],
      ciLevel: level,
      verdict: v.verdict,
      pValue: s.sr.p,
      qValue: qs[i]!,
      runsNeeded: v.runsNeeded,
      timing: s.c.timing ?? 'client',
      evidence,
      reason,
    };
    if (v.verdict === 'regression' || v.verdict === 'improvement' || evidence.certain) {
      const timing = v.verdict === 'regression' || v.verdict === 'improvement' ? `${pctOf(ratio)} (${v.verdict})` : `timings ${v.verdict} (${pctOf(ratio)})`;
      q.message = `query ${q.id}: ${timing}${evidence.certain ? `; ${evidence.summary}` : ''}`;
    }
    return q;
  });
  const fails = summary.regression > 0 || queries.some((q) => q.evidence.certain && q.evidence.direction === 'more');
  return {
    mode: 'interleaved',
    createdAt: cap.createdAt,
    before: cap.before,
    after: cap.after,
    rehearsal: cap.rehearsal,
    method: {
      design: `interleaved pairs: each query × parameter set ran ${cap.runs} times on each side, alternately, A B or B A at random per pair (seed ${cap.orderSeed}), each run in its own rolled-back transaction, after ${cap.warmup} warm-up pair(s); ${cap.sessions} session pair(s), a fresh pair for every round of pairs, warmed by one untimed pair per query; ${
        cap.timing === 'server'
          ? `each run timed by the server: planning + execution time from EXPLAIN (ANALYZE, TIMING OFF${cap.serialize ? ', SERIALIZE TEXT' : ''}), no network round trip (a query EXPLAIN refused: by the client's clock, as its timing says)`
          : "each run timed by the client's clock (its round trip included)"
      }`,
      statistic: 'Hodges–Lehmann estimate of the paired log ratios log(after/before), reported as a ratio',
      interval: `distribution-free signed-rank interval of that estimate, ${(level * 100).toFixed(0)} %`,
      test: 'two-sided Wilcoxon signed-rank on the paired log ratios (normal approximation, tie and continuity corrected); valid without distribution assumptions because the order within each pair was randomised',
      correction: `Benjamini–Hochberg across the ${queries.length} compared queries (false-discovery rate ${opts.alpha})`,
      evidence: 'one EXPLAIN (ANALYZE, BUFFERS) per side after warm-up: plan shape change, shared buffers hit + read moved ≥ 2× (and ≥ 10 blocks) or rows changed = certain change of work',
      alpha: opts.alpha,
      threshold: opts.threshold,
      runs: cap.runs,
      orderSeed: cap.orderSeed,
      sessions: cap.sessions,
      timing: cap.timing ?? 'client',
    },
    queries,
    unmatched,
    summary,
    fails,
    wallMs: cap.wallMs,
    notes: cap.notes,
  };
}

export interface RehearseAbOptions extends Omit<AbCaptureOptions, 'open' | 'labels' | 'rehearsal'> {
  /** opens a client on a database of the same server (the source; the clones; a maintenance database) */
  connect: (database: string) => Promise<pg.Client>;
  /** the database to clone (both sides are copies of it) */
  source: string;
  /** a maintenance database to run CREATE/DROP DATABASE from (default `postgres`) */
  maintenance?: string;
  /** SQL applied to the after clone, in order: e.g. the migrations to judge */
  apply: { name: string; sql: string }[];
  label: string;
  /** keep both clones (default: dropped) */
  keepClone?: boolean;
}

/** PostgreSQL's identifier limit is 63 bytes (NAMEDATALEN − 1), not characters: it truncates longer names itself */
const NAME_BYTES = 63;

/** `source` cut to fit `suffix` in 63 bytes, on a character boundary (a multi-byte name is not split) */
export function cloneName(source: string, suffix: string): string {
  const room = NAME_BYTES - Buffer.byteLength(suffix);
  let head = '';
  for (const ch of source) {
    if (Buffer.byteLength(head + ch) > room) break;
    head += ch;
  }
  return head + suffix;
}

/**
 * Clones `source` twice (CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY: file-level copies, same
 * pages, same statistics, neither left in shared buffers), the after clone from a staging copy the
 * SQL was applied to, and runs the workload interleaved on the two clones. Both sides are clones,
 * not the source against one clone: a clone read in by the warm-up scans ~7–10 % faster than a
 * long-lived database whose pages arrived over time (bench/perf/README.md), a bias toward
 * "improvement" that hid regressions; and the workload never runs on the source. The clones are
 * dropped at the end unless kept, the staging copy always. PostgreSQL refuses to clone a database
 * other sessions are connected to: that error is reported with what to do.
 */
export async function rehearseAB(opts: RehearseAbOptions): Promise<{ capture: AbCapture; clones: { before: string; after: string }; kept: boolean }> {
  const { connect, source } = opts;
  const tag = crypto.randomBytes(4).toString('hex');
  const clones = { before: cloneName(source, `_cfab_${tag}_a`), after: cloneName(source, `_cfab_${tag}_b`) };
  const staging = cloneName(source, `_cfab_${tag}_s`);
  const admin = await connect(opts.maintenance ?? 'postgres');
  const created: string[] = [];
  try {
    // FILE_COPY (PostgreSQL 15+; the only strategy before 15): the default WAL_LOG copies every page
    // through shared buffers and leaves the clones there, the first partly evicted by the second when
    // they do not both fit, so the two sides began with different caches (an A/A query ×0.87, the
    // same one at the same step of every run: bench/perf/README.md). FILE_COPY leaves both cold, to
    // be read in alike by the interleaved warm-up; it also writes no WAL for the copy (WAL_LOG
    // writes the whole database to WAL and to every replica) and pushes nobody's pages out of
    // shared buffers. Its price is a checkpoint before and after each copy.
    const num = Number((await admin.query<{ n: string }>("SELECT current_setting('server_version_num') AS n")).rows[0]!.n);
    const strategy = num >= 150000 ? ' STRATEGY FILE_COPY' : '';
    const copy = async (clone: string, template: string) => {
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(clone)} TEMPLATE ${admin.escapeIdentifier(template)}${strategy}`);
        created.push(clone);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '55006' && template === source) {
          throw new ConfitureError(
            'database_error',
            `Cannot clone "${source}": other sessions are connected to it (PostgreSQL copies a database only while nobody uses it). ` +
              'Close them, clone it yourself and pass the clone as the after database, or rehearse on a staging copy.',
            { field: 'db' },
          );
        }
        throw e;
      }
    };
    // the SQL runs on a staging copy, and the after clone is copied from it: applied in place, a
    // migration (CREATE INDEX, a rewrite, an UPDATE) would leave the after side's pages in shared
    // buffers, in long runs and dirty, and the two sides would start with different caches again
    let afterTemplate = source;
    if (opts.apply.length) {
      await copy(staging, source);
      const applier = await connect(staging);
      try {
        for (const step of opts.apply) {
          try {
            await applier.query(step.sql);
          } catch (e) {
            throw new ConfitureError('migration_failed', `Applying ${step.name} to the clone failed: ${(e as Error).message}`, { file: step.name });
          }
        }
      } finally {
        await endQuietly(applier);
      }
      afterTemplate = staging;
    }
    // in random order: the copy made last is the one whose files the OS page cache still holds
    const order = crypto.randomInt(2) === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const side of order) await copy(clones[side], side === 'before' ? source : afterTemplate);
    if (opts.apply.length) {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(staging)} WITH (FORCE)`);
      created.splice(created.indexOf(staging), 1);
    }
    // no ANALYZE here: a fresh random sample could flip a borderline plan on its own; the clone
    // keeps the source's statistics plus whatever the applied SQL did
    const capture = await captureAB({
      ...opts,
      open: { before: () => connect(clones.before), after: () => connect(clones.after) },
      labels: {
        before: `${opts.label} (clone ${clones.before} of ${source})`,
        after: `clone ${clones.after}${opts.apply.length ? ` + ${opts.apply.map((a) => a.name).join(', ')}` : ' (nothing applied: an A/A check)'}`,
      },
      rehearsal: { source, beforeClone: clones.before, clone: clones.after, applied: opts.apply.map((a) => a.name) },
    });
    return { capture, clones, kept: !!opts.keepClone };
  } finally {
    // the staging copy never outlives the call; the clones only when kept
    for (const clone of created) {
      if (opts.keepClone && clone !== staging) continue;
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(clone)} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end().catch(() => undefined);
  }
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
