/**
 * bench/risk-calibration: how good are the risk model's duration predictions *before* a
 * rehearsal, with this server's measured throughput (scan, index build, rewrite, DML, catalog)?
 *
 *   npx tsx bench/risk-calibration/run.ts [--db postgres://...] [--scale 0.5] [--sizes 25000,100000,400000]
 *
 * Two sets, each statement predicted from the live catalog snapshot, then measured:
 *  - demo: the seeded demo project (resources/demo) at --scale; its pending migrations are
 *    rehearsed by the engine's dry-run (one transaction, rolled back), as a DBA would;
 *  - generated: 12 statement templates × N table sizes, each run alone in a transaction that is
 *    rolled back (what the rehearsal measures).
 * Prints per set: 90 % interval coverage, median |log(actual/predicted)| (goal ≤ log 2 = 0.69),
 * median interval width high/low (goal ≤ 4), and the load average (the machine may be shared).
 * Without --db (or DATABASE_URL) a throwaway embedded PostgreSQL is started. Creates and drops
 * its own database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { snapshotCatalog } from '../../src-main/catalog';
import { runMigrations, urlTarget } from '../../src-main/engine';
import { initParser, parseSql } from '../../src-main/parse';
import { openValidProject } from '../../src-main/project';
import { assessRisk, loadThroughput, measureThroughput, riskReportForProject } from '../../src-main/risk';
import { readSeedPlan } from '../../src-main/demo';
import type { BlockingWindow } from '../../src-shared/domain/risk';
import { arg, benchServer } from '../server';

const DEMO = fileURLToPath(new URL('../../resources/demo/', import.meta.url));
const scale = Number(arg('scale') ?? '0.5');
const sizes = (arg('sizes') ?? '25000,100000,400000').split(',').map(Number);

interface Sample {
  set: string;
  label: string;
  operation: string;
  predicted: BlockingWindow;
  actualMs: number;
}

/** Templates on table `t` (id bigint pk, customer_id bigint indexed, status, total int, note varchar(20), pad text, created_at). */
const TEMPLATES: { name: string; sql: (t: string) => string }[] = [
  { name: 'create index', sql: (t) => `CREATE INDEX ${t}_status_idx ON ${t} (status)` },
  { name: 'add column (catalog)', sql: (t) => `ALTER TABLE ${t} ADD COLUMN region text` },
  { name: 'add column volatile default (rewrite)', sql: (t) => `ALTER TABLE ${t} ADD COLUMN ref uuid DEFAULT gen_random_uuid()` },
  { name: 'int → bigint (rewrite)', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN total TYPE bigint` },
  { name: 'set not null (scan)', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN status SET NOT NULL` },
  { name: 'add check (scan)', sql: (t) => `ALTER TABLE ${t} ADD CONSTRAINT ${t}_total_ck CHECK (total >= 0)` },
  { name: 'update every row', sql: (t) => `UPDATE ${t} SET total = total + 1` },
  { name: 'backfill new column', sql: (t) => `ALTER TABLE ${t} ADD COLUMN n integer;\nUPDATE ${t} SET n = total % 7` },
  { name: 'delete every row', sql: (t) => `DELETE FROM ${t}` },
  { name: 'rename column (catalog)', sql: (t) => `ALTER TABLE ${t} RENAME COLUMN note TO remark` },
  { name: 'varchar widen (catalog)', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN note TYPE varchar(200)` },
  { name: 'reindex table (index build)', sql: (t) => `REINDEX TABLE ${t}` },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(name: string, samples: Sample[]): void {
  if (samples.length === 0) return void console.log(`${name}: no samples`);
  const inside = samples.filter((s) => s.actualMs >= s.predicted.low && s.actualMs <= s.predicted.high).length;
  const logErr = samples.map((s) => Math.abs(Math.log(Math.max(s.actualMs, 0.01) / Math.max(s.predicted.estimate, 0.01))));
  const width = samples.map((s) => s.predicted.high / Math.max(s.predicted.low, 0.01));
  console.log(
    `${name.padEnd(34)} n=${String(samples.length).padStart(3)}  coverage ${((100 * inside) / samples.length).toFixed(0).padStart(3)} % (goal ≥ 90)  ` +
      `median |log(a/p)| ${median(logErr).toFixed(2)} (goal ≤ 0.69)  median high/low ${median(width).toFixed(1)} (goal ≤ 4)`,
  );
}

function printRows(samples: Sample[]): void {
  for (const s of samples) {
    const p = s.predicted;
    const mark = s.actualMs < p.low ? '↓ below' : s.actualMs > p.high ? '↑ above' : 'inside';
    console.log(`  ${s.label.padEnd(58)} ${s.operation.padEnd(11)} predicted ${p.estimate.toFixed(1).padStart(8)} ms [${p.low.toFixed(1)}–${p.high.toFixed(1)}]  measured ${s.actualMs.toFixed(1).padStart(8)} ms  ${mark}`);
  }
}

async function main(): Promise<void> {
  await initParser();
  const server = await benchServer('riskcal');
  const adminUrl = server.adminUrl;
  const dbName = `cf_bench_riskcal_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(dbName)}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  // DROP DATABASE … WITH (FORCE) at the end terminates any connection still open: without a
  // listener that idle-client error crashed the process after the summary (exit 1, and an embedded
  // server's temp directory left behind)
  pool.on('error', () => undefined);
  const samples: Sample[] = [];
  try {
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    console.log(`PostgreSQL ${version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, demo scale ${scale}, sizes ${sizes.join(', ')}`);

    // ---- the demo: baseline, seed, calibrate, predict, rehearse ----
    const project = openValidProject(DEMO);
    const plan = readSeedPlan(path.join(DEMO, 'seed'));
    const base = await runMigrations(project, urlTarget(url), { kind: 'up', to: plan.baseline });
    if (!base.ok) throw new Error(`baseline: ${base.error?.message}`);
    await pool.query(`SELECT set_config('confiture.seed_scale', '${scale}', false)`);
    const c = await pool.connect();
    try {
      await c.query(`SET confiture.seed_scale = '${scale}'`);
      for (const s of plan.steps) await c.query(`BEGIN;\n${fs.readFileSync(path.join(DEMO, 'seed', s.file), 'utf8')}\n;COMMIT;`);
      await c.query('ANALYZE');
      // the seed's dirty pages written out first: a calibration racing the checkpoint of ~100 MB
      // of fresh rows measures the checkpoint, not the server
      await c.query('CHECKPOINT').catch(() => undefined);
      // calibration: three measurements, the model takes their median
      for (let i = 0; i < 3; i++) await measureThroughput(c, { schema: project.trackingSchema, rows: 100_000 });
    } finally {
      c.release();
    }
    const tp = await loadThroughput(pool, project.trackingSchema);
    console.log(`throughput (bytes/ms): scan ${tp.seqScan.toFixed(0)}, index build ${tp.indexBuild.toFixed(0)} (plain keys ${tp.indexBuildPlain?.toFixed(0) ?? '–'}), rewrite ${tp.rewrite.toFixed(0)}, DML ${tp.dml?.toFixed(0)}, catalog ${tp.catalogMs?.toFixed(1)} ms`);
    console.log(`per-row functions (µs per call): ${Object.entries(tp.perRowUs ?? {}).map(([f, us]) => `${f} ${us.toFixed(3)}`).join(', ') || '–'}`);
    const v = tp.variability ?? {};
    console.log(`variability (slowest/fastest, ×; > 1.35 widens the intervals): ${Object.entries(v).map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', ')}`);
    // the dry-run rehearses the plan in one transaction: predict that (an UPDATE re-checks FKs of rows the plan rewrote)
    const report = await riskReportForProject(project, pool, { transactionScope: 'plan' });
    const t0 = performance.now();
    const dry = await runMigrations(project, urlTarget(url), { kind: 'dry_run', isolateLocks: false });
    if (!dry.ok) throw new Error(`dry-run: ${dry.error?.message}`);
    console.log(`demo dry-run of ${report.migrations.length} migrations: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const m of report.migrations) {
      for (const s of m.statements) {
        const r = dry.rehearsal!.find((x) => x.version === m.version && x.index === s.index);
        if (!r?.rehearsed || r.durationMs === null || s.operation === 'none') continue;
        samples.push({ set: 'demo', label: `${m.version} #${s.index} ${s.sql.replace(/\s+/g, ' ').slice(0, 46)}`, operation: s.operation, predicted: s.durationMs, actualMs: r.durationMs });
      }
    }

    // ---- generated: templates × sizes, each alone in a rolled-back transaction ----
    for (const n of sizes) {
      const t = `gen_${n}`;
      await pool.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, customer_id bigint, status text, total int, note varchar(20), pad text, created_at timestamptz DEFAULT now())`);
      await pool.query(`INSERT INTO ${t} (id, customer_id, status, total, note, pad) SELECT g, g % 5000, (ARRAY['new','paid','shipped'])[1 + g % 3], g % 1000, 'n' || (g % 97), md5(g::text) FROM generate_series(1, ${n}) g`);
      await pool.query(`CREATE INDEX ON ${t} (customer_id)`);
      await pool.query(`ANALYZE ${t}`);
    }
    // the INSERTs' row counts reach the statistics up to ~1 s after they commit: wait for them,
    // then ANALYZE again, or a table may look "stale" (modified since ANALYZE) at random
    await new Promise((r) => setTimeout(r, 1500));
    for (const n of sizes) await pool.query(`ANALYZE gen_${n}`);
    await pool.query('CHECKPOINT').catch(() => undefined);
    const catalog = await snapshotCatalog(pool, { windowMs: 0 });
    const w = await pool.connect();
    try {
      for (const n of sizes) {
        for (const tpl of TEMPLATES) {
          const sql = tpl.sql(`gen_${n}`);
          const parsed = parseSql(sql, `${tpl.name}.sql`);
          const r = assessRisk({ migrations: [{ version: '1', name: tpl.name, checksum: 'x', parsed, hasDown: true }], catalog, throughput: tp });
          await w.query('BEGIN');
          try {
            for (const st of parsed.statements) {
              const s0 = performance.now();
              await w.query(st.sql);
              const ms = performance.now() - s0;
              const p = r.migrations[0]!.statements[st.index]!;
              if (p.operation === 'none') continue;
              samples.push({ set: 'generated', label: `${tpl.name} #${st.index}, ${n.toLocaleString('en')} rows`, operation: p.operation, predicted: p.durationMs, actualMs: ms });
            }
          } finally {
            await w.query('ROLLBACK');
          }
          // each template alone: a rolled-back UPDATE leaves a dead copy of every row, which the
          // next template (predicted from the snapshot taken before them all) would scan too
          await w.query(`VACUUM gen_${n}`);
        }
      }
    } finally {
      w.release();
    }

    console.log('\nper statement (predicted before rehearsal, with measured throughput):');
    printRows(samples);
    console.log(`\nload average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const dataBound = (s: Sample) => ['scan', 'index_build', 'rewrite', 'dml', 'refresh'].includes(s.operation);
    summarise('demo, every statement', samples.filter((s) => s.set === 'demo'));
    summarise('demo, data-bound statements', samples.filter((s) => s.set === 'demo' && dataBound(s)));
    summarise('generated, every combination', samples.filter((s) => s.set === 'generated'));
    summarise('generated, data-bound', samples.filter((s) => s.set === 'generated' && dataBound(s)));
    summarise('all', samples);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbName)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
