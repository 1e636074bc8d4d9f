// Makes sure the outside tools some tests run exist: the Prometheus project's own exposition-format
// parsers (python3-prometheus-client: text format 0.0.4 and OpenMetrics) for the metrics tests,
// zsh and fish for the completion tests, and psql (postgresql-client) for the runnable docs. As root on Debian the packages are installed (as Chromium
// is for the e2e tests); otherwise the tests say what is missing.
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const PYTHON = '/usr/bin/python3';

const checks = {
  'python3-prometheus-client': () => fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import prometheus_client.parser, prometheus_client.openmetrics.parser'], { stdio: 'ignore' }).status === 0,
  zsh: () => spawnSync('zsh', ['-c', 'true'], { stdio: 'ignore' }).status === 0,
  fish: () => spawnSync('fish', ['-c', 'true'], { stdio: 'ignore' }).status === 0,
  // the runnable docs call psql (drift, multi-tenant and masking guides): the client only, no server
  'postgresql-client': () => spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0,
};

export function missingValidators() {
  return Object.entries(checks)
    .filter(([, ok]) => !ok())
    .map(([name]) => name);
}

export function ensureValidators() {
  let missing = missingValidators();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    console.error(`installing ${missing.join(', ')} for the tests...`);
    const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`;
    execSync(`(${install} || (apt-get update -qq && ${install})) >/dev/null`, { stdio: 'inherit', shell: '/bin/bash' });
    missing = missingValidators();
  }
  if (missing.length) console.error(`warning: some tests need: apt-get install ${missing.join(' ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureValidators();
  console.error(`test tools missing: ${missingValidators().join(', ') || 'none'}`);
}
