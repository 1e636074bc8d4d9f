import { expect, test, type Page } from '@playwright/test';
import { connect, shot } from './helpers';

/** The rows of the risk table, top to bottom: version and score. */
const LEVELS = ['low', 'medium', 'high', 'critical'];

async function riskRows(page: Page): Promise<{ version: string; level: number; score: number }[]> {
  const raw = await page.locator('tr[data-risk-row]').evaluateAll((rows) =>
    rows.map((r) => ({ version: r.getAttribute('data-risk-row') ?? '', badge: r.querySelector('.badge')?.textContent ?? '' })),
  );
  return raw.map((r) => ({
    version: r.version,
    level: LEVELS.findIndex((l) => r.badge.trim().startsWith(l)),
    score: Number(r.badge.replace(/[^0-9.]/g, '')),
  }));
}

test('risk: pending migrations ranked worst first, detail by keyboard, approval recorded in the audit trail', async ({ page }) => {
  test.setTimeout(60_000);
  await connect(page);
  await page.getByTestId('nav-risk').click();
  await expect(page.getByRole('heading', { name: 'Risk', exact: true })).toBeVisible();
  const table = page.getByRole('table', { name: 'Migration plan' });
  await expect(table).toBeVisible();
  await expect(page.getByRole('button', { name: 'Highest risk first' })).toHaveAttribute('aria-pressed', 'true');

  const rows = await riskRows(page);
  expect(rows.length).toBeGreaterThan(0);
  // worst first: by level (floors can lift a lower score to a higher level), then by score
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    expect(a.level).toBeGreaterThanOrEqual(b.level);
    if (a.level === b.level) expect(a.score).toBeGreaterThanOrEqual(b.score);
  }
  const at = (v: string) => rows.findIndex((r) => r.version === v);
  // the plain CREATE INDEX (0005) outranks its CONCURRENTLY counterpart (0006) when both are pending
  if (at('0005') >= 0 && at('0006') >= 0) expect(at('0005')).toBeLessThan(at('0006'));
  await page.locator('main.content').evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'risk-01-ranked');

  // the table fits at 1400 px: no horizontal scrolling
  const overflow = await page.locator('.risk-screen .split-main').evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // plan order puts the versions back in sequence
  await page.getByRole('button', { name: 'Plan order' }).click();
  const planOrder = (await riskRows(page)).map((r) => r.version);
  expect(planOrder).toEqual([...planOrder].sort());
  await page.getByRole('button', { name: 'Highest risk first' }).click();

  // keyboard: the top row is focusable, ArrowDown + Enter opens the next migration's detail
  const target = at('0005') >= 0 ? '0005' : rows[0]!.version;
  const targetRow = page.locator(`tr[data-risk-row="${target}"]`);
  await targetRow.focus();
  await page.keyboard.press('Enter');
  await expect(targetRow).toHaveAttribute('aria-selected', 'true');
  const side = page.getByRole('complementary', { name: `Statements and approval of ${target}` });
  await expect(side).toBeVisible();
  if (target === '0005') {
    await expect(side).toContainText('CREATE INDEX orders_created_at_idx');
    await expect(side).toContainText('Safer:');
  }
  await expect(page.getByRole('figure', { name: new RegExp(`Risk breakdown of ${target}`) })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Factors' })).toBeVisible();
  await shot(page, 'risk-02-detail');
  await page.getByRole('figure', { name: new RegExp(`Risk breakdown of ${target}`) }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'risk-03-locks-and-facts');

  // approve: the decision lands in the hash-chained audit trail and the table
  const who = `e2e-dba-${Date.now().toString(36)}`;
  await side.getByLabel('Your name').fill(who);
  await side.getByLabel('Comment').fill('reviewed in e2e: off-peak window');
  await side.getByRole('button', { name: /^Approve at/ }).click();
  const trail = side.getByRole('list', { name: `Decisions on ${target}` });
  await expect(trail).toContainText(`approved by ${who}`);
  await expect(trail).toContainText('off-peak window');
  await expect(side).toContainText(/Hash chain intact \(\d+ entries\)/);
  await expect(targetRow.locator('.badge').last()).toHaveText('approved');
  await side.evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'risk-04-approved');
});
