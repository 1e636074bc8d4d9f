/**
 * axe-core on every screen, in the default state (connected, demo project) and the empty state
 * (no connection, no project): 0 serious and 0 critical violations (issue 13 point 6).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { appUrl, connect, shot } from './helpers';

const SCREENS = ['connect', 'project', 'migrations', 'risk', 'runner', 'perf', 'hooks', 'slo', 'rules', 'fleet'];

async function audit(page: Page, label: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: [${v.impact}] ${v.id} — ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function settle(page: Page): Promise<void> {
  await expect(page.locator('main .state-loading')).toHaveCount(0, { timeout: 60_000 });
}

test.describe('accessibility (axe-core)', () => {
  test.setTimeout(900_000);
  test('empty state of every screen: no connection, no project', async ({ page, request }) => {
    const headers = { authorization: `Bearer ${process.env.E2E_TOKEN}` };
    await request.post(`${process.env.E2E_BASE_URL}api/call/session/set`, { headers, data: { connectionId: null, projectDir: null, screen: 'connect' } });
    await page.goto(appUrl());
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    const problems: string[] = [];
    for (const id of SCREENS) {
      await page.getByTestId(`nav-${id}`).click();
      await settle(page);
      problems.push(...(await audit(page, `${id} (empty)`)));
    }
    await page.getByTestId('nav-risk').click();
    await shot(page, 'a11y-empty-risk');
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('default state of every screen: connected to the demo', async ({ page }) => {
    await connect(page);
    const problems: string[] = [];
    for (const id of SCREENS) {
      await page.getByTestId(`nav-${id}`).click();
      await settle(page);
      problems.push(...(await audit(page, id)));
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
