import { expect, test } from '@playwright/test';
import { shot, openApp } from './helpers';

test.describe('browser mode token', () => {
  test('is gone from the address bar and the history after the first load; the cookie keeps the session', async ({ page }) => {
    await openApp(page);
    await expect(page.getByRole('heading', { name: 'Connect to a database' })).toBeVisible();
    const href = await page.evaluate(() => location.href);
    expect(href).toBe(process.env.E2E_BASE_URL);
    expect(href).not.toContain(process.env.E2E_TOKEN!);
    expect(page.url()).not.toContain('token');
    await shot(page, 'bridge-token-removed');

    // a reload without the token still works: the HttpOnly cookie carries it
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Connect to a database' })).toBeVisible();
    const info = await page.evaluate(async () => (await fetch('/api/call/app/info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(info).toBe(200);
    // and the page cannot read the token from its cookie
    expect(await page.evaluate(() => document.cookie)).not.toContain(process.env.E2E_TOKEN!);
  });
});
