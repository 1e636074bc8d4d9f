import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { connect, shot } from './helpers';

/**
 * Approvals on the seeded demo (which requires one above `low`): the Apply dialog lists each
 * pending migration's risk and approval state and refuses what the gate would; the Approve button,
 * the badge and the audit trail show one number; a tampered audit log shows as revoked approvals
 * on the Risk screen and in the Apply dialog.
 */
test('approvals: the Apply dialog refuses unapproved migrations, one score everywhere, tampering shown', async ({ page }) => {
  test.setTimeout(300_000);
  await connect(page);

  // ---- the Apply dialog before any approval
  await page.getByTestId('nav-runner').click();
  await expect(page.getByRole('heading', { name: 'Runner' })).toBeVisible();
  await page.getByTestId('run-apply').click();
  const dialog = page.getByRole('dialog');
  const list = dialog.getByTestId('apply-approvals');
  await expect(list).toBeVisible({ timeout: 60_000 });
  await expect(list).toContainText('requires an approval above low');
  await expect(list.locator('tr.refused').first()).toBeVisible();
  await expect(list).toContainText('confiture approve');
  const firstRefused = await list.locator('tr.refused').first().getAttribute('data-testid');
  const refusedVersion = firstRefused!.replace('apply-row-', '');
  const confirm = dialog.getByTestId('confirm-action');
  await expect(confirm).toHaveText(/Nothing can be applied|Apply \d+ \(up to /);
  await shot(page, 'approvals-01-apply-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // ---- approve that migration on the Risk screen: button, badge and trail show the same score
  await page.getByTestId('nav-risk').click();
  const row = page.locator(`tr[data-risk-row="${refusedVersion}"]`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  const badge = (await row.locator('.badge').first().textContent())!.trim();
  const shownScore = badge.split(' ')[1]!;
  expect(shownScore).toMatch(/^\d+\.\d$/);
  await row.click();
  const side = page.getByRole('complementary', { name: `Statements and approval of ${refusedVersion}` });
  await expect(side.getByTestId('approve')).toHaveText(new RegExp(`\\(${shownScore.replace('.', '\\.')}\\)$`));
  await expect(page.getByRole('figure', { name: new RegExp(`Risk breakdown of ${refusedVersion}: score ${shownScore.replace('.', '\\.')},`) })).toBeVisible();
  await side.getByLabel('Your name').fill('e2e approver');
  await side.getByLabel('Comment').fill('checked the lock plan');
  await side.getByTestId('approve').click();
  const trail = side.getByRole('list', { name: `Decisions on ${refusedVersion}` });
  await expect(trail).toContainText(`approved by e2e approver at risk`);
  await expect(trail).toContainText(`(${shownScore})`);
  await expect(side.getByTestId('audit-verification')).toContainText(/Hash chain intact \(\d+ entr(y|ies), \d+ anchored in database/);
  await expect(row.locator('.badge').last()).toHaveText('approved');
  await side.evaluate((el) => el.scrollTo(0, 0));
  await shot(page, 'approvals-02-approved-same-score');

  // ---- tamper with the audit log: the Risk screen and the Apply dialog show it, approvals revoked
  const log = path.join(process.env.E2E_DATA_DIR!, 'demo-project', 'approvals', 'audit.log');
  const original = fs.readFileSync(log, 'utf8');
  try {
    fs.writeFileSync(log, original.replace('checked the lock plan', 'checked nothing'));
    // leave and come back: the screen asks the engine again (no reload: the connection stays)
    await page.getByTestId('nav-migrations').click();
    await page.getByTestId('nav-risk').click();
    await expect(row).toBeVisible({ timeout: 60_000 });
    await row.click();
    await expect(side.getByTestId('audit-verification')).toContainText('Audit log tampered', { timeout: 30_000 });
    await expect(side.getByTestId('approval-state')).toContainText('revoked');
    await expect(row.locator('.badge').last()).toHaveText('revoked');
    await expect(side.getByTestId('approve')).toBeDisabled();
    await expect(side.getByTestId('approval-repair')).toBeVisible();
    await side.evaluate((el) => el.scrollTo(0, 0));
    await shot(page, 'approvals-03-tampered-risk');

    await page.getByTestId('nav-runner').click();
    await page.getByTestId('run-apply').click();
    await expect(dialog.getByTestId('apply-audit-broken')).toBeVisible({ timeout: 60_000 });
    await expect(dialog.getByTestId(`apply-row-${refusedVersion}`)).toContainText('revoked');
    await expect(dialog.getByTestId(`apply-row-${refusedVersion}`)).toHaveClass(/refused/);
    await shot(page, 'approvals-04-apply-dialog-tampered');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    fs.writeFileSync(log, original);
  }
});
