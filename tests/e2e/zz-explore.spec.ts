import { test } from '@playwright/test';
import { connect, shot } from './helpers';

test('explore', async ({ page }) => {
  await connect(page);
  for (const id of ['risk', 'perf', 'rules', 'hooks', 'migrations']) {
    await page.getByTestId(`nav-${id}`).click();
    await page.waitForTimeout(4000);
    await shot(page, `x-${id}`);
  }
  await page.getByTestId('migration-row').nth(4).click();
  await page.waitForTimeout(3000);
  await shot(page, 'x-mig-detail');
  await page.getByTestId('nav-rules').click();
  await page.getByRole('tab', { name: /Rules/ }).click();
  await shot(page, 'x-rules-rules');
  await page.getByRole('tab', { name: /Libraries/ }).click();
  await shot(page, 'x-rules-libs');
});
