// Makes sure a Chromium for the e2e tests exists: $CHROMIUM_PATH, /usr/bin/chromium, or (as root
// on Debian) installs the `chromium` package. `npx playwright install` is never used.
import { execSync } from 'node:child_process';
import fs from 'node:fs';

export function ensureChromium() {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (fs.existsSync(candidate)) return candidate;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    console.error('Chromium is missing: installing Debian\'s chromium package for the e2e tests...');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(`No Chromium found at ${candidate}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.error(`chromium: ${ensureChromium()}`);
}
