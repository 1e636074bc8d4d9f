// `npm test`: unit, then integration (real PostgreSQL: embedded 18, or $DATABASE_URL), then the
// Playwright e2e tests in Chromium against browser mode. Stops at the first failing stage.
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';
import { ensureValidators } from './ensure-validators.mjs';

const target = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL 18';
const stages = [
  ['unit', ['npx', 'vitest', 'run', '--project', 'unit']],
  [`integration on ${target}`, ['npx', 'vitest', 'run', '--project', 'integration']],
  [`e2e (Chromium, browser mode) on ${target}`, ['npx', 'playwright', 'test']],
];

process.env.CHROMIUM_PATH = ensureChromium();
ensureValidators();
for (const [name, cmd] of stages) {
  console.error(`\n=== ${name} ===`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n${name}: FAILED`);
    process.exit(r.status ?? 1);
  }
}
console.error('\nall test stages passed');
