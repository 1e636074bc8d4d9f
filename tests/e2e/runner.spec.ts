import { expect, test, type Page } from '@playwright/test';
import { approvePending, connect, shot } from './helpers';

/** Approves the demo's pending migrations up to `to` against the app's current connection. */
async function approveDemoUpTo(page: Page, to: string): Promise<void> {
  const call = async <T>(name: string, input: unknown): Promise<T> => ((await (await page.request.post(`${process.env.E2E_BASE_URL}api/call/${name}`, { data: input })).json()) as { value: T }).value;
  const info = await call<{ demoProjectDir: string }>('app/info', {});
  const conns = await call<{ id: string; kind: string; database: string }[]>('connection/list', {});
  const db = process.env.E2E_DB_URL ? new URL(process.env.E2E_DB_URL).pathname.slice(1) : null;
  const conn = [...conns].reverse().find((c) => (db ? c.kind === 'url' && c.database === db : c.kind === 'embedded'))!;
  await approvePending(page, info.demoProjectDir, conn.id, to);
}

/** The pending migrations of the plan, in order, with their transaction mode and statement count. */
async function planMigrations(page: Page): Promise<{ version: string; tx: boolean; statements: number }[]> {
  return page.locator('tbody[data-testid^="plan-migration-"]').evaluateAll((bodies) =>
    bodies.map((b) => ({
      version: (b.getAttribute('data-testid') ?? '').replace('plan-migration-', ''),
      tx: b.classList.contains('tx-in'),
      statements: b.querySelectorAll('tr.stmt').length,
    })),
  );
}

test('runner: dry-run reports locks; step-through to a breakpoint, step, abort', async ({ page }) => {
  test.setTimeout(240_000);
  await connect(page);
  await page.getByTestId('nav-runner').click();
  await expect(page.getByRole('heading', { name: 'Runner' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Run plan' })).toBeVisible();
  await shot(page, 'runner-01-plan');

  const plan = await planMigrations(page);
  // a later migration that runs in one transaction and has a statement after the one we step over
  const target = plan.slice(1).find((m) => m.tx && m.statements >= 3);
  expect(target, 'the demo has a pending transactional migration with 3+ statements after the first').toBeTruthy();
  const t = target!.version;
  const before = plan.slice(0, plan.findIndex((m) => m.version === t)).map((m) => m.version);

  // ---- dry-run: locks per statement, summary, nothing applied
  await page.getByTestId('run-dryrun').click();
  const summary = page.getByTestId('run-summary');
  await expect(summary).toContainText('Dry-run: Succeeded');
  await expect(summary).toContainText('rolled back');
  await expect(page.getByTestId('dryrun-facts')).toContainText('AccessExclusiveLock');
  await expect(page.locator('.plan .lock-chip').first()).toBeVisible();
  await expect(page.getByTestId(`stmt-${t}-0`)).toHaveAttribute('data-status', 'done');
  await shot(page, 'runner-02-dry-run');

  // ---- step-through: paused before the very first statement (the demo requires approvals above low)
  await approveDemoUpTo(page, t);
  await page.getByTestId('run-clear').click();
  await page.getByTestId('run-step-start').click();
  const first = plan[0]!.version;
  await expect(page.getByTestId(`stmt-${first}-0`)).toHaveAttribute('data-status', 'next');
  await expect(page.getByTestId('run-status')).toContainText('paused');
  await expect(page.getByTestId('run-step')).toBeEnabled();
  await expect(page.getByTestId('run-dryrun')).toBeDisabled();

  // a breakpoint on the second statement of the later migration, set while paused
  const bp = page.getByTestId(`bp-${t}-1`);
  await bp.click();
  await expect(bp).toHaveAttribute('aria-pressed', 'true');

  // F5 continues to the breakpoint: the migrations before it are committed
  await page.keyboard.press('F5');
  // each gated migration is verified against the approvals first: allow for a loaded machine
  await expect(page.getByTestId(`stmt-${t}-1`)).toHaveAttribute('data-status', 'next', { timeout: 120_000 });
  await expect(page.getByTestId(`stmt-${t}-0`)).toHaveAttribute('data-status', 'done');
  for (const v of before) await expect(page.getByTestId(`plan-migration-${v}`).locator('.outcome')).toHaveText('applied');
  await shot(page, 'runner-03-at-breakpoint');

  // F10 steps over exactly one statement
  await page.keyboard.press('F10');
  await expect(page.getByTestId(`stmt-${t}-2`)).toHaveAttribute('data-status', 'next');
  await expect(page.getByTestId(`stmt-${t}-1`)).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('lock-monitor')).toContainText('Relation locks we hold');
  await shot(page, 'runner-04-stepped');

  // abort asks first; the open transaction is rolled back
  await page.getByTestId('run-abort').click();
  const dialog = page.getByRole('dialog', { name: 'Abort the run?' });
  await expect(dialog).toBeVisible();
  await shot(page, 'runner-05-abort-confirm');
  await dialog.getByRole('button', { name: 'Abort the run' }).click();
  await expect(summary).toContainText('Step-through: Cancelled');
  await expect(page.getByTestId('run-status')).toHaveCount(0);
  await expect(page.getByTestId(`stmt-${t}-0`)).toHaveAttribute('data-status', 'rolled_back');
  await expect(page.getByTestId(`plan-migration-${t}`).locator('.outcome')).toHaveText('cancelled');
  await expect(page.getByTestId('lock-monitor')).toContainText(/Nobody is blocked|The run has ended: its connection is closed and every lock it held is released/);
  await shot(page, 'runner-06-aborted');

  // the Migrations screen: committed ones applied, the aborted one and the rest still pending
  await page.getByTestId('nav-migrations').click();
  const row = (v: string) => page.getByTestId('migration-row').filter({ has: page.locator('code', { hasText: new RegExp(`^${v}$`) }) });
  for (const v of before) await expect(row(v)).toContainText('applied');
  for (const m of plan.slice(before.length)) await expect(row(m.version)).toContainText('pending');
  await page.locator('main.content').evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'runner-07-migrations-after-abort');
});
