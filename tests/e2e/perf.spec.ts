import { expect, test, type Page } from '@playwright/test';
import { approvePending, connect, shot } from './helpers';

/** Calls a procedure through the local web bridge with the page's session cookie. */
async function call<T>(page: Page, name: string, input: unknown): Promise<T> {
  const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/${name}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } } & T;
  if (res.status() !== 200 || body.ok === false) throw new Error(`${name}: ${body.error?.message ?? res.status()}`);
  return (body.value ?? body) as T;
}

test('performance: capture a baseline, compare with a capture now, read a query distribution and its plans', async ({ page }) => {
  // three captures of the demo workload on a shared, loaded machine
  test.setTimeout(600_000);
  await connect(page);
  const info = await call<{ demoProjectDir: string }>(page, 'app/info', {});
  const conns = await call<{ id: string; kind: string; database: string }[]>(page, 'connection/list', {});
  const db = process.env.E2E_DB_URL ? new URL(process.env.E2E_DB_URL).pathname.slice(1) : null;
  const conn = [...conns].reverse().find((c) => (db ? c.kind === 'url' && c.database === db : c.kind === 'embedded'))!;
  const status = await call<{ migrations: { version: string; state: string }[] }>(page, 'project/status', { dir: info.demoProjectDir, connectionId: conn.id });
  const baseSchemaMissing = status.migrations.some((m) => m.version <= '0004' && m.state !== 'applied');

  await page.getByTestId('nav-perf').click();
  await expect(page.getByRole('heading', { name: 'Performance' })).toBeVisible();
  await expect(page.getByText(/\d+ queries in .*workload\.yaml/)).toBeVisible();
  const name = page.getByRole('textbox', { name: 'Baseline name' });
  const stamp = Date.now().toString(36);

  if (baseSchemaMissing) {
    // the workload reads shop tables: on a database without them the capture says so and points to the Runner
    await name.fill(`no-tables-${stamp}`);
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'could run' });
    await expect(alert).toContainText('does not exist');
    await expect(alert.getByRole('button', { name: 'Open the Runner' })).toBeVisible();
    await shot(page, 'perf-01-tables-missing');
    // apply the baseline schema (0001-0004) through the runner's procedure (the demo requires approvals above low)
    await approvePending(page, info.demoProjectDir, conn.id, '0004');
    const report = await call<{ ok: boolean }>(page, 'runner/apply', { dir: info.demoProjectDir, connectionId: conn.id, to: '0004' });
    expect(report.ok).toBe(true);
  }

  await name.fill(`before-${stamp}`);
  await page.getByRole('button', { name: 'Capture', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `before-${stamp}` })).toContainText(/Saved .* (\d+) of \1 queries timed/, { timeout: 150_000 });
  await shot(page, 'perf-02-captured');

  // compare the new baseline with a capture made now
  const baseSelect = page.getByLabel('Baseline', { exact: true });
  const baseId = await baseSelect.locator('option', { hasText: `before-${stamp}` }).getAttribute('value');
  await baseSelect.selectOption(baseId!);
  await page.getByLabel('Compare against').selectOption('__now__');
  await page.getByRole('button', { name: 'Capture now and compare' }).click();
  const verdicts = page.getByRole('table', { name: 'Verdict per query' });
  await expect(verdicts).toBeVisible({ timeout: 150_000 });
  await expect(page.getByText(/\d+ regression\(s\), \d+ improvement\(s\)/)).toBeVisible();
  const rows = page.getByTestId('perf-query-row');
  expect(await rows.count()).toBeGreaterThan(3);
  // the overview: one dot per compared query on a log ratio axis, with its legend
  const forest = page.getByRole('figure', { name: /^Forest plot:/ });
  await expect(forest).toBeVisible();
  await expect(forest.locator('.recharts-surface')).toBeVisible();
  await expect(forest).toContainText('after / before ratio (log scale');
  await expect(forest).toContainText('practical threshold');
  expect(await forest.locator('.recharts-yAxis .recharts-cartesian-axis-tick').count()).toBe(await rows.count());
  // no y label is cut: each tick text fits inside the chart's left edge
  const box = (await forest.locator('.recharts-surface').boundingBox())!;
  for (const t of await forest.locator('.recharts-yAxis .recharts-cartesian-axis-tick text').all()) {
    const b = (await t.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(box.x - 1);
  }
  await forest.scrollIntoViewIfNeeded();
  await shot(page, 'perf-03-compared');
  // a tooltip on hover names the query and its interval
  await forest.locator('.recharts-scatter-symbol').first().hover();
  await expect(page.getByRole('tooltip').filter({ hasText: /interval \[/ })).toBeVisible();
  await shot(page, 'perf-03b-forest-tooltip');

  // keyboard: Enter on a row opens its distributions and plans
  await rows.first().focus();
  await page.keyboard.press('Enter');
  const id = (await rows.first().locator('code').textContent())!;
  const detail = page.getByRole('region', { name: `Details of ${id}` });
  await expect(detail.getByRole('figure', { name: /Timings: baseline median/ })).toBeVisible();
  await expect(detail.locator('.recharts-surface').first()).toBeVisible();
  await expect(detail.getByRole('tree', { name: 'Baseline plan' })).toBeVisible();
  await expect(detail.getByRole('tree', { name: 'Current plan' })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await detail.scrollIntoViewIfNeeded();
  await shot(page, 'perf-04-query-detail');

  // a second saved baseline: the history chart of a query then has two points
  await name.fill(`after-${stamp}`);
  await page.getByRole('button', { name: 'Capture', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `after-${stamp}` })).toContainText(/Saved/, { timeout: 150_000 });
  const afterId = await page.getByLabel('Compare against').locator('option', { hasText: `after-${stamp}` }).getAttribute('value');
  await page.getByLabel('Compare against').selectOption(afterId!);
  await expect(page.getByRole('figure', { name: /^Forest plot:/ })).toBeVisible({ timeout: 60_000 });
  await rows.first().click();
  const id2 = (await rows.first().locator('code').textContent())!;
  const detail2 = page.getByRole('region', { name: `Details of ${id2}` });
  const history = detail2.getByRole('figure', { name: new RegExp(`^History of ${id2.replace(/[[\]]/g, '\\$&')}: median over \\d+ baselines`) });
  await expect(history).toBeVisible();
  await expect(history).toContainText('interquartile range');
  await expect(history.locator('.recharts-line')).toBeVisible();
  await history.scrollIntoViewIfNeeded();
  await shot(page, 'perf-05-history');
});
