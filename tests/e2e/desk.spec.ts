/**
 * The DBA's desk (issue 13): opens ready, restores from the engine, psql access, a crashed
 * embedded server shows as stopped and starts again, focus moves to the screen's heading.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { connect, shot, openApp } from './helpers';

/** `confiture serve --demo` as `npm start` runs it, on the e2e data dir; resolves with its URL. */
async function serveDemo(): Promise<{ url: string; proc: ChildProcess }> {
  const args = ['bin/confiture.mjs', 'serve', '--demo', '--data-dir', process.env.E2E_DATA_DIR!];
  if (process.env.E2E_DB_URL) args.push('--db', process.env.E2E_DB_URL);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CONFITURE_LOG_LEVEL: 'error' } });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start: ${err}`)), 120_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', (code) => reject(new Error(`serve --demo exited (${code}): ${err}`)));
  });
  return { url, proc };
}

test.describe('the desk', () => {
  test('npm start opens ready: demo project, connected, on the Risk screen; a reload keeps it', async ({ page }) => {
    const { url, proc } = await serveDemo();
    try {
      await page.goto(url);
      await expect(page.getByTestId('nav-risk')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByText(/● /)).toBeVisible();
      await expect(page.getByText(/▤ /)).not.toContainText('no project');
      await expect(page.getByRole('heading', { level: 2 }).first()).not.toContainText('needs');
      // and the ranked plan itself, not only its loading state (this is the README's picture)
      await expect(page.getByRole('table', { name: 'Migration plan' }).locator('tr[data-risk-row]').first()).toBeVisible({ timeout: 120_000 });
      await shot(page, 'desk-01-opens-ready');
      // switch screens, reload: the engine restores connection, project and screen
      await page.getByTestId('nav-migrations').click();
      await expect(page.getByTestId('migration-row').first()).toBeVisible();
      await page.reload();
      await expect(page.getByTestId('nav-migrations')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByText(/● /)).toBeVisible();
      await expect(page.getByTestId('migration-row').first()).toBeVisible();
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  });

  test('psql access to the embedded server; a crashed server shows stopped and starts again', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openApp(page);
    await page.getByTestId('nav-connect').click();
    await page.getByTestId('use-embedded').click();
    await expect(page.getByText(/● /)).toBeVisible();
    await page.getByTestId('nav-connect').click();
    const card = page.getByTestId('psql-access');
    await expect(card).toContainText('127.0.0.1');
    const command = (await page.getByTestId('psql-command').textContent())!;
    expect(command).toMatch(/^PGPASSFILE='[^']+pgpass' psql -h 127\.0\.0\.1 -p \d+ -U postgres 'confiture_demo'$/);
    // the pgpass file is real and private
    const pgpass = /PGPASSFILE='([^']+)'/.exec(command)![1]!;
    expect(fs.statSync(pgpass).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(pgpass, 'utf8')).toMatch(/^127\.0\.0\.1:\*:\*:postgres:\S+\n$/);
    await page.getByTestId('psql-copy').click();
    await expect(page.getByTestId('psql-copy')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    await shot(page, 'desk-02-connection-psql');

    // crash: SIGKILL the postmaster
    const pidFile = path.join(process.env.E2E_DATA_DIR!, 'embedded', 'pgdata', 'postmaster.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await expect(page.getByTestId('embedded-state')).toContainText('stopped', { timeout: 20_000 });
    await expect(page.getByTestId('psql-access')).toContainText('stopped');
    await expect(page.getByText('○ not connected')).toBeVisible();
    await shot(page, 'desk-03-server-crashed');

    await page.getByTestId('use-embedded').click();
    await expect(page.getByText(/● /)).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('nav-connect').click();
    await expect(page.getByTestId('embedded-state')).toContainText('running');
    const newPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    expect(newPid).not.toBe(pid);
  });

  test('switching screens moves focus to the heading', async ({ page }) => {
    await connect(page);
    await page.keyboard.press('Alt+4');
    await expect(page.getByTestId('nav-risk')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeFocused();
    await page.getByTestId('nav-connect').click();
    await expect(page.getByRole('heading', { level: 2, name: 'Connect to a database' })).toBeFocused();
    // the heading's focus ring shows (keyboard focus)
    await page.keyboard.press('Alt+3');
    const heading = page.getByRole('heading', { level: 2 }).first();
    await expect(heading).toBeFocused();
    await expect(heading).toHaveCSS('outline-style', 'solid');
    // the tenth screen (Fleet) is Alt+0, shown as such in the sidebar
    await expect(page.getByTestId('nav-fleet').locator('kbd')).toHaveText('0');
    await page.keyboard.press('Alt+0');
    await expect(page.getByTestId('nav-fleet')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeFocused();
  });
});
