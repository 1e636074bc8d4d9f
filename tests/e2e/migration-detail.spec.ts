import { expect, test } from '@playwright/test';
import { connect, shot } from './helpers';

test('migration detail: SQL with lint findings inline, keyboard selection, the table fits at 1400 px', async ({ page }) => {
  test.setTimeout(60_000);
  await connect(page);
  await page.getByTestId('nav-migrations').click();
  const rows = page.getByTestId('migration-row');
  await expect(rows.first()).toBeVisible();

  // the table fits next to the detail panel: no horizontal scrolling at 1400 x 900
  const main = page.locator('section.screen.split > .split-main');
  expect(await main.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);

  const row = (v: string) => rows.filter({ has: page.locator('code', { hasText: new RegExp(`^${v}$`) }) });
  // keyboard: focus 0004, ArrowDown selects 0005
  await row('0004').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
  await expect(row('0005')).toHaveAttribute('aria-selected', 'true');
  await expect(row('0005')).toBeFocused();

  const detail = page.getByRole('complementary', { name: 'Migration detail' });
  const editor = detail.getByLabel('SQL of migration 0005');
  await expect(editor).toBeVisible();
  // the finding is inline, under its line, in the editor itself
  const inline = detail.locator('.cm-finding[data-rule="require-concurrent-index-creation"]');
  await expect(inline).toBeVisible();
  await expect(inline).toContainText('ShareLock');
  await expect(detail.locator('.cm-lint-error')).toContainText('CREATE INDEX orders_created_at_idx');
  const listed = detail.getByTestId('finding-require-concurrent-index-creation');
  await expect(listed).toContainText('CONCURRENTLY');
  await expect(listed).toContainText('6');
  await shot(page, 'migration-detail-01-0005-findings');

  // the safe counterpart has no such finding
  await page.keyboard.press('ArrowDown');
  await expect(detail.getByLabel('SQL of migration 0006')).toBeVisible();
  await expect(detail.getByRole('table', { name: 'Lint findings' }).or(detail.getByText('No lint finding in this migration.'))).toBeVisible();
  await expect(detail.locator('.cm-finding[data-rule="require-concurrent-index-creation"]')).toHaveCount(0);
  await shot(page, 'migration-detail-02-0006');
});
