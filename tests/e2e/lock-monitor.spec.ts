/**
 * The lock monitor while a run waits on a real lock (issue 13 point 4): the Wait column of both
 * session tables is on screen, without horizontal scrolling, at 1280×800 and 1440×900, and no
 * word in their cells is cut in two across lines.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { connect, shot } from './helpers';

async function api<T>(page: Page, name: string, input: unknown): Promise<T> {
  const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/${name}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (res.status() !== 200 || body.ok === false) throw new Error(`${name}: ${body.error?.message ?? res.status()}`);
  return body.value as T;
}

/** The database the app is connected to: $DATABASE_URL's test database, or the embedded server (its generated password). */
async function databaseUrl(page: Page): Promise<string> {
  if (process.env.E2E_DB_URL) return process.env.E2E_DB_URL;
  const p = await api<{ host: string; port: number; user: string; database: string; passwordFile: string }>(page, 'embedded/psql', {});
  const { password } = JSON.parse(fs.readFileSync(p.passwordFile, 'utf8')) as { password: string };
  return `postgres://${encodeURIComponent(p.user)}:${encodeURIComponent(password)}@${p.host}:${p.port}/${encodeURIComponent(p.database)}`;
}

test('lock monitor: the wait column shows without horizontal scroll at 1280×800 and 1440×900', async ({ page }) => {
  test.setTimeout(150_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-lockmon-e2e-'));
  fs.chmodSync(dir, 0o755);
  const schema = `lockmon_${crypto.randomBytes(4).toString('hex')}`;
  const table = `${schema}_orders`;
  fs.writeFileSync(path.join(dir, 'confiture.yaml'), `name: lockmon-e2e\ntracking:\n  schema: ${schema}\nrisk:\n  requireApprovalAbove: null\nengine:\n  lockTimeout: 90s\n  lockRetries: 0\nslo:\n  objectives:\n    - id: nobody-waits\n      description: our migrations make no other session wait\n      sli: blocked_wait_ms\n      objective: 0.99\n      threshold: 1ms\n`);
  fs.mkdirSync(path.join(dir, 'migrations'));
  fs.writeFileSync(path.join(dir, 'migrations', '0001_create_orders.up.sql'), `CREATE TABLE ${table} (id int);\n`);
  fs.writeFileSync(path.join(dir, 'migrations', '0002_add_orders_note.up.sql'), `ALTER TABLE ${table} ADD COLUMN note text;\n`);
  const clients: pg.Client[] = [];
  try {
    await connect(page);
    const { connectionId } = await api<{ connectionId: string }>(page, 'session/get', {});
    await page.getByTestId('nav-project').click();
    await page.getByTestId('project-dir').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByText('lockmon-e2e').first()).toBeVisible();
    await api(page, 'runner/apply', { dir, connectionId, to: '0001' });

    // a report holding a lock in an open transaction: our ALTER waits on it; a reader queues behind us
    const url = await databaseUrl(page);
    const blocker = new pg.Client({ connectionString: url, application_name: 'nightly-report-with-a-long-application-name' });
    const waiter = new pg.Client({ connectionString: url, application_name: 'checkout-service' });
    clients.push(blocker, waiter);
    for (const c of clients) c.on('error', () => undefined);
    await blocker.connect();
    await waiter.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT count(*) AS orders_in_the_nightly_report_window FROM ${table} WHERE id > 0`);

    await page.getByTestId('nav-runner').click();
    await page.getByTestId('run-apply').click();
    await page.getByRole('button', { name: /^Apply 1 migration/ }).click();
    const monitor = page.getByTestId('lock-monitor');
    await expect(monitor).toContainText('waiting for a lock');
    const waiting = waiter.query(`SELECT count(*) FROM ${table}`).catch((e: unknown) => e);
    const blocking = monitor.getByRole('table', { name: 'Sessions blocking us' });
    const blocked = monitor.getByRole('table', { name: 'Sessions we block' });
    await expect(blocking).toContainText('nightly-report');
    await expect(blocked).toContainText('checkout-service');

    for (const [width, height] of [
      [1280, 800],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const t of [blocking, blocked]) {
        const wait = t.getByRole('columnheader', { name: /^Wait(ing)?$/ });
        await wait.scrollIntoViewIfNeeded();
        await expect(wait).toBeVisible();
        const box = (await wait.boundingBox())!;
        const panel = (await monitor.boundingBox())!;
        // the whole column header is inside the panel and the window
        expect(box.x + box.width).toBeLessThanOrEqual(Math.min(width, panel.x + panel.width) + 1);
      }
      // how long the reader has been waiting on us, in full
      await expect(blocked.locator('tbody tr').first().locator('td').last()).toHaveText(/^(<1 ms|\d+ ms|\d+\.\d s|\d+ min \d+ s)$/);
      // no header runs into its neighbour
      const headers = await blocking.locator('thead th').evaluateAll((ths) => ths.map((th) => th.scrollWidth - th.clientWidth));
      expect(Math.max(...headers)).toBeLessThanOrEqual(1);
      const overflow = await page.evaluate(() => {
        const side = document.querySelector('.runner-side') as HTMLElement;
        const tables = [...document.querySelectorAll('[data-testid="lock-monitor"] table')] as HTMLElement[];
        return {
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          side: side.scrollWidth - side.clientWidth,
          tables: Math.max(...tables.map((t) => t.scrollWidth - (t.parentElement?.clientWidth ?? t.clientWidth))),
        };
      });
      // no word cut in two across lines (a lock mode, an application name), and a value cut short
      // by "…" carries the whole of it on hover
      const cells = await page.evaluate(() => {
        const cut: string[] = [];
        const untitled: string[] = [];
        for (const td of document.querySelectorAll('[data-testid="lock-monitor"] table tbody td')) {
          const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (const m of (n.textContent ?? '').matchAll(/\S+/g)) {
              const r = document.createRange();
              r.setStart(n, m.index);
              r.setEnd(n, m.index + m[0].length);
              const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
              if (tops.size > 1) cut.push(m[0]);
            }
          }
        }
        for (const el of document.querySelectorAll('[data-testid="lock-monitor"] table tbody .clip, [data-testid="lock-monitor"] table tbody .query-excerpt')) {
          if (el.scrollWidth > el.clientWidth + 1 && !(el as HTMLElement).title) untitled.push(el.textContent ?? '');
        }
        return { cut, untitled };
      });
      expect(cells.cut).toEqual([]);
      expect(cells.untitled).toEqual([]);
      // the lock modes are there to be checked, whole
      expect((await monitor.locator('table tbody').allInnerTexts()).join('\n')).toMatch(/\bAccess(Share|Exclusive)Lock\b/);
      expect(overflow.page).toBeLessThanOrEqual(1);
      expect(overflow.side).toBeLessThanOrEqual(1);
      expect(overflow.tables).toBeLessThanOrEqual(1);
      await monitor.scrollIntoViewIfNeeded();
      await shot(page, `lock-monitor-wait-${width}x${height}`);
    }

    await blocker.query('ROLLBACK');
    await waiting;
    await expect(page.getByTestId('run-summary')).toBeVisible({ timeout: 60_000 });
    // the summary says whom the migration made wait, and for how long at least (the monitor's samples)
    const blockedOthers = page.getByTestId('blocked-others');
    await expect(blockedOthers).toContainText(/0002 blocked 1 session \(checkout-service\): the longest waited at least [\d.]+ (ms|s) \(lock monitor, every/);
    await blockedOthers.scrollIntoViewIfNeeded();
    await shot(page, 'lock-monitor-blocked-others');

    // kept with the run: the Migrations screen marks the migration and says it in its detail
    await page.getByTestId('nav-migrations').click();
    const row = page.locator('[data-testid="migration-row"][data-version="0002"]');
    await expect(row.getByLabel('blocked 1 session')).toHaveText('⚠ 1');
    await row.click();
    await expect(page.getByText('Linting…')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('migration-blocked-others')).toContainText(/its locks blocked 1 session \(checkout-service\): the longest waited at least [\d.]+ (ms|s)/);
    await shot(page, 'migrations-blocked-others');

    // … and judged by the blocked_wait_ms objective: 0001 made nobody wait (good), 0002 did (bad)
    await page.getByTestId('nav-slo').click();
    const card = page.getByTestId('slo-card-nobody-waits');
    await expect(card).toContainText('violated');
    await expect(card).toContainText('1 good of 2');
    const summary = card.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const events = page.getByRole('table', { name: 'Violating events of nobody-waits' });
    await expect(events).toContainText('0002');
    await expect(events).toContainText('0002_add_orders_note: blocked 1 session (checkout-service)');
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'slo-blocked-wait');
  } finally {
    // the engine remembers the session: leave none pointing at the removed temp project for the next spec
    await page.request.post(`${process.env.E2E_BASE_URL}api/call/session/set`, { data: { connectionId: null, projectDir: null, screen: null } }).catch(() => undefined);
    for (const c of clients) await c.end().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
