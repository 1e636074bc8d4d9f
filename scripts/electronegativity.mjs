#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security scanner) over the app's sources: the Electron
 * entry, the preload, the services and the renderer, with package.json for the Electron version.
 * Exits 1 when it reports anything; a justified false positive is suppressed where it occurs
 * with an `eng-disable <CHECK>` comment that says why (docs/reference/security.md lists them).
 *
 * Run offline: the scanner fetches translations and Electron release notes at start-up; both are
 * answered "unavailable" here (it then uses its bundled English texts and the version from
 * package.json), so the scan makes no network request.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const base = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const scannerRequire = createRequire(path.join(base, 'dist', 'runner.js'));

// no network: the scanner's HTTP client always fails, as it would on an air-gapped host
const gotPath = scannerRequire.resolve('got');
const offline = () => Promise.reject(new Error('offline: electronegativity runs without network here'));
scannerRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline, get: offline }) };
// its start-up chatter ("Could not retrieve translations…") is noise, not findings
const log = console.log;
console.log = (...args) => {
  if (!/translations|Electron's (new )?releases|No connectivity/i.test(String(args[0]))) log(...args);
};

const sources = ['src-main', 'src-renderer', 'src-shared', 'package.json'];
const scanDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-eng-'));
try {
  for (const s of sources) fs.cpSync(path.join(root, s), path.join(scanDir, s), { recursive: true });
  const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron;
  const run = scannerRequire(path.join(base, 'dist', 'runner.js'));
  const result = await run({ input: scanDir, isRelative: true, electronVersionOverride: electronVersion, customScan: [], excludeFromScan: [], parserPlugins: [] });
  const errors = result.errors.filter((e) => !e.tolerable);
  for (const e of errors) console.error(`electronegativity: cannot parse ${path.relative(scanDir, e.file)}: ${e.message}`);
  for (const i of result.issues) {
    console.error(`${i.id} [${i.severity.name}/${i.confidence.name}] ${i.file}:${i.location.line}:${i.location.column} — ${i.description}${i.manualReview ? ' (review)' : ''}`);
  }
  log(`electronegativity ${require(path.join(base, 'package.json')).version}: ${result.globalChecks + result.atomicChecks} checks on Electron ${electronVersion}, ${result.issues.length} finding(s), ${errors.length} unparsed file(s)`);
  process.exitCode = result.issues.length > 0 || errors.length > 0 ? 1 : 0;
} finally {
  console.log = log;
  fs.rmSync(scanDir, { recursive: true, force: true });
}
