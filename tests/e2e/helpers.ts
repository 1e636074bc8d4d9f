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
  await page.goto(appUrl());
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
