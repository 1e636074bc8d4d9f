/**
 * Measurements that keep the model honest, stored in the tracking schema (default `confiture`):
 *  - risk_rehearsals: what each statement took and locked in the engine's dry-run
 *  - risk_throughput: this server's bytes/ms for seq scan, index build and rewrite (calibration)
 *  - risk_predictions: predicted blocking windows vs the actual durations of real applies
 * Tables are created on first use (CREATE TABLE IF NOT EXISTS); src-main/store is left alone.
 */
import type pg from 'pg';
import type { HeldLock, LifecycleListener, LockTaken, RehearsedStatement } from '../../src-shared/domain/lifecycle';
import type { OperationClass } from '../../src-shared/domain/locks';
import type { CalibrationHistory, RiskReport, Throughput, ThroughputRate } from '../../src-shared/domain/risk';
import { quoteIdent } from '../db';
import { childLogger } from '../logging';
import { median } from '../perf/stats';
import { DEFAULT_THROUGHPUT, PER_ROW_FUNCTIONS, type RiskHistory } from './model';

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
    ALTER TABLE ${s}.risk_rehearsals ADD COLUMN IF NOT EXISTS locks_held jsonb, ADD COLUMN IF NOT EXISTS own_locks jsonb, ADD COLUMN IF NOT EXISTS own_locks_from text;
    CREATE INDEX IF NOT EXISTS risk_rehearsals_version_idx ON ${s}.risk_rehearsals (version, recorded_at DESC);
    CREATE TABLE IF NOT EXISTS ${s}.risk_throughput (
      id bigserial PRIMARY KEY,
      measured_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      operation text NOT NULL,
      bytes double precision NOT NULL,
      duration_ms double precision NOT NULL,
      server_version int
    );
    ALTER TABLE ${s}.risk_throughput DROP CONSTRAINT IF EXISTS risk_throughput_operation_check;
    ALTER TABLE ${s}.risk_throughput ADD COLUMN IF NOT EXISTS spread double precision;
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
    `INSERT INTO ${s}.risk_rehearsals (run_id, version, checksum, statement_index, kind, line, duration_ms, rows, locks, rewritten, rehearsed, error, note, server_version, locks_held, own_locks, own_locks_from)
     SELECT $1, r.version, ($2::jsonb ->> r.version), r.idx, r.kind, r.line, r.duration_ms, r.rows, r.locks, r.rewritten, r.rehearsed, r.error, r.note, $4, r.locks_held, r.own_locks, r.own_locks_from
     FROM jsonb_to_recordset($3::jsonb) AS r(version text, idx int, kind text, line int, duration_ms float8, rows bigint, locks jsonb, rewritten jsonb, rehearsed boolean, error text, note text, locks_held jsonb, own_locks jsonb, own_locks_from text)`,
    [
      meta.runId ?? null,
      JSON.stringify(meta.checksums ?? {}),
      JSON.stringify(
        rehearsal.map((r) => ({ version: r.version, idx: r.index, kind: r.kind, line: r.line, duration_ms: r.durationMs, rows: r.rows, locks: r.locks, rewritten: r.rewritten, rehearsed: r.rehearsed, error: r.error ?? null, note: r.note ?? null, locks_held: r.locksHeld ?? null, own_locks: r.ownLocks ?? null, own_locks_from: r.ownLocksFrom ?? null })),
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
  const r = await db.query<{ version: string; checksum: string | null; statement_index: number; kind: string; line: number | null; duration_ms: number | null; rows: string | null; locks: { relation: string; mode: string }[]; rewritten: string[]; rehearsed: boolean; error: string | null; note: string | null; locks_held: HeldLock[] | null; own_locks: LockTaken[] | null; own_locks_from: RehearsedStatement['ownLocksFrom'] | null }>(
    `SELECT DISTINCT ON (version, statement_index) version, checksum, statement_index, kind, line, duration_ms, rows, locks, rewritten, rehearsed, error, note, locks_held, own_locks, own_locks_from
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
      ...(row.locks_held ? { locksHeld: row.locks_held } : {}),
      ...(row.own_locks ? { ownLocks: row.own_locks } : {}),
      ...(row.own_locks_from ? { ownLocksFrom: row.own_locks_from } : {}),
    });
  }
  return out;
}

/**
 * Measures this server's throughput (~3–6 s): on a temp table, a sequential scan, a table rewrite
 * and a catalog-only ALTER TABLE; on a logged copy of it, index builds (WAL included, as a
 * migration's CREATE INDEX pays it): integer/text keys, and distinct random integers for plain
 * keys; on a real (logged) table in the tracking schema with two indexes, an UPDATE of every row —
 * index maintenance, WAL and TOAST included, as a backfill pays them; and the cost per call of
 * the built-in functions a rewrite may evaluate per row. Each measurement is taken `rounds` times (default 3), interleaved,
 * and the median kept: on a shared server one measurement caught in a burst of load was off ×3–5
 * (bench/risk-calibration). Needs a dedicated connection (temp tables are per session).
 */
export async function measureThroughput(client: pg.ClientBase, opts: { rows?: number; schema?: string; store?: boolean; rounds?: number } = {}): Promise<Throughput> {
  const rows = Math.max(1000, Math.min(opts.rows ?? 200_000, 5_000_000));
  const rounds = Math.max(1, Math.min(Math.round(opts.rounds ?? 3), 9));
  const name = `confiture_calibration_${process.pid}`;
  const t = quoteIdent(name);
  const dmlSchema = opts.schema ?? 'public';
  const dmlName = `confiture_calibration_dml_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const d = `${quoteIdent(dmlSchema)}.${quoteIdent(dmlName)}`;
  const xs = quoteIdent(dmlSchema);
  const xName = `confiture_calibration_idx_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const x = `${xs}.${quoteIdent(xName)}`;
  const ix = (key: string) => quoteIdent(`${xName}_${key}`);
  const time = async (sql: string) => {
    const t0 = performance.now();
    await client.query(sql);
    return performance.now() - t0;
  };
  const size = async (fn: string, rel: string) => Number((await client.query<{ b: string }>(`SELECT ${fn}($1::regclass) AS b`, [rel])).rows[0]!.b);
  try {
    await client.query(`CREATE TEMP TABLE ${t} AS SELECT g AS id, md5(g::text) AS pad, (g % 1000)::int AS k, hashint4(g) AS r FROM generate_series(1, ${rows}) g`);
    await client.query(`ANALYZE ${t}`);
    const bytes = await size('pg_table_size', `pg_temp.${name}`);
    await client.query(`SELECT count(*) FROM ${t}`); // warm the cache like a live table would be
    // DML: a logged table (WAL), a primary key and a secondary index, full pages (no HOT room)
    if (opts.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    const dmlRows = Math.max(1000, Math.round(rows / 4));
    await client.query(`CREATE TABLE ${d} (id bigint PRIMARY KEY, k int NOT NULL, v int, pad text)`);
    await client.query(`CREATE INDEX ON ${d} (k)`);
    // index builds on a logged copy of the temp table: a migration's CREATE INDEX writes WAL for
    // every index page, a temp table's does not (PostgreSQL 15, 100,000 rows: a logged build took
    // 1.15–1.35× the temp one, and bench/risk-calibration's index builds ran 1.2–1.3× the old
    // temp-table prediction)
    await client.query(`CREATE TABLE ${x} AS SELECT id, pad, k, r FROM ${t}`);
    await client.query(`VACUUM (ANALYZE) ${x}`);
    const indexHeapBytes = await size('pg_table_size', x);
    const ms = { scan: [] as number[], index: [] as number[], indexInt: [] as number[], rewrite: [] as number[], catalog: [] as number[], dml: [] as number[], del: [] as number[] };
    // the built-in functions a rewrite may evaluate per row (a volatile DEFAULT, an identity or
    // serial column's nextval) that exist on this server, each timed over `fnRows` calls against
    // the same loop without it; side-effect free (a temp sequence stands in for nextval)
    const fnRows = Math.max(1000, Math.min(20_000, Math.round(rows / 10)));
    const fns = (await client.query<{ f: string }>(`SELECT f FROM unnest($1::text[]) f WHERE f = 'nextval' OR to_regprocedure('pg_catalog.' || f || '()') IS NOT NULL`, [PER_ROW_FUNCTIONS])).rows.map((r) => r.f);
    const seq = quoteIdent(`${name}_seq`);
    if (fns.includes('nextval')) await client.query(`CREATE TEMP SEQUENCE ${seq}`);
    const perRow: Record<string, number[]> = Object.fromEntries(fns.map((f) => [f, []]));
    let indexBytes = 0;
    let dmlBytes = 0;
    let heapBytes = 0;
    for (let r = 0; r < rounds; r++) {
      ms.scan.push(await time(`SELECT count(*) FROM ${t} WHERE pad LIKE 'zz%'`));
      // index builds on the logged copy: an index on an integer and one on random text (collation
      // compares): their geometric mean; and keys without a collation as real ones are (ids,
      // timestamps): distinct, in random order (the low-cardinality k sorts and deduplicates faster
      // than any real key). Each index is dropped at once: every build reads the same heap.
      const intIndexMs = await time(`CREATE INDEX ${ix('k')} ON ${x} (k)`);
      const textIndexMs = await time(`CREATE INDEX ${ix('pad')} ON ${x} (pad)`);
      ms.index.push(Math.sqrt(intIndexMs * textIndexMs));
      ms.indexInt.push(await time(`CREATE INDEX ${ix('r')} ON ${x} (r)`));
      await client.query(`DROP INDEX ${xs}.${ix('k')}, ${xs}.${ix('pad')}, ${xs}.${ix('r')}`);
      // the rewrite below rebuilds the temp table's two indexes
      await client.query(`CREATE INDEX confiture_calibration_k ON ${t} (k)`);
      await client.query(`CREATE INDEX confiture_calibration_pad ON ${t} (pad)`);
      indexBytes = await size('pg_indexes_size', `pg_temp.${name}`);
      // int → bigint, then back: each round rewrites the heap and rebuilds both indexes
      ms.rewrite.push(await time(`ALTER TABLE ${t} ALTER COLUMN k TYPE ${r % 2 === 0 ? 'bigint' : 'int'}`));
      await client.query(`DROP INDEX pg_temp.confiture_calibration_k, pg_temp.confiture_calibration_pad`);
      const probes = [await time(`ALTER TABLE ${t} ADD COLUMN confiture_probe int`), await time(`ALTER TABLE ${t} RENAME COLUMN confiture_probe TO confiture_probe2`), await time(`ALTER TABLE ${t} DROP COLUMN confiture_probe2`)];
      ms.catalog.push(median(probes));
      await client.query(`TRUNCATE ${d}`);
      await client.query(`INSERT INTO ${d} SELECT g, g % 1000, 0, md5(g::text) FROM generate_series(1, ${dmlRows}) g`);
      await client.query(`ANALYZE ${d}`);
      dmlBytes = await size('pg_total_relation_size', d);
      ms.dml.push(await time(`UPDATE ${d} SET v = v + 1`));
      heapBytes = await size('pg_table_size', d);
      ms.del.push(await time(`DELETE FROM ${d}`));
      const loop = await time(`SELECT count(1) FROM generate_series(1, ${fnRows})`);
      for (const f of fns) {
        const call = f === 'nextval' ? `nextval('pg_temp.${name}_seq')` : `pg_catalog.${f}()`;
        perRow[f]!.push(Math.max(0.001, (await time(`SELECT count(${call}) FROM generate_series(1, ${fnRows})`)) - loop));
      }
    }
    // slowest round over fastest: how steady this server was while it was measured
    const spread = (xs: number[]) => (xs.length > 1 ? Math.max(...xs) / Math.max(Math.min(...xs), 0.01) : 1);
    const variability: Partial<Record<ThroughputRate, number>> = {
      seqScan: spread(ms.scan),
      indexBuild: spread(ms.index),
      rewrite: spread(ms.rewrite),
      dml: spread(ms.dml),
      dmlDelete: spread(ms.del),
    };
    const scanMs = median(ms.scan);
    const indexMs = median(ms.index);
    const rewriteMs = median(ms.rewrite);
    const catalogMs = median(ms.catalog);
    const dmlMs = median(ms.dml);
    const deleteMs = median(ms.del);
    const indexIntMs = median(ms.indexInt);
    const perRowMs = Object.fromEntries(fns.map((f) => [f, median(perRow[f]!)]));
    const result: Throughput = {
      seqScan: bytes / Math.max(scanMs, 0.01),
      indexBuild: indexHeapBytes / Math.max(indexMs, 0.01),
      indexBuildPlain: indexHeapBytes / Math.max(indexIntMs, 0.01),
      ...(fns.length ? { perRowUs: Object.fromEntries(fns.map((f) => [f, (1000 * perRowMs[f]!) / fnRows])) } : {}),
      rewrite: (bytes + indexBytes) / Math.max(rewriteMs, 0.01),
      dml: dmlBytes / Math.max(dmlMs, 0.01),
      dmlDelete: heapBytes / Math.max(deleteMs, 0.01),
      catalogMs,
      variability,
      source: 'measured',
      measuredAt: new Date().toISOString(),
    };
    if (opts.store !== false && opts.schema) {
      await ensureRiskTables(client, opts.schema);
      const s = quoteIdent(opts.schema);
      const v = Number((await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v);
      await client.query(
        `INSERT INTO ${s}.risk_throughput (operation, bytes, duration_ms, server_version, spread)
         VALUES ('seq_scan', $1, $2, $5, $12), ('index_build', $17, $3, $5, $13), ('rewrite', $6, $4, $5, $14), ('dml', $7, $8, $5, $15), ('catalog', 1, $9, $5, NULL), ('dml_delete', $10, $11, $5, $16)`,
        [bytes, scanMs, indexMs, rewriteMs, v, bytes + indexBytes, dmlBytes, dmlMs, catalogMs, heapBytes, deleteMs, variability.seqScan, variability.indexBuild, variability.rewrite, variability.dml, variability.dmlDelete, indexHeapBytes],
      );
      // the integer-key index build (bytes/ms) and each function's cost (calls, ms), read by loadThroughput
      await client.query(
        `INSERT INTO ${s}.risk_throughput (operation, bytes, duration_ms, server_version, spread)
         SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int[], $5::float8[])`,
        [
          ['index_build_plain', ...fns.map((f) => `per_row:${f}`)],
          [indexHeapBytes, ...fns.map(() => fnRows)],
          [indexIntMs, ...fns.map((f) => perRowMs[f]!)],
          [v, ...fns.map(() => v)],
          [spread(ms.indexInt), ...fns.map(() => null)],
        ],
      );
    }
    return result;
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await client.query(`DROP TABLE IF EXISTS ${d}`).catch(() => undefined);
    await client.query(`DROP TABLE IF EXISTS ${x}`).catch(() => undefined);
    await client.query(`DROP SEQUENCE IF EXISTS pg_temp.${quoteIdent(`${name}_seq`)}`).catch(() => undefined);
  }
}

/** The median of the last 5 calibrations per operation, or the defaults. */
export async function loadThroughput(db: Q, schema: string): Promise<Throughput> {
  if (!(await tableExists(db, schema, 'risk_throughput'))) return DEFAULT_THROUGHPUT;
  const s = quoteIdent(schema);
  const r = await db.query<{ operation: string; rate: number; ms: number; at: Date; across: number | null; within: number | null }>(
    `SELECT operation, percentile_cont(0.5) WITHIN GROUP (ORDER BY bytes / greatest(duration_ms, 0.01)) AS rate,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS ms, max(measured_at) AS at,
            max(bytes / greatest(duration_ms, 0.01)) / nullif(min(bytes / greatest(duration_ms, 0.01)), 0) AS across,
            max((to_jsonb(x) ->> 'spread')::float8) AS within -- read-only: a table made before the column has none
     FROM (SELECT *, row_number() OVER (PARTITION BY operation ORDER BY measured_at DESC) AS n FROM ${s}.risk_throughput) x
     WHERE n <= 5 GROUP BY operation`,
  );
  const get = (op: string) => r.rows.find((x) => x.operation === op);
  if (!get('seq_scan') || !get('index_build') || !get('rewrite')) return DEFAULT_THROUGHPUT;
  const dml = get('dml');
  const cat = get('catalog');
  const del = get('dml_delete');
  const variability: Partial<Record<ThroughputRate, number>> = {};
  for (const [op, key] of [['seq_scan', 'seqScan'], ['index_build', 'indexBuild'], ['rewrite', 'rewrite'], ['dml', 'dml'], ['dml_delete', 'dmlDelete']] as const) {
    const row = get(op);
    if (row) variability[key] = Math.max(1, Number(row.across ?? 1), Number(row.within ?? 1));
  }
  const plain = get('index_build_plain');
  if (plain) variability.indexBuildPlain = Math.max(1, Number(plain.across ?? 1), Number(plain.within ?? 1));
  // per-row function costs: calls / ms stored, µs per call read back (the median of the last 5)
  const perRowUs: Record<string, number> = {};
  for (const row of r.rows) if (row.operation.startsWith('per_row:')) perRowUs[row.operation.slice('per_row:'.length)] = 1000 / Math.max(row.rate, 1e-9);
  return {
    seqScan: get('seq_scan')!.rate,
    indexBuild: get('index_build')!.rate,
    ...(plain ? { indexBuildPlain: plain.rate } : {}),
    ...(Object.keys(perRowUs).length ? { perRowUs } : {}),
    rewrite: get('rewrite')!.rate,
    ...(dml ? { dml: dml.rate } : {}),
    ...(del ? { dmlDelete: del.rate } : {}),
    ...(cat ? { catalogMs: cat.ms } : {}),
    variability,
    source: 'measured',
    measuredAt: r.rows.reduce((a, x) => (x.at > a ? x.at : a), new Date(0)).toISOString(),
  };
}

/** When this server was last calibrated (null: never). */
export async function lastCalibration(db: Q, schema: string): Promise<Date | null> {
  if (!(await tableExists(db, schema, 'risk_throughput'))) return null;
  const r = await db.query<{ at: Date | null }>(`SELECT max(measured_at) AS at FROM ${quoteIdent(schema)}.risk_throughput WHERE operation = 'dml'`);
  return r.rows[0]?.at ?? null;
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

/** Predicted vs actual duration of the latest real applies (statements with data to wait on), for the calibration plot. */
export async function loadCalibrationPoints(db: Q, schema: string, limit = 500): Promise<CalibrationHistory> {
  if (!(await tableExists(db, schema, 'risk_predictions'))) return { points: [], samples: 0, inside: 0 };
  const s = quoteIdent(schema);
  const r = await db.query<{ version: string; statement_index: number; operation: string; predicted_ms: number; low_ms: number; high_ms: number; actual_ms: number; inside: boolean; actual_at: Date }>(
    `SELECT version, statement_index, operation, predicted_ms, low_ms, high_ms, actual_ms, coalesce(inside, actual_ms BETWEEN low_ms AND high_ms) AS inside, actual_at
     FROM ${s}.risk_predictions WHERE actual_ms IS NOT NULL AND operation <> 'none' ORDER BY actual_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  const c = await db.query<{ samples: number; inside: number }>(
    `SELECT count(*)::int AS samples, count(*) FILTER (WHERE inside)::int AS inside FROM ${s}.risk_predictions WHERE actual_ms IS NOT NULL AND operation <> 'none'`,
  );
  return {
    points: r.rows.map((x) => ({ version: x.version, statementIndex: x.statement_index, operation: x.operation, predictedMs: x.predicted_ms, lowMs: x.low_ms, highMs: x.high_ms, actualMs: x.actual_ms, inside: x.inside, at: new Date(x.actual_at).toISOString() })),
    samples: c.rows[0]?.samples ?? 0,
    inside: c.rows[0]?.inside ?? 0,
  };
}

/**
 * Actual durations of several statements in one statement (same rule per entry as recordActual:
 * the latest prediction of that version and statement still without an actual). Entries must
 * name distinct (version, statement) pairs.
 */
export async function recordActuals(db: Q, schema: string, actuals: { version: string; statementIndex: number; actualMs: number }[]): Promise<number> {
  if (actuals.length === 0) return 0;
  if (!(await tableExists(db, schema, 'risk_predictions'))) return 0;
  const s = quoteIdent(schema);
  const r = await db.query(
    `UPDATE ${s}.risk_predictions p SET actual_ms = a.ms, actual_at = clock_timestamp(), inside = (a.ms BETWEEN p.low_ms AND p.high_ms)
       FROM (SELECT (SELECT id FROM ${s}.risk_predictions r WHERE r.version = x.version AND r.statement_index = x.idx AND r.actual_ms IS NULL
                      ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1) AS id, x.ms
               FROM unnest($1::text[], $2::int[], $3::float8[]) AS x(version, idx, ms)) a
      WHERE p.id = a.id`,
    [actuals.map((a) => a.version), actuals.map((a) => a.statementIndex), actuals.map((a) => a.actualMs)],
  );
  return r.rowCount ?? 0;
}

/** actuals kept in memory before one write (a very long run still writes as it goes) */
const ACTUALS_BATCH = 1000;

/**
 * A LifecycleListener that keeps the history: `after_dry_run` stores the rehearsal,
 * `after_risk` stores the predictions of the report in `ctx.risk`, `after_statement` of a real
 * apply collects the actual duration, written for the whole run in one statement at `after_run`
 * (no round trip per statement; every 1,000 statements on a long run). Failures are logged,
 * never thrown (it must not stop a run).
 */
export function riskHistoryListener(opts: { db: Q; schema?: string }): LifecycleListener {
  const schema = opts.schema ?? 'confiture';
  let pending: { version: string; statementIndex: number; actualMs: number }[] = [];
  const keys = new Set<string>();
  const flush = async () => {
    const batch = pending;
    pending = [];
    keys.clear();
    await recordActuals(opts.db, schema, batch);
  };
  return async (ctx) => {
    try {
      if (ctx.event === 'after_dry_run' && ctx.rehearsal?.length) {
        const checksums: Record<string, string> = {};
        for (const m of ctx.plan ?? []) checksums[m.version] = m.checksum;
        if (ctx.migration) checksums[ctx.migration.version] = ctx.migration.checksum;
        await recordRehearsal(opts.db, schema, ctx.rehearsal, { runId: ctx.runId, checksums, serverVersionNum: ctx.database.serverVersionNum });
        await calibrateIfStale(opts.db, schema);
      } else if (ctx.event === 'after_risk' && isRiskReport(ctx.risk)) {
        await recordPredictions(opts.db, schema, ctx.risk, ctx.runId);
      } else if (ctx.event === 'after_statement' && (ctx.runKind === 'up' || ctx.runKind === 'step') && ctx.migration && ctx.statement && typeof ctx.durationMs === 'number' && ctx.outcome !== 'failure') {
        const key = `${ctx.migration.version}\u0000${ctx.statement.index}`;
        // the same statement twice (a retried migration): the earlier one is written first, as before
        if (keys.has(key)) await flush();
        keys.add(key);
        pending.push({ version: ctx.migration.version, statementIndex: ctx.statement.index, actualMs: ctx.durationMs });
        if (pending.length >= ACTUALS_BATCH) await flush();
      } else if (ctx.event === 'after_run' && pending.length > 0) {
        await flush();
      }
    } catch (e) {
      log.warn({ err: (e as Error).message, event: ctx.event }, 'could not record risk history');
    }
  };
}

/** Measures throughput after a rehearsal when this server has no DML calibration of the last week. */
async function calibrateIfStale(db: Q, schema: string): Promise<void> {
  const last = await lastCalibration(db, schema);
  if (last && Date.now() - last.getTime() < 7 * 86_400_000) return;
  if (!('connect' in db) || typeof db.connect !== 'function' || !('totalCount' in db)) return; // needs its own session
  const c = await (db as pg.Pool).connect();
  try {
    await measureThroughput(c, { schema, rows: 100_000 });
  } finally {
    c.release();
  }
}

export function isRiskReport(x: unknown): x is RiskReport {
  return typeof x === 'object' && x !== null && Array.isArray((x as RiskReport).migrations) && typeof (x as RiskReport).cutPoints === 'object';
}
