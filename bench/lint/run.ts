/**
 * bench/lint: our CLI vs squawk-cli on the same 2,000 files / 20,000 statements of mixed DDL.
 * Whole processes (start-up included), run interleaved — squawk, confiture on 1 thread,
 * confiture on 2 threads, repeat — so a machine loaded by other work slows all of them alike;
 * prints every wall time, the medians and the ratio of medians.
 *   npx tsx bench/lint/run.ts [--files 2000] [--rounds 5] [--scale 2000,20000,200000]
 * With /usr/bin/time present, each process's CPU time (user + system) and peak RSS are printed too.
 */
import { peerBinary } from '../peers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const files = arg('--files', 2000);
const rounds = arg('--rounds', 5);
// --scale 2000,20000,200000: statements/s and peak RSS at each size (see the end)
const scaleAt = process.argv.indexOf('--scale');
const scale = scaleAt > 0 ? process.argv[scaleAt + 1]!.split(',').map(Number) : [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-lint-'));
const statements = generate(dir, files, 10);
const list = fs.readdirSync(dir).map((f) => path.join(dir, f));
console.log(`${files} files, ${statements} statements in ${dir} (${os.cpus().length} cores), ${rounds} interleaved rounds`);

interface Measure {
  wall: number;
  /** user + system CPU seconds of the process (and its threads), from /usr/bin/time when present */
  cpu: number | null;
  /** peak resident set size, MB */
  rssMb: number | null;
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function measure(label: string, cmd: string, args: string[], quiet = false): Measure {
  const t0 = performance.now();
  const full = TIME ? [TIME, ['-f', 'CONFITURE_BENCH_TIME %U %S %M', cmd, ...args]] as const : [cmd, args] as const;
  const r = spawnSync(full[0], [...full[1]], { cwd: root, encoding: 'utf8', maxBuffer: 1024 ** 3 });
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label} exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
  const m = /CONFITURE_BENCH_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  const cpu = m ? Number(m[1]) + Number(m[2]) : null;
  const rssMb = m ? Number(m[3]) / 1024 : null;
  const out = label.startsWith('confiture')
    ? `${(JSON.parse(r.stdout) as { files: { findings: unknown[] }[] }).files.reduce((n, f) => n + f.findings.length, 0)} findings`
    : `${(r.stdout.match(/\n/g) ?? []).length} output lines`;
  if (!quiet) console.log(`  ${label.padEnd(12)} ${wall.toFixed(2)} s  cpu ${cpu?.toFixed(2) ?? '?'} s  peak RSS ${rssMb?.toFixed(0) ?? '?'} MB  exit ${r.status}  ${out}`);
  return { wall, cpu, rssMb };
}

function time(label: string, cmd: string, args: string[]): number {
  const m = measure(label, cmd, args);
  cpuTimes[label.startsWith('squawk') ? 'squawk' : label === 'confiture' ? 'one' : 'many'].push(m.cpu ?? NaN);
  return m.wall * 1000;
}
const cpuTimes = { squawk: [] as number[], one: [] as number[], many: [] as number[] };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const squawkBin = peerBinary('squawk');
const cli = path.join(root, 'bin', 'confiture.mjs');
const threads = String(Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
// first CLI run builds the cached bundle (bin/bundle-cache.mjs): not what we measure
spawnSync(process.execPath, [cli, 'lint', list[0]!, '--format', 'json'], { cwd: root });
const times = { squawk: [] as number[], one: [] as number[], many: [] as number[] };
for (let r = 0; r < rounds; r++) {
  console.log(`round ${r + 1} (load average ${os.loadavg()[0]!.toFixed(1)})`);
  times.squawk.push(time('squawk', squawkBin, ['--reporter', 'gcc', ...list]));
  times.one.push(time('confiture', process.execPath, [cli, 'lint', dir, '--format', 'json', '--threads', '1']));
  times.many.push(time(`confiture ×${threads}`, process.execPath, [cli, 'lint', dir, '--format', 'json', '--threads', threads]));
}
const [s, one, many] = [median(times.squawk), median(times.one), median(times.many)];
console.log(`medians: squawk ${(s / 1000).toFixed(2)} s, confiture ${(one / 1000).toFixed(2)} s (1 thread), ${(many / 1000).toFixed(2)} s (${threads} threads)`);
console.log(`load average: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (interleaving keeps the ratio fair under load; absolute times are not)`);
console.log(`ratio of medians confiture/squawk: ${(one / s).toFixed(2)} with 1 thread, ${(many / s).toFixed(2)} with ${threads} threads (< 1 means faster than squawk)`);
if (TIME) {
  const [cs, c1, cm] = [median(cpuTimes.squawk), median(cpuTimes.one), median(cpuTimes.many)];
  console.log(`CPU (user+system, less sensitive to load): squawk ${cs.toFixed(2)} s, confiture ${c1.toFixed(2)} s (1 thread), ${cm.toFixed(2)} s (${threads} threads): ratio ${(c1 / cs).toFixed(2)} / ${(cm / cs).toFixed(2)}`);
}

// scale: statements/s and peak RSS at 2k, 20k, 200k statements (10 per file), one run each
if (scale.length) {
  console.log(`scale (one run per size, load average ${os.loadavg()[0]!.toFixed(1)}): statements/s by wall time and by CPU time, peak RSS`);
  for (const n of scale) {
    const sdir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-lint-scale-'));
    const count = generate(sdir, n / 10, 10);
    const many = measure(`confiture ×${threads}`, process.execPath, [cli, 'lint', sdir, '--format', 'json', '--threads', threads], true);
    const one = measure('confiture', process.execPath, [cli, 'lint', sdir, '--format', 'json', '--threads', '1'], true);
    const sq = measure('squawk', squawkBin, ['--reporter', 'gcc', ...fs.readdirSync(sdir).map((f) => path.join(sdir, f))], true);
    const row = (k: string, m: Measure) =>
      `  ${String(count).padStart(7)} statements  ${k.padEnd(14)} ${(count / m.wall).toFixed(0).padStart(7)} stmt/s wall  ${m.cpu ? (count / m.cpu).toFixed(0).padStart(7) : '      ?'} stmt/s CPU  peak RSS ${m.rssMb?.toFixed(0) ?? '?'} MB`;
    console.log(row('confiture', one));
    console.log(row(`confiture ×${threads}`, many));
    console.log(row('squawk', sq));
    fs.rmSync(sdir, { recursive: true, force: true });
  }
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
fs.rmSync(dir, { recursive: true, force: true });
