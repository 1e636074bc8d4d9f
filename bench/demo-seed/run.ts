/**
 * Times the demo seed at a given scale, then the demo's pending migrations on the seeded data.
 *
 *   npx tsx bench/demo-seed/run.ts [--scale 1] [--db postgres://...]
 *
 * Without --db (or DATABASE_URL) it starts a throwaway embedded PostgreSQL in a temp dir.
 * Creates and drops its own database. Migrations run with BEGIN/COMMIT (CONCURRENTLY alone).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { initParser, parseSql } from '../../src-main/parse';
import { compareVersions, openValidProject } from '../../src-main/project';
import { arg, benchServer } from '../server';

const DEMO = fileURLToPath(new URL('../../resources/demo/', import.meta.url));
const scale = Number(arg('scale') ?? '1');
if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be in (0, 10]');

async function main(): Promise<void> {
  await initParser();
  const server = await benchServer('seed');
  const adminUrl = server.adminUrl;
  const dbName = `cf_bench_seed_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(dbName)}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const project = openValidProject(DEMO);
    const plan = parseYaml(fs.readFileSync(path.join(DEMO, 'seed', 'seed.yaml'), 'utf8')) as {
      baseline: string;
      steps: { table: string; file: string; rows: number }[];
    };
    const migrations = [...project.migrations].sort((a, b) => compareVersions(a.version, b.version));
    // CPU seconds of our backend (local servers only): comparable across runs on a busy machine
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const cpuSeconds = (): number => {
      try {
        const fields = fs.readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100)
      } catch {
        return NaN;
      }
    };
    let lastCpu = 0;
    const run = async (file: string): Promise<number> => {
      const sql = fs.readFileSync(file, 'utf8');
      const c0 = cpuSeconds();
      const t0 = performance.now();
      await client.query(parseSql(sql, file).hasNonTransactional ? sql : `BEGIN;\n${sql}\n;COMMIT;`);
      lastCpu = cpuSeconds() - c0;
      return (performance.now() - t0) / 1000;
    };
    console.log(`PostgreSQL ${version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}, scale ${scale}`);
    for (const m of migrations.filter((x) => compareVersions(x.version, plan.baseline) <= 0)) await run(m.upPath);

    await client.query(`SET confiture.seed_scale = '${scale}'`);
    let total = 0;
    let totalCpu = 0;
    for (const step of plan.steps) {
      const s = await run(path.join(DEMO, 'seed', step.file));
      total += s;
      totalCpu += lastCpu;
      const n = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${step.table}`)).rows[0]!.n;
      console.log(`seed  ${step.table.padEnd(18)} ${n.padStart(9)} rows  ${s.toFixed(1).padStart(6)} s  (backend CPU ${lastCpu.toFixed(1)} s)`);
    }
    console.log(`seed  total${' '.repeat(33)}${total.toFixed(1).padStart(6)} s  (backend CPU ${totalCpu.toFixed(1)} s)`);
    let again = 0;
    for (const step of plan.steps) again += await run(path.join(DEMO, 'seed', step.file));
    console.log(`seed  second run (inserts nothing, re-ANALYZEs)${again.toFixed(1).padStart(6)} s`);

    for (const m of migrations.filter((x) => compareVersions(x.version, plan.baseline) > 0)) {
      console.log(`up    ${m.version}_${m.name.padEnd(44)} ${(await run(m.upPath)).toFixed(2).padStart(6)} s`);
    }
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbName)} WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
