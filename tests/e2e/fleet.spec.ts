/**
 * The fleet view (issue 15) on real PostgreSQL: a project with six target databases (on the
 * server of $DATABASE_URL with a control database there, or embedded databases on the bridge's
 * embedded server), a rollout started from the screen with worker slots in the app, watched
 * until every target is applied, paused and resumed on the way; the abort confirmation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { openApp, shot } from './helpers';

const N = 6;
const suffix = crypto.randomBytes(3).toString('hex');
const schema = `fleet_e2e_${suffix}`;
const serverDbs: string[] = [];
let projectDir = '';

function serverUrl(db: string): string {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function axe(page: Page, label: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${label}: [${v.impact}] ${v.id} — ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test.beforeAll(async () => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-fleet-e2e-'));
  fs.chmodSync(projectDir, 0o755);
  fs.mkdirSync(path.join(projectDir, 'migrations'));
  fs.writeFileSync(path.join(projectDir, 'migrations', '0001_orders.up.sql'), `CREATE TABLE ${schema}_orders (id bigint PRIMARY KEY);\nSELECT pg_sleep(0.8);\n`);
  fs.writeFileSync(path.join(projectDir, 'migrations', '0002_note.up.sql'), `ALTER TABLE ${schema}_orders ADD COLUMN note text;\nSELECT pg_sleep(0.4);\n`);
  const targets: string[] = [];
  let control = 'embedded';
  if (process.env.DATABASE_URL) {
    await admin(async (c) => {
      for (let i = 0; i <= N; i++) {
        const db = i === 0 ? `cf_e2e_fleetctl_${suffix}` : `cf_e2e_fleet_${suffix}_${i}`;
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(db)}`);
        serverDbs.push(db);
      }
    });
    control = serverUrl(serverDbs[0]!);
    for (let i = 1; i <= N; i++) targets.push(`  t${String(i).padStart(2, '0')}: { url: "${serverUrl(serverDbs[i]!)}", labels: { tier: ${i % 3 === 0 ? 'gold' : 'silver'} } }`);
  } else {
    for (let i = 1; i <= N; i++) targets.push(`  t${String(i).padStart(2, '0')}: { url: "embedded:fleet_e2e_${suffix}_${i}", labels: { tier: ${i % 3 === 0 ? 'gold' : 'silver'} } }`);
  }
  fs.writeFileSync(
    path.join(projectDir, 'confiture.yaml'),
    `name: fleet-e2e-${suffix}
tracking: { schema: ${schema} }
risk: { requireApprovalAbove: null }   # the approval gate on rollouts: tests/integration/fleet/approval-gate.test.ts
targets:
${targets.join('\n')}
environments:
  dev: { targets: "*" }
fleet:
  control: "${control}"
  jobTimeout: 2min
  rollout:
    concurrency: 2
    waves: [{ name: canary, size: 1 }, { size: 2 }, { size: rest }]
`,
  );
});

test.afterAll(async () => {
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  if (serverDbs.length) {
    await admin(async (c) => {
      for (const db of serverDbs) await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(db)} WITH (FORCE)`);
    });
  }
});

test('fleet: empty states, a rollout started and watched to applied, pause / resume, abort confirmation', async ({ page }) => {
  test.setTimeout(300_000);
  const problems: string[] = [];
  await openApp(page);

  // ---- the demo project has no environments: the empty state says how to start
  await page.getByTestId('nav-project').click();
  await page.getByRole('button', { name: 'Open the demo project' }).click();
  await page.getByTestId('nav-fleet').click();
  await expect(page.getByRole('heading', { name: 'Fleet rollouts' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No targets configured' })).toBeVisible();
  await expect(page.getByText('confiture rollout start --env dev --workers 4')).toBeVisible();
  problems.push(...(await axe(page, 'fleet (no targets)')));
  await shot(page, 'fleet-01-empty');

  // ---- the fleet project: six targets, no rollout yet
  await page.getByTestId('nav-project').click();
  await page.getByTestId('project-dir').fill(projectDir);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByText(`fleet-e2e-${suffix}`).first()).toBeVisible();
  await page.getByTestId('nav-fleet').click();
  await expect(page.getByRole('heading', { name: 'No rollout to dev yet' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Targets of dev' }).getByRole('row')).toHaveCount(N + 1);
  problems.push(...(await axe(page, 'fleet (no rollout)')));
  await shot(page, 'fleet-02-no-rollout');

  // ---- start from the screen, with worker slots in the app (keyboard: the dialog's Start)
  await page.getByTestId('fleet-start').click();
  const dialog = page.getByRole('dialog', { name: 'Start a rollout to dev?' });
  await expect(dialog).toContainText('canary (1) → wave 2 (2) → wave 3 (3)');
  await dialog.getByRole('button', { name: 'Start' }).focus();
  await page.keyboard.press('Enter');
  const rollout = page.getByTestId('fleet-rollout');
  await expect(rollout).toBeVisible({ timeout: 60_000 });
  const grid = page.getByRole('list', { name: 'Targets by wave and state' });
  await expect(grid.getByRole('listitem')).toHaveCount(N);
  // the canary first, then wave 2 starts: pause there
  await expect(page.getByTestId('fleet-target-t01')).toHaveAttribute('data-state', 'applied', { timeout: 120_000 });
  await expect(grid.locator('[data-state="running"], [data-state="queued"]').first()).toBeVisible({ timeout: 60_000 });
  await shot(page, 'fleet-03-running');
  await expect(page.getByTestId('fleet-wave-1')).toContainText('passed');
  await expect(page.getByRole('region', { name: 'Canary blocking time' })).toContainText('Predicted');
  await rollout.getByRole('button', { name: 'Pause' }).click();
  await expect(rollout.locator('.fleet-rollout-head .badge')).toHaveText('paused');
  // in-flight targets finish; nothing new starts
  await expect(grid.locator('[data-state="running"], [data-state="queued"]')).toHaveCount(0, { timeout: 60_000 });
  const appliedWhenPaused = await grid.locator('[data-state="applied"]').count();
  expect(appliedWhenPaused).toBeLessThan(N);
  await expect(grid.locator('[data-state="pending"]').first()).toBeVisible();
  await shot(page, 'fleet-04-paused');

  // ---- abort asks first; Escape keeps the rollout
  await rollout.getByRole('button', { name: 'Abort…' }).click();
  const abort = page.getByRole('dialog', { name: 'Abort this rollout?' });
  await expect(abort).toContainText('not started are skipped');
  await expect(abort.getByRole('button', { name: 'Keep it' })).toBeFocused();
  problems.push(...(await axe(page, 'fleet (abort confirmation)')));
  await shot(page, 'fleet-05-abort-confirm');
  await page.keyboard.press('Escape');
  await expect(abort).toHaveCount(0);
  await expect(rollout.locator('.fleet-rollout-head .badge')).toHaveText('paused');

  // ---- resume: every target ends applied
  await rollout.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(rollout.locator('.fleet-rollout-head .badge')).toHaveText('completed', { timeout: 180_000 });
  await expect(grid.locator('[data-state="applied"]')).toHaveCount(N);
  await expect(page.getByTestId('fleet-summary')).toContainText(`${N} of ${N} applied`);
  await expect(page.getByTestId('fleet-count-applied')).toContainText(String(N));
  for (const w of [1, 2, 3]) await expect(page.getByTestId(`fleet-wave-${w}`)).toContainText('passed');
  await expect(rollout.getByRole('button', { name: 'Abort…' })).toBeDisabled();
  problems.push(...(await axe(page, 'fleet (completed)')));
  await shot(page, 'fleet-06-done');

  // ---- the grid is one Tab stop; arrow keys move between targets and say what each one is
  await expect(grid.locator('[tabindex="0"]')).toHaveCount(1);
  await page.getByTestId('fleet-target-t01').focus();
  await expect(page.getByTestId('fleet-target-detail')).toContainText('t01 — wave 1, applied');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('fleet-target-t02')).toBeFocused();
  await expect(page.getByTestId('fleet-target-detail')).toContainText('t02 — wave 2, applied');
  await page.keyboard.press('End');
  await expect(page.getByTestId(`fleet-target-t0${N}`)).toBeFocused();
  await expect(grid.locator('[tabindex="0"]')).toHaveCount(1);
  await expect(page.getByTestId(`fleet-target-t0${N}`)).toHaveCSS('outline-style', 'solid');
  await shot(page, 'fleet-07-grid-keyboard');

  // ---- the app's worker slots stop on request (the job engine keeps work for `confiture worker`)
  await expect(page.getByTestId('fleet-control-line')).toContainText('4 worker slots in this app');
  await page.getByRole('button', { name: /Stop worker slots/ }).click();
  await expect(page.getByTestId('fleet-control-line')).toContainText('no worker slots in this app');
  await expect(page.getByRole('button', { name: /Stop worker slots/ })).toHaveCount(0);
  await shot(page, 'fleet-08-workers-stopped');

  // every target really has both migrations, once (checked on the server when we have one)
  if (process.env.DATABASE_URL) {
    for (const db of serverDbs.slice(1)) {
      const c = new pg.Client({ connectionString: serverUrl(db) });
      await c.connect();
      try {
        const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.applied_migrations`);
        expect(r.rows[0]!.n).toBe(2);
      } finally {
        await c.end();
      }
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
});
