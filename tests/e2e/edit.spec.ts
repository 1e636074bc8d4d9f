import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { connect, shot } from './helpers';

/**
 * A temp copy of the demo project (never the shipped files) with a tracking schema of its own,
 * plus one tiny migration (0000) the test applies, to show the refusal to edit an applied one.
 */
function demoCopy(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-edit-e2e-'));
  fs.chmodSync(dir, 0o755);
  fs.cpSync(path.resolve('resources/demo'), dir, { recursive: true });
  const schema = `edit_e2e_${crypto.randomBytes(4).toString('hex')}`;
  const cfg = path.join(dir, 'confiture.yaml');
  fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace(/^name: demo$/m, 'name: edit-e2e').replace(/^(tracking:\n {2}schema:) confiture$/m, `$1 ${schema}`));
  expect(fs.readFileSync(cfg, 'utf8')).toContain(schema);
  fs.writeFileSync(path.join(dir, 'migrations', '0000_edit_e2e_marker.up.sql'), '-- applied by the edit e2e test\nSELECT 1;\n');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** axe-core: serious and critical violations only (the suite's bar is 0). */
async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `[${v.impact}] ${v.id} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

async function api<T>(page: Page, name: string, input: unknown): Promise<T> {
  const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/${name}`, { data: input });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (res.status() !== 200 || body.ok === false) throw new Error(`${name}: ${body.error?.message ?? res.status()}`);
  return body.value as T;
}

test('edit in place: save re-lints and re-risks, the approval turns stale, an applied migration asks first', async ({ page }) => {
  test.setTimeout(150_000);
  const project = demoCopy();
  const shipped = fs.readFileSync(path.resolve('resources/demo/migrations/0005_index_orders_created_at.up.sql'), 'utf8');
  try {
    await connect(page);
    const { connectionId } = await api<{ connectionId: string }>(page, 'session/get', {});
    await page.getByTestId('nav-project').click();
    await page.getByTestId('project-dir').fill(project.dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByText('edit-e2e').first()).toBeVisible();

    // 0000 applied, 0005 approved as it ships
    await api(page, 'runner/apply', { dir: project.dir, connectionId, to: '0000' });
    await api(page, 'approval/decide', { dir: project.dir, connectionId, version: '0005', decision: 'approved', by: 'e2e DBA', comment: 'plain index, off-peak' });

    await page.getByTestId('nav-migrations').click();
    const rows = page.getByTestId('migration-row');
    const row = (v: string) => rows.filter({ has: page.locator('code', { hasText: new RegExp(`^${v}$`) }) });
    await row('0005').click();
    const detail = page.getByRole('complementary', { name: 'Migration detail' });
    await expect(detail.getByTestId('detail-approval')).toHaveText('approved by e2e DBA');
    await expect(detail.locator('.cm-finding[data-rule="require-concurrent-index-creation"]')).toBeVisible();
    const riskBefore = (await detail.getByTestId('detail-risk').locator('.badge').textContent({ timeout: 60_000 }))!;
    await shot(page, 'edit-01-approved-before');

    // ---- edit: the pane opens focused, Save is off until something changes
    await detail.getByTestId('edit-sql').click();
    const editor = detail.getByTestId('migration-editor');
    await expect(editor).toBeVisible();
    await expect(editor.getByTestId('editor-save')).toBeDisabled();
    await editor.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    const fixed = shipped.replace('CREATE INDEX orders_created_at_idx', 'CREATE INDEX CONCURRENTLY orders_created_at_idx');
    await page.keyboard.insertText(fixed);
    await expect(editor.getByTestId('editor-save')).toBeEnabled();
    await expect(editor).toContainText('Unsaved changes');
    await shot(page, 'edit-02-editing');
    expect(await axe(page)).toEqual([]);

    // ---- Ctrl+S saves to the file; lint and risk run again; the approval is stale
    await page.keyboard.press('ControlOrMeta+s');
    await expect(detail.getByTestId('editor-saved')).toBeVisible();
    expect(fs.readFileSync(path.join(project.dir, 'migrations', '0005_index_orders_created_at.up.sql'), 'utf8')).toBe(fixed);
    await expect(detail.getByTestId('detail-approval')).toHaveText('approval stale — checksum changed');
    await expect(detail.locator('.cm-finding[data-rule="require-concurrent-index-creation"]')).toHaveCount(0);
    await expect(detail.getByLabel('SQL of migration 0005')).toContainText('CREATE INDEX CONCURRENTLY');
    await expect(detail.getByTestId('detail-risk').locator('.badge')).not.toHaveText(riskBefore, { timeout: 60_000 });
    await shot(page, 'edit-03-saved-stale');
    // the shipped demo is untouched
    expect(fs.readFileSync(path.resolve('resources/demo/migrations/0005_index_orders_created_at.up.sql'), 'utf8')).toBe(shipped);

    // the Risk screen says the same
    await page.getByTestId('nav-risk').click();
    await page.locator('[data-risk-row="0005"]').click();
    await expect(page.getByTestId('approval-state')).toContainText('stale');
    await expect(page.getByTestId('approval-state')).toContainText('the file has changed');

    // ---- an applied migration: refused first, with the reason; the file stays as it is
    await page.getByTestId('nav-migrations').click();
    await row('0000').click();
    await detail.getByTestId('edit-sql').click();
    const warning = detail.getByTestId('applied-edit-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('0000 is applied in the database');
    await expect(warning).toContainText('checksum drift');
    await expect(detail.getByTestId('migration-editor')).toHaveCount(0);
    await shot(page, 'edit-04-applied-refused');
    expect(await axe(page)).toEqual([]);
    await warning.getByTestId('applied-edit-cancel').click();
    await expect(warning).toHaveCount(0);
    await expect(detail.getByTestId('migration-editor')).toHaveCount(0);

    // ---- Cancel discards the draft: nothing written
    await row('0007').click();
    const before7 = fs.readFileSync(path.join(project.dir, 'migrations', '0007_add_orders_currency.up.sql'), 'utf8');
    await detail.getByTestId('edit-sql').click();
    await detail.locator('.migration-editor .cm-content').click();
    await page.keyboard.insertText('-- scratch\n');
    await detail.getByTestId('editor-cancel').click();
    await expect(detail.getByTestId('migration-editor')).toHaveCount(0);
    expect(fs.readFileSync(path.join(project.dir, 'migrations', '0007_add_orders_currency.up.sql'), 'utf8')).toBe(before7);

    // ---- a refused text (a NUL) is shown with its line, nothing written
    await detail.getByTestId('edit-sql').click();
    await detail.locator('.migration-editor .cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('SELECT 1;\u0007\n');
    await detail.getByTestId('editor-save').click();
    const err = detail.getByRole('alert').filter({ hasText: 'Not saved' });
    await expect(err).toContainText('control character (0x07)');
    await shot(page, 'edit-05-refused-control-char');
    expect(fs.readFileSync(path.join(project.dir, 'migrations', '0007_add_orders_currency.up.sql'), 'utf8')).toBe(before7);
  } finally {
    // the engine remembers the session: leave none pointing at the removed temp project for the next spec
    await page.request.post(`${process.env.E2E_BASE_URL}api/call/session/set`, { data: { connectionId: null, projectDir: null, screen: null } }).catch(() => undefined);
    project.remove();
  }
});
