// `npm start`: run Confiture Desktop on the embedded demo.
// - With the Electron binary: build and open the desktop app.
// - Without it (air-gapped hosts, CI containers: its download server is unreachable), say so and
//   open browser mode instead: seed the embedded demo database, then `confiture serve --open`.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

function electronBinary() {
  try {
    const rel = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    const bin = path.join(electronDir, 'dist', rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

let bin = electronBinary();
if (!bin && fs.existsSync(path.join(electronDir, 'install.js'))) {
  console.error('Fetching the Electron binary (npm does not run its install script here)...');
  const fetched = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'pipe', timeout: 120_000, cwd: electronDir, encoding: 'utf8' });
  bin = electronBinary();
  if (!bin) console.error(`  failed: ${(fetched.stderr || fetched.stdout || 'timed out').split('\n').find((l) => l.trim()) ?? 'unknown error'}`);
}

const confiture = (args, opts = {}) => spawnSync(process.execPath, [path.join(root, 'bin', 'confiture.mjs'), ...args], { stdio: 'inherit', cwd: root, ...opts });

if (bin && !process.env.CONFITURE_BROWSER_MODE) {
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const child = spawn(bin, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(
    '\nThe Electron binary cannot be obtained on this machine (its download server is out of reach).\n' +
      'Opening Confiture in browser mode instead: the same app, served on 127.0.0.1 with a per-launch token.\n',
  );
  const seed = confiture(['demo', 'seed']);
  if (seed.status !== 0) console.error('Seeding the demo database failed; the app still opens (see the message above).');
  const serve = confiture(['serve', '--open', '--demo', ...process.argv.slice(2)]);
  process.exit(serve.status ?? 0);
}
