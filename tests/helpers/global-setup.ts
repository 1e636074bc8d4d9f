/**
 * Integration tests run against real PostgreSQL: `DATABASE_URL` when set (CI also runs the
 * machine's PostgreSQL 15), otherwise an embedded PostgreSQL 18 started in a temp dir.
 * Each test creates and drops its own database (tests/helpers/db.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { EmbeddedServer } from '../../src-main/db';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    serverVersionNum: number;
  }
}

let server: EmbeddedServer | undefined;
let tmp: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-test-pg-'));
    fs.chmodSync(tmp, 0o755);
    server = new EmbeddedServer({ baseDir: tmp });
    url = (await server.start()).url;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
  await c.end();
  project.provide('adminUrl', url);
  project.provide('serverVersionNum', Number(r.rows[0]!.n));
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
