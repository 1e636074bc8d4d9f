import { expect, test } from '@playwright/test';
import { connect, shot } from './helpers';

test('hooks: the demo gate is listed per phase; testing a phase records an execution with its output', async ({ page }) => {
  test.setTimeout(60_000);
  await connect(page);
  await page.getByTestId('nav-hooks').click();
  await expect(page.getByRole('heading', { name: 'Hooks', exact: true })).toBeVisible();

  // the demo's SQL gate (resources/demo/confiture.yaml) listens to before_run and before_migration
  const beforeMigration = page.getByRole('region', { name: 'Hooks of before_migration' });
  await expect(beforeMigration).toContainText('no-long-transactions');
  await expect(beforeMigration).toContainText('sql');
  await expect(beforeMigration).toContainText('closed');
  await expect(page.getByRole('region', { name: 'Hooks of before_run' })).toContainText('no-long-transactions');
  await shot(page, 'hooks-01-configured');

  // test the phase: the gate really runs against the database and is recorded
  await page.getByRole('button', { name: 'Test phase before_migration' }).click();
  await expect(page.getByRole('status').filter({ hasText: /succeeded|Gate closed|A hook failed/ })).toContainText('1 hook execution succeeded.');
  const executions = page.getByRole('table', { name: 'Hook executions' });
  const row = executions.locator('tbody tr[id^="hook-exec-"]').first();
  await expect(row).toContainText('no-long-transactions');
  await expect(row).toContainText('success');
  await expect(page.locator('figure.hooks-timeline')).toContainText('time since the first hook started');

  // keyboard: Enter opens the recorded output
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('aria-expanded', 'true');
  await expect(executions.getByLabel('Output of no-long-transactions').or(executions.getByText('No output recorded.'))).toBeVisible();
  await page.getByRole('heading', { name: 'Executions' }).scrollIntoViewIfNeeded();
  await shot(page, 'hooks-02-tested');
});
