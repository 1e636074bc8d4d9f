/**
 * bench/lint: our CLI vs squawk-cli on the same 2,000 files / 20,000 statements of mixed DDL.
 * One run each, wall time of the whole process (startup included). Prints the ratio.
 *   npx tsx bench/lint/run.ts [--files 2000]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const filesArg = process.argv.indexOf('--files');
const files = filesArg > 0 ? Number(process.argv[filesArg + 1]) : 2000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-lint-'));
const statements = generate(dir, files, 10);
const list = fs.readdirSync(dir).map((f) => path.join(dir, f));
console.log(`${files} files, ${statements} statements in ${dir} (${os.cpus().length} cores)`);

function time(label: string, cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1024 ** 3 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const findings = label === 'confiture' ? (JSON.parse(r.stdout) as { files: { findings: unknown[] }[] }).files.reduce((n, f) => n + f.findings.length, 0) : (r.stdout.match(/\n/g) ?? []).length;
  console.log(`${label.padEnd(10)} ${(ms / 1000).toFixed(2)} s  exit ${r.status}  ${label === 'confiture' ? `${findings} findings` : `${findings} output lines`}`);
  return ms;
}

const squawkBin = path.join(root, 'node_modules', '.bin', 'squawk');
const threads = String(Math.min(2, os.cpus().length));
const theirs = time('squawk', squawkBin, ['--reporter', 'gcc', ...list]);
const one = time('confiture', process.execPath, [path.join(root, 'bin', 'confiture.mjs'), 'lint', dir, '--format', 'json', '--threads', '1']);
const many = time('confiture', process.execPath, [path.join(root, 'bin', 'confiture.mjs'), 'lint', dir, '--format', 'json', '--threads', threads]);
console.log(`load average: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (wall times are only comparable on an idle machine)`);
console.log(`ratio confiture/squawk wall time: ${(one / theirs).toFixed(2)} with 1 thread, ${(many / theirs).toFixed(2)} with ${threads} threads (< 1 means faster than squawk)`);
fs.rmSync(dir, { recursive: true, force: true });
