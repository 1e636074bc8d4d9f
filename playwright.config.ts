// End-to-end tests: Debian's Chromium drives the app in browser mode (the local web bridge)
// against real services and a real PostgreSQL. `npx playwright install` is never needed.
import { defineConfig } from '@playwright/test';

// the app's warnings (a profiled query on a table not created yet ...) are expected in these tests
process.env.CONFITURE_LOG_LEVEL ??= 'error';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
});
