import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { connect, databaseUrl, shot } from './helpers';

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

  // the demo requires a sign-off above low: a low row needs none and says "not required", never "not approved"
  const approvalCells = await page.locator('tr[data-risk-row]').evaluateAll((trs) =>
    trs.map((r) => ({ badge: (r.querySelector('.badge')?.textContent ?? '').trim(), approval: (r.querySelector('td:last-child')?.textContent ?? '').trim() })),
  );
  const lows = approvalCells.filter((c) => c.badge.startsWith('low'));
  for (const c of lows) expect(c.approval).not.toBe('not approved');
  if (lows.length) expect(lows.some((c) => c.approval === 'not required')).toBe(true);
  // … and its approval panel says so too, with the threshold (it used to say only "missing")
  if (lows.length) {
    await page.locator('tr[data-risk-row]').filter({ has: page.locator('.badge', { hasText: /^low/ }) }).first().click();
    await expect(page.getByTestId('approval-state')).toContainText('not required: the project requires one above low');
  }

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
  await expect(side).toContainText(/Hash chain intact \(\d+ entr(y|ies)/);
  await expect(targetRow.locator('.badge').last()).toHaveText('approved');
  await side.evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'risk-04-approved');
});

test('risk after a rehearsal: held locks in the Runner, measured vs predicted, calibration plot of past applies', async ({ page }) => {
  test.setTimeout(300_000);
  await connect(page);
  // ---- rehearse the whole plan in the Runner: every lock held shows, with the statement that took it
  await page.getByTestId('nav-runner').click();
  await expect(page.getByRole('table', { name: 'Run plan' })).toBeVisible();
  await page.getByTestId('run-dryrun').click();
  await expect(page.getByTestId('run-summary')).toContainText('Dry-run: Succeeded', { timeout: 240_000 });
  // 0019's AccessExclusiveLock on shop.orders shows although an earlier migration (0007, or the
  // CREATE TABLE of 0003 when the demo is not seeded) holds it already: as its own lock when it
  // could be rehearsed alone, otherwise as "held … since"
  const s19 = page.getByTestId('stmt-0019-0');
  await expect(s19.locator('.lock-chip').filter({ hasText: 'AccessExclusiveLock' }).filter({ hasText: 'shop.orders' }).first()).toBeVisible();
  // later statements show what they run under: "held … since <version> #<n>"
  await expect(page.getByTestId('held-lock').first()).toContainText(/held .* since \d{4} #\d+/);
  await s19.scrollIntoViewIfNeeded();
  await shot(page, 'risk-10-runner-held-locks');

  // ---- the Risk screen after the rehearsal: measured vs predicted per statement
  await page.getByTestId('nav-risk').click();
  await page.getByRole('button', { name: /Re-assess/ }).click();
  await page.getByRole('button', { name: 'Plan order' }).click();
  const row = page.locator('tr[data-risk-row="0022"]');
  await row.click();
  const mvp = page.getByRole('table', { name: 'Measured vs predicted' });
  await expect(mvp).toBeVisible();
  await expect(mvp).toContainText('update');
  await expect(mvp.locator('tbody tr')).toHaveCount(2);
  const verdicts = await mvp.locator('tbody tr td:last-child').allTextContents();
  for (const v of verdicts) expect(['inside', 'outside', 'anomaly']).toContain(v.trim());
  await expect(page.getByRole('table', { name: 'Factors' })).toContainText(/measured .*, predicted .*\(90 %/);
  await mvp.scrollIntoViewIfNeeded();
  await shot(page, 'risk-11-measured-vs-predicted');

  // ---- calibration plot: predicted vs measured durations of past real applies
  const heading = page.getByRole('heading', { name: /Calibration: predicted vs measured/ });
  await heading.scrollIntoViewIfNeeded();
  // the database is shared by every spec: earlier ones may have applied migrations already
  const plot = page.getByTestId('calibration-plot');
  const empty = page.getByText('No past applies yet');
  const count = plot.getByText(/\d+ statements? applied with a prediction/);
  await expect(empty.or(count)).toBeVisible();
  let before = 0;
  if (await empty.isVisible()) await shot(page, 'risk-12-calibration-empty');
  else before = Number(/(\d+) statements? applied/.exec((await count.textContent()) ?? '')![1]);
  // past applies as the engine records them (risk_predictions with their actual durations)
  const c = new pg.Client({ connectionString: await databaseUrl(page) });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO confiture.risk_predictions (version, checksum, statement_index, operation, predicted_ms, low_ms, high_ms, basis, actual_ms, actual_at, inside)
       SELECT '9' || lpad(g::text, 3, '0'), 'x', 0, (ARRAY['rewrite','dml','index_build','scan'])[1 + g % 4], p, p / 2, p * 2, 'measured_throughput', a, now() - g * interval '1 hour', a BETWEEN p / 2 AND p * 2
       FROM (SELECT g, 10 ^ (1 + g / 8.0) AS p, 10 ^ (1 + g / 8.0) * (0.6 + (g % 5) * 0.35) AS a FROM generate_series(1, 24) g) x`,
    );
  } finally {
    await c.end();
  }
  await page.getByRole('button', { name: 'Refresh past applies' }).click();
  await expect(plot).toContainText(`${before + 24} statements applied with a prediction`);
  await expect(plot).toContainText('predicted duration (log scale)');
  await expect(plot).toContainText('measured (log)');
  // tooltips: hovering a point names the migration, the prediction and the measurement
  await plot.scrollIntoViewIfNeeded();
  // earlier specs' real applies stack points on each other near the origin, and a point under
  // another never passes Playwright's actionability check (stop 17's CI) nor reliably gets the
  // pointer (stop 18's): move the mouse onto the right-most point — the seeded 10 s one, alone
  // (the plot may re-render once more after the refresh: re-read the positions and move again until the tip shows)
  await expect(async () => {
    const centres = await plot.locator('.recharts-scatter .recharts-symbols').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })),
    );
    expect(centres.length).toBeGreaterThanOrEqual(24);
    const right = centres.reduce((a, b) => (b.x > a.x ? b : a));
    await page.mouse.move(right.x - 40, right.y + 40);
    await page.mouse.move(right.x, right.y, { steps: 5 });
    await expect(page.locator('.chart-tip')).toContainText(/predicted.*measured/s, { timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await shot(page, 'risk-13-calibration-plot');
});
