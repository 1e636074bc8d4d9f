/**
 * Cancel / terminate the blocker (issue 13 point 7) and the lock monitor while paused (point 2),
 * against a real PostgreSQL with real blocking sessions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { actOnBlocker, describeBlocker, INTERVENTIONS_LOG, readInterventions } from '../../../src-main/desk';
import { Run } from '../../../src-main/engine';
import { openProject } from '../../../src-main/project';
import type { LockMonitorSnapshot } from '../../../src-shared/domain/runner';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject } from '../../helpers/project';
import { engineProject, urlTarget } from '../engine/helpers';

let db: TestDatabase;
let ctx: AppContext;
let connectionId: string;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase('cf_desk_blk');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-desk-'));
  ctx = createContext({ mode: 'cli', dataDir });
  connectionId = (await ctx.connections.openTarget({ kind: 'url', url: db.url, tls: { mode: 'disable' } })).id;
  await db.pool.query('CREATE TABLE orders (id int primary key, total int); INSERT INTO orders VALUES (1, 10)');
});
afterAll(async () => {
  await ctx.close();
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await pred()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A session holding a lock on orders in an open transaction, and one queued behind it. */
async function blockingPair(): Promise<{ blocker: pg.Client; blockerPid: number; waiter: pg.Client; waiting: Promise<unknown> }> {
  const blocker = await db.client();
  await blocker.query("SET application_name = 'nightly-report'");
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
  const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const waiter = await db.client();
  const waiting = waiter.query('SELECT count(*) FROM orders').catch((e: unknown) => e);
  await until(async () => (await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [blockerPid])).rowCount === 1, 'the waiter to queue');
  return { blocker, blockerPid, waiter, waiting };
}

describe('blocker interventions', () => {
  it('describes the blocker with its query, user, application, age and who waits on it', async () => {
    const { blocker, blockerPid, waiter, waiting } = await blockingPair();
    try {
      await sleep(120);
      const b = await describeBlocker(ctx, connectionId, blockerPid);
      expect(b.pid).toBe(blockerPid);
      expect(b.applicationName).toBe('nightly-report');
      expect(b.query).toContain('SELECT pg_backend_pid()');
      expect(b.state).toBe('idle in transaction');
      expect(b.user).toBe(new URL(db.url).username || 'postgres');
      expect(b.ageMs).toBeGreaterThanOrEqual(100);
      expect(b.blocking).toHaveLength(1);
    } finally {
      await blocker.query('ROLLBACK');
      await waiting;
      await Promise.all([blocker.end(), waiter.end()]);
    }
  });

  it('is refused unless confiture.yaml allows it, and then nothing is signalled nor logged', async () => {
    const p = makeProject({}, 'name: t\n');
    const pc = makeProject({}, 'name: t\ndesk:\n  blockers:\n    allow: cancel\n');
    const { blocker, blockerPid, waiter, waiting } = await blockingPair();
    try {
      const b = await describeBlocker(ctx, connectionId, blockerPid);
      const input = { connectionId, pid: blockerPid, backendStart: b.backendStart, by: 'dba', reason: '' };
      await expect(actOnBlocker(ctx, openProject(p.dir), { ...input, action: 'cancel' })).rejects.toMatchObject({ code: 'policy_failure', where: { field: 'desk.blockers.allow' } });
      await expect(actOnBlocker(ctx, openProject(pc.dir), { ...input, action: 'terminate' })).rejects.toMatchObject({ code: 'policy_failure' });
      expect(fs.existsSync(path.join(p.dir, INTERVENTIONS_LOG))).toBe(false);
      expect(fs.existsSync(path.join(pc.dir, INTERVENTIONS_LOG))).toBe(false);
      // still there, still blocking
      expect((await describeBlocker(ctx, connectionId, blockerPid)).blocking).toHaveLength(1);
    } finally {
      await blocker.query('ROLLBACK');
      await waiting;
      await Promise.all([blocker.end(), waiter.end()]);
      p.remove();
      pc.remove();
    }
  });

  it('a bad config value is an error naming the key and line', () => {
    const p = makeProject({}, 'name: t\ndesk:\n  blockers:\n    allow: always\n');
    try {
      expect(() => openProject(p.dir)).toThrow(/confiture\.yaml:4: desk\.blockers\.allow/);
    } finally {
      p.remove();
    }
  });

  it('refuses a pid reused since the confirmation and a session that is gone', async () => {
    const p = makeProject({}, 'name: t\ndesk:\n  blockers:\n    allow: terminate\n');
    const { blocker, blockerPid, waiter, waiting } = await blockingPair();
    try {
      const input = { connectionId, pid: blockerPid, action: 'terminate' as const, by: 'dba', reason: '' };
      await expect(actOnBlocker(ctx, openProject(p.dir), { ...input, backendStart: '2001-01-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'invalid_input', where: { field: 'backendStart' } });
      await expect(actOnBlocker(ctx, openProject(p.dir), { ...input, pid: 2_000_000_000, backendStart: '2001-01-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'not_found' });
      expect(readInterventions(p.dir)).toHaveLength(0);
    } finally {
      await blocker.query('ROLLBACK');
      await waiting;
      await Promise.all([blocker.end(), waiter.end()]);
      p.remove();
    }
  });

  it('cancel leaves an idle-in-transaction blocker; terminate ends it, the waiter proceeds, both are in a verified audit chain', async () => {
    const p = makeProject({}, 'name: t\ndesk:\n  blockers:\n    allow: terminate\n');
    const { blocker, blockerPid, waiter, waiting } = await blockingPair();
    blocker.on('error', () => undefined);
    try {
      const b = await describeBlocker(ctx, connectionId, blockerPid);
      const base = { connectionId, pid: blockerPid, backendStart: b.backendStart, by: 'alice', reason: 'blocks the deploy' };
      const cancelled = await actOnBlocker(ctx, openProject(p.dir), { ...base, action: 'cancel' });
      expect(cancelled.signalled).toBe(true);
      expect(cancelled.gone).toBe(false);
      // an idle transaction has no query to cancel: it still holds the lock
      expect((await describeBlocker(ctx, connectionId, blockerPid)).blocking).toHaveLength(1);

      const terminated = await actOnBlocker(ctx, openProject(p.dir), { ...base, action: 'terminate' });
      expect(terminated).toMatchObject({ action: 'terminate', signalled: true, gone: true });
      expect(await waiting).toMatchObject({ rows: [{ count: '1' }] });
      await expect(describeBlocker(ctx, connectionId, blockerPid)).rejects.toMatchObject({ code: 'not_found' });

      const log = readInterventions(p.dir);
      expect(log.map((e) => [e.action, e.by, e.pid, e.applicationName])).toEqual([
        ['cancel', 'alice', blockerPid, 'nightly-report'],
        ['terminate', 'alice', blockerPid, 'nightly-report'],
      ]);
      expect(log[1]!.prevHash).toBe(log[0]!.hash);
      expect(log[1]!.hash).toBe(terminated.auditHash);
      expect(log[0]!.query).toContain('pg_backend_pid');
      // tampering shows
      const file = path.join(p.dir, INTERVENTIONS_LOG);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"by":"alice"', '"by":"mallory"'));
      expect(() => readInterventions(p.dir)).toThrow(/interventions\.log:1: the audit chain is broken/);
    } finally {
      await waiting;
      await Promise.all([blocker.end().catch(() => undefined), waiter.end()]);
      p.remove();
    }
  });
});

describe('lock monitor while paused in step-through', () => {
  it('keeps polling inside the transaction: a session queuing behind our held lock shows up', async () => {
    const p = engineProject({ '0001_lock.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\nSELECT 1;' });
    const snaps: LockMonitorSnapshot[] = [];
    const run = new Run(p.open(), urlTarget(db.url), {
      kind: 'up',
      stepping: true,
      breakpoints: [],
      monitor: { intervalMs: 100 },
      publish: (s, _t, e) => s === 'locks/monitor' && snaps.push(e as LockMonitorSnapshot),
    });
    await run.prepare();
    const done = run.start();
    await until(() => run.state === 'paused' && run.position?.index === 0, 'the first pause');
    run.step();
    await until(() => run.state === 'paused' && run.position?.index === 1, 'the pause after the ALTER');
    // paused, inside the transaction, holding AccessExclusiveLock on orders: someone queues
    const waiter = await db.client();
    const waiting = waiter.query('SELECT count(*) FROM orders').catch((e: unknown) => e);
    const waiterPid = (await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query = 'SELECT count(*) FROM orders' AND wait_event_type = 'Lock'")).rows[0]?.pid;
    await until(() => snaps.some((s) => s.blocked.some((b) => b.query === 'SELECT count(*) FROM orders')), 'a snapshot taken while paused to show the queued session');
    const seen = snaps.find((s) => s.blocked.length > 0)!;
    expect(run.state).toBe('paused');
    expect(seen.ourLocks).toContainEqual({ relation: 'orders', mode: 'AccessExclusiveLock' });
    if (waiterPid) expect(seen.blocked.map((b) => b.pid)).toContain(waiterPid);
    await run.abort();
    await done;
    await waiting;
    await waiter.end();
    // after the run, no more snapshots
    const n = snaps.length;
    await sleep(350);
    expect(snaps.length).toBe(n);
    p.remove();
  });
});
