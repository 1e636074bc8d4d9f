/**
 * The PostgreSQL a benchmark runs on: `--db URL`, else $DATABASE_URL, else a private embedded
 * server in a temp directory (started here, stopped and removed by `stop()`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedServer } from '../src-main/db';

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export interface BenchServer {
  /** a superuser connection string to the server's maintenance database */
  adminUrl: string;
  /** true when the bench started its own embedded server */
  embedded: boolean;
  stop(): Promise<void>;
}

export async function benchServer(name: string): Promise<BenchServer> {
  const given = arg('db') ?? process.env.DATABASE_URL;
  if (given) return { adminUrl: given, embedded: false, stop: async () => undefined };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `confiture-bench-${name}-`));
  fs.chmodSync(tmp, 0o755);
  const server = new EmbeddedServer({ baseDir: tmp });
  const adminUrl = (await server.start()).url;
  return {
    adminUrl,
    embedded: true,
    stop: async () => {
      await server.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** `base` with another database name. */
export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a client of its own to `url`, closed after. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
