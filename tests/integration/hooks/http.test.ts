import crypto from 'node:crypto';
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readExecutions } from '../../../src-main/hooks';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { ctxFor, runnerFor } from './harness';
import { startReceiver, type Receiver } from '../../helpers/receiver';

let db: TestDatabase;
let rx: Receiver;
const dir = os.tmpdir();

beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_http');
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
  await db.drop();
});
afterEach(() => {
  rx.received.length = 0;
  rx.respond(() => ({ status: 200, body: 'ok' }));
});

describe('http hooks', () => {
  it('posts a Slack incoming-webhook payload with text and blocks', async () => {
    const runner = runnerFor({ hooks: [{ id: 'slack', on: ['run_failed'], kind: 'http', format: 'slack', url: `${rx.url}/slack`, title: 'Prod migrations' }] }, { projectDir: dir, pool: db.pool });
    const runId = crypto.randomUUID();
    const r = await runner.fire('run_failed', ctxFor('run_failed', runId, { outcome: 'failure', error: { code: 'database_error', message: 'lock timeout on orders' } }));
    expect(r.ok).toBe(true);
    expect(rx.received).toHaveLength(1);
    const body = rx.received[0]!.body as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: unknown[] }[] };
    expect(rx.received[0]!.headers['content-type']).toBe('application/json');
    expect(body.text).toContain('Prod migrations');
    expect(body.text).toContain('lock timeout on orders');
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(body.blocks.some((b) => b.type === 'section' && b.text?.type === 'mrkdwn')).toBe(true);
    expect(body.blocks.some((b) => b.type === 'section' && Array.isArray(b.fields))).toBe(true);
    expect(body.blocks.at(-1)!.type).toBe('context');
  });

  it('sends PagerDuty Events v2: trigger on failure, resolve with the same dedup key on completion', async () => {
    const env = { ...process.env, PD_KEY: 'R0UTINGKEY0123456789abcdef012345' };
    const runner = runnerFor(
      { hooks: [{ id: 'pagerduty', on: ['run_failed', 'run_completed'], kind: 'http', format: 'pagerduty', url: `${rx.url}/v2/enqueue`, routingKey: '${env:PD_KEY}' }] },
      { projectDir: dir, pool: db.pool, env },
    );
    const runId = crypto.randomUUID();
    await runner.fire('run_failed', ctxFor('run_failed', runId, { outcome: 'failure', error: { code: 'migration_failed', message: 'boom' } }));
    await runner.fire('run_completed', ctxFor('run_completed', crypto.randomUUID(), { outcome: 'success' }));
    const [trigger, resolve] = rx.received.map((r) => r.body as Record<string, unknown>);
    expect(trigger).toMatchObject({ routing_key: env.PD_KEY, event_action: 'trigger' });
    const payload = trigger!.payload as Record<string, unknown>;
    expect(typeof payload.summary).toBe('string');
    expect((payload.summary as string).length).toBeLessThanOrEqual(1024);
    expect(payload.summary).toContain('boom');
    expect(payload.severity).toBe('error');
    expect(payload.source).toBe('postgres://postgres@127.0.0.1:5432/shop');
    expect(typeof trigger!.dedup_key).toBe('string');
    expect(resolve).toMatchObject({ routing_key: env.PD_KEY, event_action: 'resolve', dedup_key: trigger!.dedup_key });
    expect(resolve!.payload).toBeUndefined();
  });

  it('retries after a 500 with backoff and records both attempts', async () => {
    rx.respond((_r, n) => (n === 1 ? { status: 500, body: 'upstream down' } : { status: 200, body: 'ok' }));
    const runner = runnerFor({ hooks: [{ id: 'hook', on: ['after_migration'], kind: 'http', url: `${rx.url}/generic`, policy: 'retry', retries: 3, backoffMs: 150 }] }, { projectDir: dir, pool: db.pool });
    const runId = crypto.randomUUID();
    const r = await runner.fire('after_migration', ctxFor('after_migration', runId, { outcome: 'success', durationMs: 12 }));
    expect(r.ok).toBe(true);
    expect(rx.received).toHaveLength(2);
    expect(rx.received[1]!.at - rx.received[0]!.at).toBeGreaterThanOrEqual(140);
    const generic = rx.received[0]!.body as { event: string; hookId: string; context: { runId: string } };
    expect(generic).toMatchObject({ event: 'after_migration', hookId: 'hook', context: { runId } });
    const rows = await readExecutions(db.pool, 'confiture', runId);
    expect(rows.map((e) => [e.attempt, e.outcome, e.final])).toEqual([
      [1, 'failure', false],
      [2, 'success', true],
    ]);
    expect(rows[0]!.outputExcerpt).toContain('HTTP 500');
  });

  it('does not retry a 4xx: the receiver refused the payload', async () => {
    rx.respond(() => ({ status: 400, body: 'invalid_payload' }));
    const runner = runnerFor({ hooks: [{ id: 'hook', on: ['before_run'], kind: 'http', url: `${rx.url}/x`, policy: 'retry', retries: 3, backoffMs: 10 }] }, { projectDir: dir, pool: db.pool });
    const r = await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    expect(rx.received).toHaveLength(1);
    expect(r.gate).toMatchObject({ proceed: false, by: 'hook' });
    expect(r.gate!.reason).toContain('HTTP 400');
  });

  it('aborts a request that outlives its timeout', async () => {
    rx.respond(() => ({ status: 200, delayMs: 30_000 }));
    const runner = runnerFor({ hooks: [{ id: 'slow', on: ['after_run'], kind: 'http', url: `${rx.url}/slow`, timeoutMs: 300, retries: 0, policy: 'warn' }] }, { projectDir: dir, pool: db.pool });
    const t0 = Date.now();
    const r = await runner.fire('after_run', ctxFor('after_run', crypto.randomUUID()));
    // far below the receiver's 30 s, with room for a loaded machine
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(r.executions[0]!.outcome).toBe('timeout');
    expect(r.warnings[0]).toContain('slow');
    await new Promise((res) => setTimeout(res, 100));
    expect(rx.aborted).toBe(1);
  });

  it('never records or logs a secret from ${env:...}, even when the receiver echoes it', async () => {
    const token = 'sk-live-' + crypto.randomBytes(12).toString('hex');
    const env = { ...process.env, HOOK_TOKEN: token };
    rx.respond((req) => ({ status: 500, body: `rejected ${req.path} with ${String(req.headers.authorization)}` }));
    const runner = runnerFor(
      { hooks: [{ id: 'echo', on: ['run_failed'], kind: 'http', url: `${rx.url}/hook/\${env:HOOK_TOKEN}`, headers: { Authorization: 'Bearer ${env:HOOK_TOKEN}' }, retries: 0, policy: 'warn' }] },
      { projectDir: dir, pool: db.pool, env },
    );
    const runId = crypto.randomUUID();
    const r = await runner.fire('run_failed', ctxFor('run_failed', runId));
    expect(rx.received[0]!.headers.authorization).toBe(`Bearer ${token}`);
    const rows = await readExecutions(db.pool, 'confiture', runId);
    const everything = JSON.stringify({ rows, r });
    expect(everything).not.toContain(token);
    expect(rows[0]!.outputExcerpt).toContain('[redacted:HOOK_TOKEN]');
    const dump = await db.pool.query('SELECT * FROM confiture.hook_executions');
    expect(JSON.stringify(dump.rows)).not.toContain(token);
  });

  it('fails with the variable name when a secret is missing, without sending anything', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    const runner = runnerFor({ hooks: [{ id: 'pd', on: ['before_run'], kind: 'http', url: '${env:NOPE_URL}', retries: 0 }] }, { projectDir: dir, pool: db.pool, env });
    const r = await runner.fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    expect(rx.received).toHaveLength(0);
    expect(r.gate!.proceed).toBe(false);
    expect(r.gate!.reason).toContain('NOPE_URL is not set');
  });
});
