import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { connect, shot } from './helpers';

/**
 * A project of its own with a tracking schema nobody used: a fresh run history on whichever
 * server the suite runs against, whatever the other specs applied to the demo database.
 */
function freshProject(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-slo-e2e-'));
  fs.chmodSync(dir, 0o755);
  const schema = `slo_e2e_${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(path.join(dir, 'confiture.yaml'), `name: slo-e2e\ntracking:\n  schema: ${schema}\n`);
  fs.mkdirSync(path.join(dir, 'migrations'));
  const m = (name: string, sql: string) => fs.writeFileSync(path.join(dir, 'migrations', name), sql);
  m('0001_slo_e2e_a.up.sql', `CREATE TABLE ${schema}_a (id int);\n`);
  m('0002_slo_e2e_slow.up.sql', 'SELECT pg_sleep(0.2);\n');
  m('0003_slo_e2e_bad.up.sql', 'SELECT 1 / 0;\n');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('slo: no data on a fresh history, then a violated objective after a failed run', async ({ page }) => {
  test.setTimeout(120_000);
  const project = freshProject();
  try {
    await connect(page);
    await page.getByTestId('nav-project').click();
    await page.getByTestId('project-dir').fill(project.dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByText('slo-e2e').first()).toBeVisible();

    // ---- empty history: no_data, said as such, not "ok"
    await page.getByTestId('nav-slo').click();
    await expect(page.getByRole('heading', { name: 'Service level objectives' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No run history yet' })).toBeVisible();
    const planned = page.getByRole('list', { name: 'Objectives that will be tracked' });
    await expect(planned.getByRole('listitem')).toHaveCount(3);
    await expect(planned).toContainText('runs-succeed');
    await expect(planned).toContainText('no data');
    await shot(page, 'slo-01-no-data');

    // ---- apply through the runner: 0001 and 0002 applied, 0003 fails
    await page.getByTestId('nav-runner').click();
    await page.getByTestId('run-apply').click();
    await page.getByRole('button', { name: /^Apply 3 migrations/ }).click();
    await expect(page.getByTestId('run-summary')).toContainText(/fail/i);

    await page.getByTestId('nav-slo').click();
    const runs = page.getByTestId('slo-card-runs-succeed');
    await expect(runs).toContainText('violated');
    await expect(runs).toContainText('0 good of 1');
    await expect(runs).toContainText('fast burn');
    await expect(page.getByTestId('slo-card-migrations-under-60s')).toContainText('within budget');

    // keyboard: the violating events open from the keyboard
    const summary = runs.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: 'Violating events of runs-succeed' });
    await expect(table).toBeVisible();
    await expect(table).toContainText('0003');
    await expect(table).toContainText('division by zero');
    await shot(page, 'slo-02-violated');

    // the trend: SLI and budget over the window, the failed run marked and clickable
    const trend = page.getByTestId('slo-trend-runs-succeed');
    await trend.scrollIntoViewIfNeeded();
    await expect(trend).toContainText('Error budget left');
    await trend.locator('.recharts-scatter-symbol').first().click();
    await expect(trend.getByTestId('slo-picked')).toContainText('division by zero');
    await trend.screenshot({ path: 'artifacts/screenshots/desk-04-slo-trend.png' });
  } finally {
    project.remove();
  }
});
