/**
 * A fresh database per test on the real server (embedded 18 or $DATABASE_URL), dropped after.
 *
 *   const db = await createTestDatabase();   // in beforeAll/beforeEach
 *   await db.pool.query('...');
 *   await db.drop();                         // in afterAll/afterEach
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  /** connection URL of the test database (may contain a password: don't print it) */
  url: string;
  serverVersionNum: number;
  pool: pg.Pool;
  /** a dedicated client; the caller ends it */
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return inject('adminUrl');
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(prefix = 'cf_test'): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = urlFor(name);
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    serverVersionNum: inject('serverVersionNum'),
    pool,
    async client() {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
    async drop() {
      await pool.end().catch(() => undefined);
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${a.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
