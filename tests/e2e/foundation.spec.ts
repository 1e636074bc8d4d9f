import { expect, test } from '@playwright/test';
import { appUrl, connect, shot, openApp } from './helpers';

test.describe('browser mode', () => {
  test('the page itself requires the token', async ({ request }) => {
    const base = process.env.E2E_BASE_URL!;
    expect((await request.get(base)).status()).toBe(401);
    expect((await request.get(`${base}?token=wrong`)).status()).toBe(403);
    expect((await request.post(`${base}api/call/app/info`, { data: {} })).status()).toBe(401);
    expect((await request.get(appUrl())).status()).toBe(200);
  });

  test('connection picker, project and the migration list from the real database', async ({ page }) => {
    await openApp(page);
    // the app opens where the engine's session left it: go to the connection picker
    await page.getByTestId('nav-connect').click();
    await expect(page.getByRole('heading', { name: 'Connect to a database' })).toBeVisible();
    await shot(page, '01-connect');

    await connect(page);
    await page.getByTestId('nav-migrations').click();
    const rows = page.getByTestId('migration-row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    await expect(page.getByRole('table', { name: 'Migrations' })).toContainText('pending');
    await shot(page, '02-migrations');

    // keyboard: focus the first row, move down, the detail shows the SQL
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel(/SQL of migration/)).toBeVisible();
    await shot(page, '03-migration-detail');

    await page.getByTestId('nav-project').click();
    await expect(page.getByText('Tracking schema')).toBeVisible();
    await shot(page, '04-project');
  });

  test('a wrong connection string shows a clear error without echoing the password', async ({ page }) => {
    await openApp(page);
    await page.getByTestId('nav-connect').click();
    await page.getByTestId('conn-url').fill('postgres://someone:s3cretpw@127.0.0.1:1/nowhere');
    await page.getByLabel('TLS').selectOption('disable');
    await page.getByTestId('connect-url').click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Could not connect');
    await expect(alert).not.toContainText('s3cretpw');
    await shot(page, '05-connect-error');
  });
});
