/**
 * The profiler: for each query × parameter set, warm-up runs, one EXPLAIN (ANALYZE, BUFFERS,
 * SETTINGS, FORMAT JSON), then N timed runs, interleaved round-robin across queries so slow drift
 * of the machine (cache, CPU frequency, autovacuum) spreads over all queries instead of biasing
 * one. pg_stat_statements is snapshotted around the timed runs when it is available.
 *
 * Every run is wrapped in its own transaction that is rolled back: `BEGIN READ ONLY` for reads
 * (the server itself refuses a write hidden in a function), `BEGIN` for writes, which run only
 * when the workload marks them `safeToRun: true`.
 *
 * Timing: client wall clock (performance.now) around one extended-protocol round trip
 * (parse, bind, execute, fetch all rows) — what an application sees, planning included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Baseline, BaselineQuery, CaptureOverhead, StatementsDelta, Workload } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';
import { childLogger } from '../logging';
import type { PerfConfig } from './config';
import { queryCaseId } from './workload';

const log = () => childLogger({ service: 'perf' });

/** Settings that change plans or timings; recorded in every baseline and compared. */
export const SETTINGS_THAT_MATTER = [
  'server_version',
  'shared_buffers',
  'work_mem',
  'effective_cache_size',
  'random_page_cost',
  'seq_page_cost',
  'cpu_tuple_cost',
  'effective_io_concurrency',
  'default_statistics_target',
  'max_parallel_workers_per_gather',
  'jit',
  'track_io_timing',
  'enable_seqscan',
  'enable_indexscan',
  'enable_bitmapscan',
  'enable_hashjoin',
  'enable_mergejoin',
  'enable_nestloop',
  'plan_cache_mode',
  'huge_pages',
];

export interface CaptureProgress {
  phase: 'prepare' | 'warmup' | 'explain' | 'timed' | 'done';
  done: number;
  total: number;
  query?: string;
}

export interface CaptureOptions {
  /** a dedicated connection; the caller opens and ends it */
  client: pg.Client;
  workload: Workload;
  name: string;
  config: PerfConfig;
  /** shown in the baseline (already redacted: no password) */
  connectionLabel: string;
  confitureVersion: string;
  runs?: number;
  warmup?: number;
  /** environment name; defaults to `config.environment` */
  environment?: string;
  /** project folder (for the git commit) */
  projectDir?: string;
  /** only these query names */
  only?: string[];
  run?: Baseline['run'];
  signal?: AbortSignal;
  onProgress?: (p: CaptureProgress) => void;
}

interface Case {
  id: string;
  query: string;
  paramSet: string;
  sql: string;
  values: unknown[];
  readOnly: boolean;
  runs: number;
  warmup: number;
  out: BaselineQuery;
  queryId: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the commit of the project's git checkout from `.git` (no git process). */
export function gitInfo(dir: string | undefined): { commit: string; branch: string | null } | null {
  if (!dir) return null;
  try {
    let cur = path.resolve(dir);
    for (let i = 0; i < 30; i++) {
      const dotgit = path.join(cur, '.git');
      if (fs.existsSync(dotgit)) {
        let gitDir = dotgit;
        if (fs.statSync(dotgit).isFile()) {
          const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotgit, 'utf8'));
          if (!m) return null;
          gitDir = path.resolve(cur, m[1]!.trim());
        }
        const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
        if (!head.startsWith('ref:')) return /^[0-9a-f]{40}$/.test(head) ? { commit: head, branch: null } : null;
        const ref = head.slice(4).trim();
        const branch = ref.replace(/^refs\/heads\//, '');
        // worktrees keep refs in the common dir
        const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
        for (const base of [gitDir, common]) {
          const f = path.join(base, ref);
          if (fs.existsSync(f)) return { commit: fs.readFileSync(f, 'utf8').trim(), branch };
        }
        const packed = path.join(common, 'packed-refs');
        if (fs.existsSync(packed)) {
          for (const line of fs.readFileSync(packed, 'utf8').split('\n')) {
            const [sha, name] = line.split(' ');
            if (name === ref && sha && /^[0-9a-f]{40}$/.test(sha)) return { commit: sha, branch };
          }
        }
        return null;
      }
      const parent = path.dirname(cur);
      if (parent === cur) return null;
      cur = parent;
    }
  } catch {
    return null;
  }
  return null;
}

interface StatementsAccess {
  available: boolean;
  reason: string | null;
  schema: string | null;
}

async function probeStatements(client: pg.Client, config: PerfConfig, production: boolean, notes: string[]): Promise<StatementsAccess> {
  const ext = await client.query<{ nspname: string }>(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
  );
  const preload = await client.query<{ v: string }>("SELECT current_setting('shared_preload_libraries') AS v");
  const preloaded = preload.rows[0]!.v.split(',').map((s) => s.trim().replace(/^"|"$/g, '')).includes('pg_stat_statements');
  if (!preloaded) {
    return {
      available: false,
      schema: null,
      reason:
        'pg_stat_statements is not in shared_preload_libraries on this server: no statement deltas were recorded (timings and plans are unaffected). ' +
        "Add it to shared_preload_libraries and restart to get them.",
    };
  }
  let schema = ext.rows[0]?.nspname ?? null;
  if (!schema) {
    if (!config.installPgStatStatements || production) {
      return {
        available: false,
        schema: null,
        reason: 'pg_stat_statements is preloaded but the extension is not created in this database: run CREATE EXTENSION pg_stat_statements to record statement deltas',
      };
    }
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      notes.push('created the pg_stat_statements extension in this database (perf.installPgStatStatements)');
      const again = await client.query<{ nspname: string }>(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
      );
      schema = again.rows[0]?.nspname ?? null;
    } catch (e) {
      return { available: false, schema: null, reason: `pg_stat_statements could not be created: ${(e as Error).message}` };
    }
  }
  if (!schema) return { available: false, schema: null, reason: 'pg_stat_statements is not available' };
  try {
    await client.query(`SELECT 1 FROM ${client.escapeIdentifier(schema)}.pg_stat_statements LIMIT 1`);
  } catch (e) {
    return { available: false, schema: null, reason: `pg_stat_statements cannot be read: ${(e as Error).message}` };
  }
  return { available: true, schema, reason: null };
}

interface StatRow {
  queryid: string;
  calls: string;
  total_exec_time: number;
  rows: string;
  shared_blks_hit: string;
  shared_blks_read: string;
  temp_blks_written: string;
}

async function snapshotStatements(client: pg.Client, schema: string, ids: string[]): Promise<Map<string, StatRow>> {
  const r = await client.query<StatRow>(
    `SELECT queryid::text AS queryid, sum(calls)::text AS calls, sum(total_exec_time)::float8 AS total_exec_time, sum(rows)::text AS rows,
            sum(shared_blks_hit)::text AS shared_blks_hit, sum(shared_blks_read)::text AS shared_blks_read, sum(temp_blks_written)::text AS temp_blks_written
       FROM ${client.escapeIdentifier(schema)}.pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid::text = ANY($1::text[])
      GROUP BY queryid`,
    [ids],
  );
  return new Map(r.rows.map((x) => [x.queryid, x]));
}

function delta(before: StatRow | undefined, after: StatRow | undefined, queryId: string): StatementsDelta | null {
  if (!after) return null;
  const n = (s: string | undefined) => Number(s ?? 0);
  const calls = n(after.calls) - n(before?.calls);
  const total = after.total_exec_time - (before?.total_exec_time ?? 0);
  return {
    queryId,
    calls,
    totalExecMs: total,
    meanExecMs: calls > 0 ? total / calls : null,
    rows: n(after.rows) - n(before?.rows),
    sharedHit: n(after.shared_blks_hit) - n(before?.shared_blks_hit),
    sharedRead: n(after.shared_blks_read) - n(before?.shared_blks_read),
    tempWritten: n(after.temp_blks_written) - n(before?.temp_blks_written),
  };
}

export function isProductionEnvironment(name: string, config: PerfConfig): boolean {
  return config.productionEnvironments.some((p) => p.toLowerCase() === name.toLowerCase());
}

/** Captures a baseline (does not save it: see saveBaseline). */
export async function capture(opts: CaptureOptions): Promise<Baseline> {
  const { client, config, workload } = opts;
  const environment = opts.environment ?? config.environment;
  const production = isProductionEnvironment(environment, config);
  if (production && !config.allowProduction) {
    throw new ConfitureError(
      'policy_failure',
      `Profiling the "${environment}" environment is opt-in: set perf.allowProduction: true in confiture.yaml. ` +
        `It then runs throttled to ${(config.productionDutyCycle * 100).toFixed(0)} % of wall time and reports its overhead.`,
      { field: 'perf.allowProduction' },
    );
  }
  const notes: string[] = [];
  const wall0 = performance.now();
  let bookkeeping = 0;
  let warmupMs = 0;
  let explainMs = 0;
  let timedMs = 0;
  let throttleMs = 0;
  const book = async <T>(f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      bookkeeping += performance.now() - t;
    }
  };
  const progress = (p: CaptureProgress) => opts.onProgress?.(p);
  progress({ phase: 'prepare', done: 0, total: 1 });

  const info = await book(() =>
    client.query<{ version: string; num: string; db: string; su: boolean }>(
      "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num, current_database() AS db, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su",
    ),
  );
  const server = info.rows[0]!;
  await book(() => client.query(`SET application_name = 'confiture-perf'`));
  await book(() => client.query(`SET statement_timeout = ${Number(config.statementTimeout) | 0}`));
  let ioTiming: boolean;
  try {
    await book(() => client.query('SET track_io_timing = on'));
    ioTiming = true;
  } catch {
    const cur = await book(() => client.query<{ v: string }>("SELECT current_setting('track_io_timing') AS v"));
    ioTiming = cur.rows[0]!.v === 'on';
    if (!ioTiming) notes.push('track_io_timing is off and cannot be set by this role: plans carry no I/O timings');
  }
  const settingsRows = await book(() =>
    client.query<{ name: string; setting: string; unit: string | null }>('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name', [
      SETTINGS_THAT_MATTER,
    ]),
  );
  const settings: Record<string, string> = {};
  for (const r of settingsRows.rows) settings[r.name] = r.unit ? `${r.setting} ${r.unit}` : r.setting;

  const stats = await book(() => probeStatements(client, config, production, notes));
  if (!stats.available && stats.reason) notes.push(stats.reason);

  // cases
  const only = opts.only ? new Set(opts.only) : null;
  const cases: Case[] = [];
  for (const q of workload.queries) {
    if (only && !only.has(q.name)) continue;
    for (const ps of q.params) {
      const id = queryCaseId(q, ps.name);
      const out: BaselineQuery = {
        id,
        query: q.name,
        paramSet: ps.name,
        sql: q.sql,
        params: ps.values,
        readOnly: q.readOnly,
        samplesMs: [],
        rows: null,
        explain: null,
        statements: null,
      };
      if (!q.readOnly && !q.safeToRun) {
        out.error = `refused: ${q.name} writes (INSERT/UPDATE/DELETE/MERGE, FOR UPDATE or INTO); mark it safeToRun: true in the workload to profile it inside a transaction that is rolled back`;
        notes.push(`${id} was not run: ${out.error}`);
      }
      cases.push({
        id,
        query: q.name,
        paramSet: ps.name,
        sql: q.sql,
        values: ps.values,
        readOnly: q.readOnly,
        runs: q.runs ?? opts.runs ?? config.runs,
        warmup: q.warmup ?? opts.warmup ?? config.warmup,
        out,
        queryId: null,
      });
    }
  }
  if (only) for (const n of only) if (!workload.queries.some((q) => q.name === n)) throw new ConfitureError('not_found', `No query "${n}" in ${workload.file}`, { field: 'only' });
  const live = () => cases.filter((c) => !c.out.error);

  const throttle = async (busyMs: number) => {
    if (!production) return;
    const pause = busyMs * (1 / config.productionDutyCycle - 1);
    if (pause > 0) {
      throttleMs += pause;
      await sleep(pause);
    }
  };
  const checkAbort = () => {
    if (opts.signal?.aborted) throw new ConfitureError('cancelled', 'Profiling was cancelled');
  };

  /** one run in its own rolled-back transaction; returns the query's wall time */
  const rawText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
  /** `ms`: the query alone; `busy`: with BEGIN and ROLLBACK (what the throttle accounts for) */
  const runOnce = async (c: Case, text: string, raw = false): Promise<{ ms: number; busy: number; result: pg.QueryResult }> => {
    const b0 = performance.now();
    await book(() => client.query(c.readOnly ? 'BEGIN READ ONLY' : 'BEGIN'));
    const t0 = performance.now();
    try {
      const result = await client.query(raw ? { text, values: c.values, types: rawText } : { text, values: c.values });
      const ms = performance.now() - t0;
      await book(() => client.query('ROLLBACK'));
      return { ms, busy: performance.now() - b0, result };
    } catch (e) {
      await book(() => client.query('ROLLBACK'));
      throw e;
    }
  };
  const fail = (c: Case, e: unknown, during: string) => {
    c.out.error = `failed during ${during}: ${(e as Error).message}`;
    notes.push(`${c.id}: ${c.out.error}`);
    log().warn({ id: c.id, err: (e as Error).message }, 'query failed while profiling');
  };

  // warm-up, round-robin
  const maxWarm = Math.max(0, ...live().map((c) => c.warmup));
  const warmTotal = live().reduce((s, c) => s + c.warmup, 0);
  let warmDone = 0;
  for (let r = 0; r < maxWarm; r++) {
    for (const c of live()) {
      if (r >= c.warmup) continue;
      checkAbort();
      try {
        const { ms, busy } = await runOnce(c, c.sql);
        warmupMs += ms;
        await throttle(busy);
      } catch (e) {
        fail(c, e, 'warm-up');
      }
      progress({ phase: 'warmup', done: ++warmDone, total: warmTotal, query: c.id });
    }
  }

  // one EXPLAIN ANALYZE per case (and the query identifier for pg_stat_statements)
  let exDone = 0;
  for (const c of live()) {
    checkAbort();
    try {
      const { result, ms, busy } = await runOnce(c, `EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) ${c.sql}`);
      explainMs += ms;
      const plan = (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
      c.out.explain = typeof plan === 'string' ? JSON.parse(plan) : plan;
      await throttle(busy);
      if (stats.available) {
        // the query identifier is a 64-bit integer: read it from the JSON text, not a JS number
        const { result: v, ms: vms } = await runOnce(c, `EXPLAIN (VERBOSE, FORMAT JSON) ${c.sql}`, true);
        explainMs += vms;
        const text = String((v.rows[0] as Record<string, unknown>)['QUERY PLAN']);
        c.queryId = /"Query Identifier":\s*(-?\d+)/.exec(text)?.[1] ?? null;
      }
    } catch (e) {
      c.out.explainError = (e as Error).message;
    }
    progress({ phase: 'explain', done: ++exDone, total: live().length, query: c.id });
  }

  const ids = live()
    .map((c) => c.queryId)
    .filter((x): x is string => !!x);
  const before = stats.available && stats.schema && ids.length ? await book(() => snapshotStatements(client, stats.schema!, ids)) : null;

  // timed runs, round-robin
  const maxRuns = Math.max(0, ...live().map((c) => c.runs));
  const total = live().reduce((s, c) => s + c.runs, 0);
  let done = 0;
  for (let r = 0; r < maxRuns; r++) {
    for (const c of live()) {
      if (r >= c.runs) continue;
      checkAbort();
      try {
        const { ms, busy, result } = await runOnce(c, c.sql);
        c.out.samplesMs.push(Math.round(ms * 1000) / 1000);
        c.out.rows = result.rowCount ?? result.rows.length;
        timedMs += ms;
        await throttle(busy);
      } catch (e) {
        fail(c, e, `timed run ${r + 1}`);
      }
      progress({ phase: 'timed', done: ++done, total, query: c.id });
    }
  }

  if (before && stats.schema) {
    const after = await book(() => snapshotStatements(client, stats.schema!, ids));
    for (const c of cases) if (c.queryId) c.out.statements = delta(before.get(c.queryId), after.get(c.queryId), c.queryId);
  }

  const wallMs = performance.now() - wall0;
  const serverMs = timedMs + warmupMs + explainMs + bookkeeping;
  const overhead: CaptureOverhead = {
    wallMs: round(wallMs),
    timedMs: round(timedMs),
    warmupMs: round(warmupMs),
    explainMs: round(explainMs),
    bookkeepingMs: round(bookkeeping),
    throttleMs: round(throttleMs),
    dutyCycle: wallMs > 0 ? round(serverMs / wallMs, 4) : 0,
    overheadPct: timedMs > 0 ? round(((serverMs - timedMs) / timedMs) * 100, 1) : 0,
  };
  if (production) notes.push(`production capture: throttled to a ${(config.productionDutyCycle * 100).toFixed(0)} % duty cycle (measured ${(overhead.dutyCycle * 100).toFixed(1)} %)`);
  progress({ phase: 'done', done: 1, total: 1 });

  const runsUsed = cases.length ? Math.max(...cases.map((c) => c.runs)) : (opts.runs ?? config.runs);
  return {
    format: 'confiture-perf-baseline',
    version: 1,
    id: '',
    name: opts.name,
    createdAt: new Date().toISOString(),
    environment: {
      name: environment,
      production,
      connection: opts.connectionLabel,
      database: server.db,
      clientHost: os.hostname(),
      platform: `${os.platform()} ${os.release()} ${os.arch()}, ${os.cpus().length} CPU`,
      node: process.version,
      confiture: opts.confitureVersion,
    },
    server: { version: server.version, versionNum: Number(server.num), settings },
    git: gitInfo(opts.projectDir),
    capture: {
      runs: runsUsed,
      warmup: opts.warmup ?? config.warmup,
      interleaved: true,
      timing: 'client wall clock around one extended-protocol round trip (parse, bind, execute, fetch), each run in its own rolled-back transaction',
      pgStatStatements: { available: stats.available, reason: stats.reason },
      ioTiming,
      throttle: production ? { dutyCycle: config.productionDutyCycle } : null,
    },
    workload: { file: workload.file, sha256: workload.sha256 },
    ...(opts.run ? { run: opts.run } : {}),
    queries: cases.map((c) => c.out),
    overhead,
    notes,
  };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
