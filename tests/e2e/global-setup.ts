/**
 * Starts the real app in browser mode for the e2e tests: builds the UI, creates a context in a
 * temp data dir (its own embedded PostgreSQL), and the local web bridge with a token.
 * With DATABASE_URL set, the tests also get a fresh database on that server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { createContext } from '../../src-main/context';
import { ensureWebBundle, startBridge } from '../../src-main/web';

export default async function globalSetup(): Promise<() => Promise<void>> {
  // the app's warnings (e.g. a profiled query on a missing table) are expected in these tests
  process.env.CONFITURE_LOG_LEVEL ??= 'error';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-e2e-'));
  fs.chmodSync(dataDir, 0o755);
  const staticDir = await ensureWebBundle();
  const ctx = createContext({ mode: 'browser', dataDir });
  const bridge = await startBridge({ ctx, staticDir });
  process.env.E2E_BASE_URL = bridge.url;
  process.env.E2E_TOKEN = bridge.token;
  process.env.E2E_DATA_DIR = dataDir;
  fs.mkdirSync(path.resolve('artifacts/screenshots'), { recursive: true });

  let dropDb: (() => Promise<void>) | null = null;
  if (process.env.DATABASE_URL) {
    const name = `cf_e2e_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    process.env.E2E_DB_URL = u.toString();
    dropDb = async () => {
      const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${a.escapeIdentifier(name)} WITH (FORCE)`);
      await a.end();
    };
  }

  return async () => {
    await bridge.close();
    await ctx.close();
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
