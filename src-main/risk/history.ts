/**
 * Measurements that keep the model honest, stored in the tracking schema (default `confiture`):
 *  - risk_rehearsals: what each statement took and locked in the engine's dry-run
 *  - risk_throughput: this server's bytes/ms for seq scan, index build and rewrite (calibration)
 *  - risk_predictions: predicted blocking windows vs the actual durations of real applies
 * Tables are created on first use (CREATE TABLE IF NOT EXISTS); src-main/store is left alone.
 */
import type pg from 'pg';
import type { LifecycleListener, RehearsedStatement } from '../../src-shared/domain/lifecycle';
import type { OperationClass } from '../../src-shared/domain/locks';
import type { RiskReport, Throughput } from '../../src-shared/domain/risk';
import { quoteIdent } from '../db';
import { childLogger } from '../logging';
import { DEFAULT_THROUGHPUT, type RiskHistory } from './model';

type Q = Pick<pg.ClientBase, 'query'> | pg.Pool;
const log = childLogger({ service: 'risk' });

export async function ensureRiskTables(db: Q, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${s}.risk_rehearsals (
      id bigserial PRIMARY KEY,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      run_id text,
      version text NOT NULL,
      checksum text,
      statement_index int NOT NULL,
      kind text NOT NULL,
      line int,
      duration_ms double precision,
      rows bigint,
      locks jsonb NOT NULL DEFAULT '[]',
      rewritten jsonb NOT NULL DEFAULT '[]',
      rehearsed boolean NOT NULL,
      error text,
      note text,
      server_version int
    );
    CREATE INDEX IF NOT EXISTS risk_rehearsals_version_idx ON ${s}.risk_rehearsals (version, recorded_at DESC);
    CREATE TABLE IF NOT EXISTS ${s}.risk_throughput (
      id bigserial PRIMARY KEY,
      measured_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      operation text NOT NULL CHECK (operation IN ('seq_scan', 'index_build', 'rewrite')),
      bytes double precision NOT NULL,
      duration_ms double precision NOT NULL,
      server_version int
    );
    CREATE TABLE IF NOT EXISTS ${s}.risk_predictions (
      id bigserial PRIMARY KEY,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      run_id text,
      version text NOT NULL,
      checksum text NOT NULL,
      statement_index int NOT NULL,
      operation text NOT NULL,
      predicted_ms double precision NOT NULL,
      low_ms double precision NOT NULL,
      high_ms double precision NOT NULL,
      basis text NOT NULL,
      actual_ms double precision,
      actual_at timestamptz,
      inside boolean
    );
    CREATE INDEX IF NOT EXISTS risk_predictions_open_idx ON ${s}.risk_predictions (version, statement_index) WHERE actual_ms IS NULL;`);
}

/** Stores a dry-run's measurements (one row per statement). */
export async function recordRehearsal(
  db: Q,
  schema: string,
  rehearsal: RehearsedStatement[],
  meta: { runId?: string | null; checksums?: Record<string, string>; serverVersionNum?: number } = {},
): Promise<number> {
  if (rehearsal.length === 0) return 0;
  await ensureRiskTables(db, schema);
  const s = quoteIdent(schema);
  await db.query(
    `INSERT INTO ${s}.risk_rehearsals (run_id, version, checksum, statement_index, kind, line, duration_ms, rows, locks, rewritten, rehearsed, error, note, server_version)
     SELECT $1, r.version, ($2::jsonb ->> r.version), r.idx, r.kind, r.line, r.duration_ms, r.rows, r.locks, r.rewritten, r.rehearsed, r.error, r.note, $4
     FROM jsonb_to_recordset($3::jsonb) AS r(version text, idx int, kind text, line int, duration_ms float8, rows bigint, locks jsonb, rewritten jsonb, rehearsed boolean, error text, note text)`,
    [
      meta.runId ?? null,
      JSON.stringify(meta.checksums ?? {}),
      JSON.stringify(
        rehearsal.map((r) => ({ version: r.version, idx: r.index, kind: r.kind, line: r.line, duration_ms: r.durationMs, rows: r.rows, locks: r.locks, rewritten: r.rewritten, rehearsed: r.rehearsed, error: r.error ?? null, note: r.note ?? null })),
      ),
      meta.serverVersionNum ?? null,
    ],
  );
  return rehearsal.length;
}

async function tableExists(db: Q, schema: string, table: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${quoteIdent(schema)}.${table}`]);
  return r.rows[0]?.ok === true;
}

/** The latest rehearsal of each version (optionally only rehearsals of the given checksums). */
export async function loadRehearsals(db: Q, schema: string, checksums?: Record<string, string>): Promise<Record<string, RehearsedStatement[]>> {
  if (!(await tableExists(db, schema, 'risk_rehearsals'))) return {};
  const s = quoteIdent(schema);
  const r = await db.query<{ version: string; checksum: string | null; statement_index: number; kind: string; line: number | null; duration_ms: number | null; rows: string | null; locks: { relation: string; mode: string }[]; rewritten: string[]; rehearsed: boolean; error: string | null; note: string | null }>(
    `SELECT DISTINCT ON (version, statement_index) version, checksum, statement_index, kind, line, duration_ms, rows, locks, rewritten, rehearsed, error, note
     FROM ${s}.risk_rehearsals ORDER BY version, statement_index, recorded_at DESC, id DESC`,
  );
  const out: Record<string, RehearsedStatement[]> = {};
  for (const row of r.rows) {
    if (checksums && row.checksum && checksums[row.version] && checksums[row.version] !== row.checksum) continue;
    (out[row.version] ??= []).push({
      version: row.version,
      index: row.statement_index,
      kind: row.kind,
      line: row.line ?? 0,
      durationMs: row.duration_ms,
      rows: row.rows === null ? null : Number(row.rows),
      locks: row.locks,
      rewritten: row.rewritten,
      rehearsed: row.rehearsed,
      ...(row.error ? { error: row.error } : {}),
      ...(row.note ? { note: row.note } : {}),
    });
  }
  return out;
}

/**
 * Measures this server's throughput on a temp table (a few MB; ~0.5 s): a sequential scan, an
 * index build and a table rewrite. Needs a dedicated connection (temp tables are per session).
 * Temp tables skip WAL, so real tables are slower: the model keeps a ×2 interval around it.
 */
export async function measureThroughput(client: pg.ClientBase, opts: { rows?: number; schema?: string; store?: boolean } = {}): Promise<Throughput> {
  const rows = Math.max(1000, Math.min(opts.rows ?? 200_000, 5_000_000));
  const name = `confiture_calibration_${process.pid}`;
  const t = quoteIdent(name);
  const time = async (sql: string) => {
    const t0 = performance.now();
    await client.query(sql);
    return performance.now() - t0;
  };
  try {
    await client.query(`CREATE TEMP TABLE ${t} AS SELECT g AS id, md5(g::text) AS pad, (g % 1000)::int AS k FROM generate_series(1, ${rows}) g`);
    await client.query(`ANALYZE ${t}`);
    const bytes = Number((await client.query<{ b: string }>(`SELECT pg_table_size($1::regclass) AS b`, [`pg_temp.${name}`])).rows[0]!.b);
    await client.query(`SELECT count(*) FROM ${t}`); // warm the cache like a live table would be
    const scanMs = await time(`SELECT count(*) FROM ${t} WHERE pad LIKE 'zz%'`);
    const indexMs = await time(`CREATE INDEX ON ${t} (pad)`);
    const indexBytes = Number((await client.query<{ b: string }>(`SELECT pg_indexes_size($1::regclass) AS b`, [`pg_temp.${name}`])).rows[0]!.b);
    const rewriteMs = await time(`ALTER TABLE ${t} ALTER COLUMN k TYPE bigint`);
    const result: Throughput = {
      seqScan: bytes / Math.max(scanMs, 0.01),
      indexBuild: bytes / Math.max(indexMs, 0.01),
      rewrite: (bytes + indexBytes) / Math.max(rewriteMs, 0.01),
      source: 'measured',
      measuredAt: new Date().toISOString(),
    };
    if (opts.store !== false && opts.schema) {
      await ensureRiskTables(client, opts.schema);
      const s = quoteIdent(opts.schema);
      const v = Number((await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v);
      await client.query(
        `INSERT INTO ${s}.risk_throughput (operation, bytes, duration_ms, server_version) VALUES ('seq_scan', $1, $2, $5), ('index_build', $1, $3, $5), ('rewrite', $6, $4, $5)`,
        [bytes, scanMs, indexMs, rewriteMs, v, bytes + indexBytes],
      );
    }
    return result;
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
}

/** The median of the last 5 calibrations per operation, or the defaults. */
export async function loadThroughput(db: Q, schema: string): Promise<Throughput> {
  if (!(await tableExists(db, schema, 'risk_throughput'))) return DEFAULT_THROUGHPUT;
  const s = quoteIdent(schema);
  const r = await db.query<{ operation: string; rate: number; at: Date }>(
    `SELECT operation, percentile_cont(0.5) WITHIN GROUP (ORDER BY bytes / greatest(duration_ms, 0.01)) AS rate, max(measured_at) AS at
     FROM (SELECT *, row_number() OVER (PARTITION BY operation ORDER BY measured_at DESC) AS n FROM ${s}.risk_throughput) x
     WHERE n <= 5 GROUP BY operation`,
  );
  if (r.rows.length < 3) return DEFAULT_THROUGHPUT;
  const get = (op: string) => r.rows.find((x) => x.operation === op)!.rate;
  return {
    seqScan: get('seq_scan'),
    indexBuild: get('index_build'),
    rewrite: get('rewrite'),
    source: 'measured',
    measuredAt: r.rows.reduce((a, x) => (x.at > a ? x.at : a), new Date(0)).toISOString(),
  };
}

/** Stores the predicted duration of each statement of each migration of a report. */
export async function recordPredictions(db: Q, schema: string, report: RiskReport, runId?: string | null): Promise<number> {
  const rows = report.migrations.flatMap((m) =>
    m.statements.map((s) => ({ version: m.version, checksum: m.checksum, idx: s.index, op: s.operation, est: s.durationMs.estimate, lo: s.durationMs.low, hi: s.durationMs.high, basis: s.durationMs.basis })),
  );
  if (rows.length === 0) return 0;
  await ensureRiskTables(db, schema);
  const s = quoteIdent(schema);
  await db.query(
    `INSERT INTO ${s}.risk_predictions (run_id, version, checksum, statement_index, operation, predicted_ms, low_ms, high_ms, basis)
     SELECT $1, r.version, r.checksum, r.idx, r.op, r.est, r.lo, r.hi, r.basis
     FROM jsonb_to_recordset($2::jsonb) AS r(version text, checksum text, idx int, op text, est float8, lo float8, hi float8, basis text)`,
    [runId ?? null, JSON.stringify(rows)],
  );
  return rows.length;
}

/** Records the actual duration of a real apply against the latest open prediction. */
export async function recordActual(db: Q, schema: string, a: { version: string; statementIndex: number; actualMs: number }): Promise<boolean> {
  if (!(await tableExists(db, schema, 'risk_predictions'))) return false;
  const s = quoteIdent(schema);
  const r = await db.query(
    `UPDATE ${s}.risk_predictions SET actual_ms = $3, actual_at = clock_timestamp(), inside = ($3 BETWEEN low_ms AND high_ms)
     WHERE id = (SELECT id FROM ${s}.risk_predictions WHERE version = $1 AND statement_index = $2 AND actual_ms IS NULL ORDER BY recorded_at DESC, id DESC LIMIT 1)`,
    [a.version, a.statementIndex, a.actualMs],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Ratios actual/predicted per operation (last 200 each) and calibration of the 90 % interval. */
export async function loadHistory(db: Q, schema: string): Promise<RiskHistory> {
  const empty: RiskHistory = { ratios: {}, calibration: { samples: 0, inside: 0, coverage: null } };
  if (!(await tableExists(db, schema, 'risk_predictions'))) return empty;
  const s = quoteIdent(schema);
  const r = await db.query<{ operation: OperationClass; ratios: number[] }>(
    `SELECT operation, array_agg(actual_ms / greatest(predicted_ms, 0.1) ORDER BY actual_at DESC) AS ratios
     FROM (SELECT *, row_number() OVER (PARTITION BY operation ORDER BY actual_at DESC) n FROM ${s}.risk_predictions
           WHERE actual_ms IS NOT NULL AND operation NOT IN ('none', 'catalog')) x
     WHERE n <= 200 GROUP BY operation`,
  );
  const c = await db.query<{ samples: number; inside: number }>(
    `SELECT count(*)::int AS samples, count(*) FILTER (WHERE inside)::int AS inside FROM ${s}.risk_predictions WHERE actual_ms IS NOT NULL`,
  );
  const samples = c.rows[0]?.samples ?? 0;
  const inside = c.rows[0]?.inside ?? 0;
  return {
    ratios: Object.fromEntries(r.rows.map((x) => [x.operation, x.ratios.map(Number)])),
    calibration: { samples, inside, coverage: samples ? inside / samples : null },
  };
}

/**
 * A LifecycleListener that keeps the history: `after_dry_run` stores the rehearsal,
 * `after_risk` stores the predictions of the report in `ctx.risk`, `after_statement` of a real
 * apply stores the actual duration. Failures are logged, never thrown (it must not stop a run).
 */
export function riskHistoryListener(opts: { db: Q; schema?: string }): LifecycleListener {
  const schema = opts.schema ?? 'confiture';
  return async (ctx) => {
    try {
      if (ctx.event === 'after_dry_run' && ctx.rehearsal?.length) {
        const checksums: Record<string, string> = {};
        for (const m of ctx.plan ?? []) checksums[m.version] = m.checksum;
        if (ctx.migration) checksums[ctx.migration.version] = ctx.migration.checksum;
        await recordRehearsal(opts.db, schema, ctx.rehearsal, { runId: ctx.runId, checksums, serverVersionNum: ctx.database.serverVersionNum });
      } else if (ctx.event === 'after_risk' && isRiskReport(ctx.risk)) {
        await recordPredictions(opts.db, schema, ctx.risk, ctx.runId);
      } else if (ctx.event === 'after_statement' && (ctx.runKind === 'up' || ctx.runKind === 'step') && ctx.migration && ctx.statement && typeof ctx.durationMs === 'number' && ctx.outcome !== 'failure') {
        await recordActual(opts.db, schema, { version: ctx.migration.version, statementIndex: ctx.statement.index, actualMs: ctx.durationMs });
      }
    } catch (e) {
      log.warn({ err: (e as Error).message, event: ctx.event }, 'could not record risk history');
    }
  };
}

export function isRiskReport(x: unknown): x is RiskReport {
  return typeof x === 'object' && x !== null && Array.isArray((x as RiskReport).migrations) && typeof (x as RiskReport).cutPoints === 'object';
}
