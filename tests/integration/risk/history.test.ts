import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { FIXTURE_SQL } from '../../../src-main/locks';
import { openValidProject } from '../../../src-main/project';
import { loadHistory, loadRehearsals, loadThroughput, measureThroughput, recordPredictions, riskHistoryListener, riskReportForProject } from '../../../src-main/risk';
import type { LifecycleContext } from '../../../src-shared/domain/lifecycle';

const run = promisify(execFile);
let db: TestDatabase;
let proj: TempProject;

beforeAll(async () => {
  db = await createTestDatabase('cf_risk');
  await db.pool.query(FIXTURE_SQL);
  proj = makeProject(
    {
      '0001_status_idx.up.sql': 'CREATE INDEX orders_status_idx2 ON orders (status);\n',
      '0001_status_idx.down.sql': 'DROP INDEX orders_status_idx2;\n',
      '0002_status_idx_concurrently.up.sql': 'CREATE INDEX CONCURRENTLY orders_status_idx3 ON orders (status);\n',
      '0003_drop_items.up.sql': 'DROP TABLE order_items;\n',
    },
    'name: riskt\nrisk:\n  maxRisk: 30\n  snapshotWindow: 0ms\n',
  );
});
afterAll(async () => {
  proj?.remove();
  await db?.drop();
});

function ctx(event: LifecycleContext['event'], extra: Partial<LifecycleContext>): LifecycleContext {
  return { event, at: new Date().toISOString(), runId: '00000000-0000-0000-0000-000000000001', runKind: 'dry_run', project: { dir: proj.dir, name: 'riskt' }, database: { label: 'x', serverVersionNum: db.serverVersionNum }, ...extra };
}

describe('risk against a real database', () => {
  it('ranks the dangerous migrations above the safe one with the live catalog', async () => {
    const project = openValidProject(proj.dir);
    const report = await riskReportForProject(project, db.pool);
    const by = Object.fromEntries(report.migrations.map((m) => [m.version, m]));
    expect(by['0001']!.score).toBeGreaterThan(by['0002']!.score);
    expect(by['0003']!.level).toMatch(/high|critical/);
    expect(by['0001']!.facts.find((f) => f.table === 'orders')).toMatchObject({ rowEstimate: 200, triggers: 1 });
    expect(by['0001']!.inputs).toMatchObject({ catalog: true, rehearsed: false, throughput: 'default' });
  });

  it('records rehearsals from the after_dry_run event and uses them', async () => {
    const project = openValidProject(proj.dir);
    const m = project.migrations[0]!;
    const listener = riskHistoryListener({ db: db.pool, schema: 'confiture' });
    await listener(ctx('after_dry_run', {
      plan: [{ version: m.version, name: m.name, checksum: m.checksum, path: m.upPath }],
      rehearsal: [{ version: m.version, index: 0, kind: 'create_index', line: 1, durationMs: 12.5, rows: null, locks: [{ relation: 'orders', mode: 'ShareLock' }], rewritten: [], rehearsed: true }],
    }));
    const stored = await loadRehearsals(db.pool, 'confiture', { [m.version]: m.checksum });
    expect(stored[m.version]![0]).toMatchObject({ durationMs: 12.5, locks: [{ relation: 'orders', mode: 'ShareLock' }] });
    const report = await riskReportForProject(project, db.pool, { versions: [m.version] });
    expect(report.migrations[0]!.statements[0]!.durationMs).toMatchObject({ estimate: 12.5, basis: 'rehearsal' });
    // a rehearsal of another checksum is ignored
    expect(await loadRehearsals(db.pool, 'confiture', { [m.version]: 'other' })).toEqual({});
  });

  it('measures this server’s throughput on a temp table and stores it', async () => {
    const c = await db.client();
    try {
      for (let i = 0; i < 3; i++) await measureThroughput(c, { rows: 20_000, schema: 'confiture' });
    } finally {
      await c.end();
    }
    const tp = await loadThroughput(db.pool, 'confiture');
    expect(tp.source).toBe('measured');
    expect(tp.seqScan).toBeGreaterThan(0);
    expect(tp.indexBuild).toBeGreaterThan(0);
    expect(tp.rewrite).toBeGreaterThan(0);
    // DML on a logged table with two indexes (WAL + index maintenance) is slower than a scan
    expect(tp.dml).toBeGreaterThan(0);
    expect(tp.dml!).toBeLessThan(tp.seqScan);
    expect(tp.catalogMs).toBeGreaterThan(0);
    // each calibration (these 3, and the one after the dry-run above) takes its rounds (median of
    // 3) and stores one row per operation
    const stored = await db.pool.query<{ operation: string; n: number }>(`SELECT operation, count(*)::int AS n FROM confiture.risk_throughput GROUP BY operation ORDER BY operation`);
    const major = Number((await db.pool.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v.slice(0, 2));
    const functions = ['clock_timestamp', 'gen_random_uuid', 'nextval', 'random', 'timeofday', ...(major >= 18 ? ['uuidv4', 'uuidv7'] : [])].map((f) => `per_row:${f}`);
    expect(stored.rows).toEqual(['catalog', 'dml', 'dml_delete', 'index_build', 'index_build_plain', ...functions, 'rewrite', 'seq_scan'].sort().map((operation) => ({ operation, n: 4 })));
    // the integer-key index build, and each built-in's cost per call: a random UUID (a strong random
    // number per call) costs far more than reading the clock
    expect(tp.indexBuildPlain).toBeGreaterThan(0);
    expect(Object.keys(tp.perRowUs ?? {}).sort()).toEqual(functions.map((f) => f.slice('per_row:'.length)).sort());
    expect(tp.perRowUs!.gen_random_uuid).toBeGreaterThan(tp.perRowUs!.clock_timestamp! * 3);
    // the temp sequence standing in for nextval is gone with the session; nothing else was created
    const seqs = await db.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'confiture_calibration_%'`);
    expect(seqs.rows[0].n).toBe(0);
    // the DML calibration table is dropped
    const left = await db.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'confiture_calibration_dml_%'`);
    expect(left.rows[0].n).toBe(0);
    // how steady the server was: each data rate's spread between the rounds of one calibration is
    // stored, and the variability loaded is at least the spread across the stored calibrations
    const spreads = await db.pool.query<{ operation: string; spread: number | null }>(`SELECT operation, spread FROM confiture.risk_throughput`);
    for (const r of spreads.rows) {
      if (r.operation === 'catalog' || r.operation.startsWith('per_row:')) expect(r.spread).toBeNull();
      else expect(r.spread).toBeGreaterThanOrEqual(1);
    }
    const rates = await db.pool.query<{ operation: string; across: number }>(
      `SELECT operation, max(bytes / duration_ms) / min(bytes / duration_ms) AS across FROM confiture.risk_throughput WHERE operation <> 'catalog' AND operation NOT LIKE 'per_row:%' GROUP BY operation`,
    );
    const key = { seq_scan: 'seqScan', index_build: 'indexBuild', index_build_plain: 'indexBuildPlain', rewrite: 'rewrite', dml: 'dml', dml_delete: 'dmlDelete' } as const;
    for (const r of rates.rows) {
      const within = Math.max(...spreads.rows.filter((x) => x.operation === r.operation).map((x) => x.spread ?? 1));
      expect(tp.variability![key[r.operation as keyof typeof key]]).toBeCloseTo(Math.max(r.across, within), 6);
    }
  });

  it('loads the throughput of a tracking schema made before the spread column, read-only', async () => {
    await db.pool.query(`CREATE SCHEMA old_tracking; CREATE TABLE old_tracking.risk_throughput (id bigserial PRIMARY KEY, measured_at timestamptz NOT NULL DEFAULT clock_timestamp(), operation text NOT NULL, bytes double precision NOT NULL, duration_ms double precision NOT NULL, server_version int)`);
    await db.pool.query(`INSERT INTO old_tracking.risk_throughput (operation, bytes, duration_ms) VALUES ('seq_scan', 1000000, 2), ('seq_scan', 1000000, 4), ('index_build', 1000000, 10), ('rewrite', 1000000, 20)`);
    const tp = await loadThroughput(db.pool, 'old_tracking');
    expect(tp).toMatchObject({ source: 'measured', seqScan: 375_000, variability: { seqScan: 2, indexBuild: 1, rewrite: 1 } });
    const cols = await db.pool.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = 'old_tracking' AND column_name = 'spread'`);
    expect(cols.rowCount).toBe(0);
  });

  it('keeps predictions vs actuals and reports calibration', async () => {
    const project = openValidProject(proj.dir);
    const report = await riskReportForProject(project, db.pool, { versions: ['0002'] });
    await recordPredictions(db.pool, 'confiture', report, null);
    const listener = riskHistoryListener({ db: db.pool, schema: 'confiture' });
    const m = project.migrations[1]!;
    const pred = report.migrations[0]!.statements[0]!.durationMs;
    await listener(ctx('after_statement', { runKind: 'up', migration: { version: m.version, name: m.name, checksum: m.checksum, path: m.upPath }, statement: { index: 0, kind: 'create_index', sql: '', line: 1 }, durationMs: (pred.low + pred.high) / 2, outcome: 'success' }));
    // actuals are written for the whole run in one statement when it ends
    expect((await loadHistory(db.pool, 'confiture')).calibration.samples).toBe(0);
    await listener(ctx('after_run', { runKind: 'up', outcome: 'success' }));
    const h = await loadHistory(db.pool, 'confiture');
    expect(h.calibration).toEqual({ samples: 1, inside: 1, coverage: 1 });
    expect(h.ratios.index_build).toHaveLength(1);
  });

  it('confiture risk exits 1 above maxRisk and prints the documented JSON', async () => {
    const bin = path.resolve('bin/confiture.mjs');
    const res = await run('node', [bin, 'risk', '--project', proj.dir, '--db', db.url, '--format', 'json']).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    const out = JSON.parse(res.stdout) as { exceeded: string[]; migrations: Record<string, unknown>[] };
    expect(res.code, JSON.stringify(out.migrations.map((m) => [m.version, m.score]))).toBe(1);
    expect(out.exceeded).toContain('0003');
    expect(Object.keys(out.migrations[0]!)).toEqual(expect.arrayContaining(['version', 'score', 'level', 'interval', 'blockingWindowMs', 'factors', 'statements']));
    expect(out.migrations[0]!.blockingWindowMs).toEqual({ estimate: expect.any(Number), low: expect.any(Number), high: expect.any(Number) });
  });
});
