/**
 * The embedded server on its own temp dir: start, extensions, loopback only, stale pid file,
 * adoption by a second instance, stop.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedServer, readPostmasterPid } from '../../../src-main/db';

let base: string;
let server: EmbeddedServer;
let url: string;
let port: number;

async function query<T extends pg.QueryResultRow>(u: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: u });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

function nonLoopbackAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

function tcpConnects(host: string, p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: p, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

function deadPid(): number {
  // a pid above the kernel's pid_max cannot be alive
  const max = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  return max + 1;
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-embedded-'));
  fs.chmodSync(base, 0o755);
  server = new EmbeddedServer({ baseDir: base });
  const info = await server.start();
  url = info.url;
  port = info.port;
  expect(info.adopted).toBe(false);
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('accepts connections and preloads pg_stat_statements', async () => {
    expect(server.state).toBe('running');
    const [row] = await query<{ libs: string }>(url, "SELECT current_setting('shared_preload_libraries') AS libs");
    expect(row!.libs.split(',').map((s) => s.trim())).toContain('pg_stat_statements');
    await query(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const [n] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM pg_stat_statements');
    expect(Number(n!.n)).toBeGreaterThan(0);
  });

  it('requires the generated password', async () => {
    const u = new URL(url);
    u.password = 'wrong';
    await expect(query(u.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('listens on 127.0.0.1 only', async () => {
    const [row] = await query<{ a: string }>(url, "SELECT current_setting('listen_addresses') AS a");
    expect(row!.a).toBe('127.0.0.1');
    expect(await tcpConnects('127.0.0.1', port)).toBe(true);
    const other = nonLoopbackAddress();
    if (other) expect(await tcpConnects(other, port)).toBe(false);
  });

  it('lets a second instance on the same dir adopt the running server', async () => {
    const second = new EmbeddedServer({ baseDir: base });
    const info = await second.start();
    expect(info).toMatchObject({ adopted: true, port });
    expect(second.state).toBe('running');
    await query(info.url, 'SELECT 1');
    await second.stop(); // stopping an adopter leaves the owner's server running
    await query(url, 'SELECT 1');
  });

  it('stops, then survives a stale postmaster.pid left by a crash', async () => {
    await server.stop();
    expect(server.state).toBe('stopped');
    expect(await tcpConnects('127.0.0.1', port)).toBe(false);
    expect(readPostmasterPid(server.dataDir)).toBeNull();

    const pidFile = path.join(server.dataDir, 'postmaster.pid');
    fs.writeFileSync(pidFile, `${deadPid()}\n${server.dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  5432001  1\nready   \n`);
    const info = await server.start();
    expect(info.adopted).toBe(false);
    url = info.url;
    port = info.port;
    await query(url, 'SELECT 1');
    expect(readPostmasterPid(server.dataDir)?.pid).not.toBe(deadPid());
  });

  it('survives a postmaster.pid whose pid now belongs to another process', async () => {
    await server.stop();
    fs.writeFileSync(path.join(server.dataDir, 'postmaster.pid'), `${process.pid}\n${server.dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  5432001  1\nready   \n`);
    const info = await server.start();
    url = info.url;
    port = info.port;
    await query(url, 'SELECT 1');
  });

  it('stops at once and restarts after the server was killed', async () => {
    const pid = readPostmasterPid(server.dataDir)!.pid;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && (await tcpConnects('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await server.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    // its children notice the postmaster died and exit; the pid file stays behind, stale
    await new Promise((r) => setTimeout(r, 1500));
    const info = await server.start();
    url = info.url;
    port = info.port;
    await query(url, 'SELECT 1');
  });

  it('survives a postmaster.pid whose pid was reused by another PostgreSQL server', async () => {
    // a backend of the test server: a live process named "postgres" serving another data dir
    const other = new pg.Client({ connectionString: inject('adminUrl') });
    await other.connect();
    try {
      const [row] = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      await server.stop();
      fs.writeFileSync(path.join(server.dataDir, 'postmaster.pid'), `${row!.pid}\n${server.dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  5432001  1\nready   \n`);
      const info = await server.start();
      expect(info.adopted).toBe(false);
      url = info.url;
      port = info.port;
      await query(url, 'SELECT 1');
    } finally {
      await other.end();
    }
  });
});
