/**
 * bench/apply/parser-tiering: what a cold process pays to load libpg-query's WASM and parse K small
 * migration files (the engine's plan at start-up), per V8 WebAssembly tiering setting: wall time, and
 * CPU of the main thread and of V8's other threads (the background tier-up compiler), from
 * /proc/self/task. Run it once per setting; each run is a fresh process.
 *
 *   node --import tsx bench/apply/parser-tiering.ts [--k 1000] [--flag --liftoff-only]
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const K = Number(arg('k', '1000'));
const FLAG = arg('flag', '');
if (FLAG) v8.setFlagsFromString(FLAG);

function threadCpu(): { main: number; other: number } {
  let main = 0;
  let other = 0;
  for (const t of fs.readdirSync('/proc/self/task')) {
    const s = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(f[11]) + Number(f[12])) * 10;
    if (t === String(process.pid)) main += ms;
    else other += ms;
  }
  return { main, other };
}

const a = threadCpu();
const t0 = performance.now();
const { initParser, parseSql } = await import('../../src-main/parse');
await initParser();
const t1 = performance.now();
for (let i = 0; i < K; i++) parseSql(`CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\nCREATE INDEX t${i}_v ON t${i} (v);`, `f${i}.sql`);
const t2 = performance.now();
// let background compilation finish so its CPU is counted
await new Promise((r) => setTimeout(r, 1500));
const b = threadCpu();
console.log(
  `${FLAG || 'default tiering'}: load ${(t1 - t0).toFixed(0)} ms, parse ${K} files ${(t2 - t1).toFixed(0)} ms; CPU main thread ${b.main - a.main} ms, other threads ${b.other - a.other} ms; load average ${os.loadavg()[0]!.toFixed(1)}`,
);
