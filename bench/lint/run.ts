/**
 * bench/lint: our CLI vs squawk-cli on the same 2,000 files / 20,000 statements of mixed DDL.
 * Whole processes (start-up included), run interleaved — squawk, confiture on 1 thread,
 * confiture on 2 threads, repeat — so a machine loaded by other work slows all of them alike;
 * prints every wall time, the medians and the ratio of medians.
 *   npx tsx bench/lint/run.ts [--files 2000] [--rounds 5]
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
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-lint-'));
const statements = generate(dir, files, 10);
const list = fs.readdirSync(dir).map((f) => path.join(dir, f));
console.log(`${files} files, ${statements} statements in ${dir} (${os.cpus().length} cores), ${rounds} interleaved rounds`);

function time(label: string, cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1024 ** 3 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label} exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
  const out = label.startsWith('confiture')
    ? `${(JSON.parse(r.stdout) as { files: { findings: unknown[] }[] }).files.reduce((n, f) => n + f.findings.length, 0)} findings`
    : `${(r.stdout.match(/\n/g) ?? []).length} output lines`;
  console.log(`  ${label.padEnd(12)} ${(ms / 1000).toFixed(2)} s  exit ${r.status}  ${out}`);
  return ms;
}

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
fs.rmSync(dir, { recursive: true, force: true });
