// Builds the installable CLI into dist/cli: one ESM bundle of src-main/cli (the `confiture`
// program), one of `confiture lint` alone (lint-main.ts) and one of the lint worker thread, next to each other as parallel.ts expects.
// npm packages stay external (installed from `dependencies`); our TypeScript is compiled in, so
// an installed package needs neither tsx nor the sources. `npm pack` runs this (prepack), along
// with the browser-mode UI build (out/web) that `confiture serve` serves.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'cli');

export async function buildCli() {
  fs.rmSync(out, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: { confiture: path.join(root, 'src-main', 'cli', 'index.ts') }, outdir: out, outExtension: { '.js': '.mjs' } });
  // `confiture lint` alone (bin/confiture.mjs takes it for that command: a faster start-up)
  await build({ ...common, entryPoints: { 'confiture-lint': path.join(root, 'src-main', 'cli', 'lint-main.ts') }, outdir: out, outExtension: { '.js': '.mjs' } });
  await build({ ...common, entryPoints: { 'worker-entry': path.join(root, 'src-main', 'lint', 'worker.ts') }, outdir: out, outExtension: { '.js': '.mjs' } });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await buildCli();
  console.error(`built ${path.relative(root, dir)}: ${fs.readdirSync(dir).join(', ')}`);
}
