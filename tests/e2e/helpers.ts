import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

export function appUrl(): string {
  return `${process.env.E2E_BASE_URL}?token=${process.env.E2E_TOKEN}`;
}

/** Saves a screenshot under artifacts/screenshots/<name>.png (kept as a CI artifact). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.resolve('artifacts/screenshots', `${name}.png`), fullPage: false });
}

/**
 * Connects the app to the database under test: the connection-string form when the suite runs
 * against $DATABASE_URL (E2E_DB_URL), otherwise the embedded demo server.
 */
export async function connect(page: Page): Promise<void> {
  await openApp(page);
  await page.getByTestId('nav-connect').click();
  if (process.env.E2E_DB_URL) {
    await page.getByTestId('conn-url').fill(process.env.E2E_DB_URL);
    await page.getByLabel('TLS').selectOption('disable');
    await page.getByTestId('connect-url').click();
    await page.getByRole('button', { name: 'Open the demo project' }).click();
  } else {
    await page.getByTestId('use-embedded').click();
  }
  await page.getByText(/● /).waitFor();
}

/**
 * Approves, as "e2e DBA" against the connection, every pending migration (up to `to`) that the
 * project's approval policy would refuse — for specs that apply the demo (it requires an
 * approval above low).
 */
export async function approvePending(page: Page, dir: string, connectionId: string, to?: string): Promise<string[]> {
  const api = async <T>(name: string, input: unknown): Promise<T> => {
    const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/${name}`, { data: input });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (res.status() !== 200 || body.ok === false) throw new Error(`${name}: ${body.error?.message ?? res.status()}`);
    return body.value as T;
  };
  const pf = await api<{ migrations: { version: string; riskHash: string; allowed: boolean }[] }>('approval/preflight', { dir, connectionId, ...(to ? { to } : {}) });
  const approved: string[] = [];
  for (const m of pf.migrations.filter((x) => !x.allowed)) {
    await api('approval/decide', { dir, connectionId, version: m.version, decision: 'approved', by: 'e2e DBA', comment: 'approved by the e2e suite', riskHash: m.riskHash });
    approved.push(m.version);
  }
  return approved;
}

/** Forgets the engine's remembered session (connection, project, screen) before any page loads it. */
export async function resetSession(page: Page): Promise<void> {
  // before the page loads: a page that restored the old session would write it back after us
  const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/session/set`, {
    data: { connectionId: null, projectDir: null, screen: null },
    headers: { authorization: `Bearer ${process.env.E2E_TOKEN}` },
  });
  if (res.status() !== 200) throw new Error(`session/set: ${res.status()}`);
}

/**
 * Opens the app from no remembered session: the engine keeps the last connection, project and screen
 * across page loads (so a reload restores them), and the e2e bridge is shared by every spec.
 */
export async function openApp(page: Page): Promise<void> {
  await resetSession(page);
  await page.goto(appUrl());
}

/**
 * A connection string to the database the app is connected to: $DATABASE_URL's test database, or
 * the app's embedded server as its psql access describes it (with the generated password).
 */
export async function databaseUrl(page: Page): Promise<string> {
  if (process.env.E2E_DB_URL) return process.env.E2E_DB_URL;
  const res = await page.request.post(`${process.env.E2E_BASE_URL}api/call/embedded/psql`, {
    data: {},
    headers: { authorization: `Bearer ${process.env.E2E_TOKEN}` },
  });
  const body = (await res.json()) as { ok: boolean; value?: { host: string; port: number | null; user: string; database: string; passwordFile: string } };
  if (!body.ok || !body.value?.port) throw new Error(`embedded/psql: ${res.status()}`);
  const a = body.value;
  const { password } = JSON.parse(fs.readFileSync(a.passwordFile, 'utf8')) as { password: string };
  const u = new URL(`postgres://${a.host}:${a.port}/${encodeURIComponent(a.database)}`);
  u.username = a.user;
  u.password = password;
  return u.toString();
}
