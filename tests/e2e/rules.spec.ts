import { expect, test } from '@playwright/test';
import { connect, shot } from './helpers';

test('lint rules: effective configuration with its sources, rule detail by keyboard, libraries', async ({ page }) => {
  test.setTimeout(60_000);
  await connect(page);
  await page.getByTestId('nav-rules').click();
  await expect(page.getByRole('heading', { name: 'Lint rules' })).toBeVisible();

  // effective configuration: the libraries in use and each rule with where its settings came from
  await expect(page.getByRole('tab', { name: 'Effective configuration' })).toHaveAttribute('aria-selected', 'true');
  const libs = page.getByRole('list', { name: 'Libraries in use' });
  await expect(libs).toContainText(/safety@\d+\.\d+\.\d+/);
  await expect(libs).toContainText(/general@\d+\.\d+\.\d+/);
  const effective = page.getByRole('table', { name: 'Effective rules' });
  const rci = effective.getByRole('row').filter({ hasText: 'require-concurrent-index-creation' });
  await expect(rci).toContainText('error');
  await expect(rci).toContainText(/← safety@/);
  await shot(page, 'rules-01-effective-config');

  // the tabs are keyboard-driven: ArrowRight moves to Rules
  await page.getByRole('tab', { name: 'Effective configuration' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: /^Rules/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByLabel('Filter rules').fill('concurrent');
  const ruleRows = page.getByRole('table', { name: 'Rules' }).locator('tbody tr');
  await expect(ruleRows.first()).toBeVisible();
  await page.locator('#rule-require-concurrent-index-creation').focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Rule detail' });
  await expect(detail).toContainText('require-concurrent-index-creation');
  await expect(detail).toContainText('Instead:');
  await expect(detail).toContainText(/safety@/);
  await shot(page, 'rules-02-rule-detail');

  await page.getByRole('tab', { name: /^Libraries/ }).click();
  const safety = page.locator('details.library', { hasText: 'safety@1.1.0' });
  await safety.locator('summary').click();
  await expect(safety.getByRole('table')).toContainText('require-concurrent-index-creation');
  await expect(page.locator('details.library', { hasText: 'gdpr@' })).toContainText('compliance');
  await shot(page, 'rules-03-libraries');
});
