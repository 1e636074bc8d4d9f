/**
 * A migration a killed run left part-way shows as `partial` on the Migrations screen, with the
 * statement it stopped at (issue 11 point 1). The tracking rows are the ones the engine writes when
 * it is killed during the concurrent build of 0006 (see tests/integration/engine/recovery.test.ts
 * for the real kill).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { openProject } from '../../src-main/project';
import { ensureTrackingSchema } from '../../src-main/store';
import { connect, databaseUrl, shot } from './helpers';

test('a partly applied migration: partial badge, filter, and the statement it stopped at', async ({ page }) => {
  test.setTimeout(120_000);
  await connect(page);
  await page.getByTestId('nav-migrations').click();
  const rows = page.getByTestId('migration-row');
  await expect(rows.first()).toBeVisible();

  const demo = openProject(path.resolve('resources/demo'));
  const m6 = demo.migrations.find((m) => m.version === '0006')!;
  const client = new pg.Client({ connectionString: await databaseUrl(page) });
  await client.connect();
  const runId = crypto.randomUUID();
  try {
    await ensureTrackingSchema(client, demo.trackingSchema);
    const applied = await client.query('SELECT 1 FROM confiture.applied_migrations WHERE project = $1 AND version = $2', [demo.id, '0006']);
    test.skip(applied.rowCount !== 0, 'another spec applied 0006 on this database');
    await client.query(
      `INSERT INTO confiture.runs (id, kind, started_by, host, app_version, project, project_id) VALUES ($1, 'up', 'e2e', 'e2e', '0', $2, $3)`,
      [runId, demo.name, demo.id],
    );
    await client.query(
      `INSERT INTO confiture.statement_runs (project, run_id, version, statement_index, direction, started_at, outcome, checksum, line, kind)
       VALUES ($1, $2, '0006', 0, 'up', clock_timestamp(), 'running', $3, NULL, 'create_index')`,
      [demo.id, runId, m6.checksum],
    );

    await page.getByRole('button', { name: '↻ Refresh' }).click();
    const row = rows.filter({ has: page.locator('code', { hasText: /^0006$/ }) });
    const badge = row.locator('.badge-partial');
    await expect(badge).toHaveText('partial');
    await expect(badge).toHaveAttribute('title', /statement 1 \(line \d+\) in flight when the run stopped/);
    // the filter lists it
    await page.getByRole('button', { name: /^partial 1$/ }).click();
    await expect(rows).toHaveCount(1);
    // keyboard: select it, the detail tells where it stopped and what the next run does
    await row.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('partial-panel');
    await expect(panel).toContainText('Partly applied.');
    await expect(panel).toContainText(/Statement 1 \(line \d+, create_index\) was running when the run stopped/);
    await expect(panel.locator('.partial-sql')).toContainText('CREATE INDEX CONCURRENTLY');
    await shot(page, 'partial-01-migrations');
    await page.getByRole('button', { name: /^all \d+$/ }).click();
  } finally {
    await client.query('DELETE FROM confiture.statement_runs WHERE run_id = $1', [runId]).catch(() => undefined);
    await client.query('DELETE FROM confiture.runs WHERE id = $1', [runId]).catch(() => undefined);
    await client.end();
  }
});
