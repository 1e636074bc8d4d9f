/**
 * What Slack and PagerDuty receive, checked against what they publish: Slack's Block Kit types
 * (@slack/types, whose documentation states the limits used here) and PagerDuty's Events API v2
 * OpenAPI schema (tests/fixtures/schemas). Requests go to a real HTTP receiver on 127.0.0.1.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleEventName } from '../../../src-shared/domain/lifecycle';
import type { HttpHookConfig } from '../../../src-main/hooks/config';
import { pagerDutyPayload, SLACK_LIMITS, slackEscape, slackFit, slackPayload } from '../../../src-main/hooks/kinds/http';
import { parseConfig } from '../../../src-main/project';
import { stringify } from 'yaml';
import { ctxFor, runnerFor } from '../../integration/hooks/harness';
import { startReceiver, type Receiver } from '../../helpers/receiver';
import { errorsOf, pagerDutyEventValidator } from '../../helpers/schemas';

function httpHook(extra: Record<string, unknown>): HttpHookConfig {
  const config = parseConfig(stringify({ name: 'shop', hooks: { hooks: [{ id: 'h', on: ['run_failed'], kind: 'http', url: 'https://hooks.example/x', ...extra }] } }), 'confiture.yaml');
  return config.hooks.hooks[0] as HttpHookConfig;
}

/** Every text in a Slack payload, with where it sits, so limits and escaping can be checked. */
function mrkdwnTexts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      const s = b as SectionBlock;
      if (s.text?.type === 'mrkdwn') out.push(s.text.text);
      for (const f of s.fields ?? []) if (f.type === 'mrkdwn') out.push(f.text);
    }
    if (b.type === 'context') for (const e of (b as ContextBlock).elements) if ('text' in e && e.type === 'mrkdwn') out.push(e.text);
  }
  return out;
}

/** Slack's published Block Kit limits (Block Kit reference; repeated in @slack/types' documentation). */
function expectWithinSlackLimits(p: { text: string; blocks: KnownBlock[] }): void {
  expect(p.blocks.length).toBeLessThanOrEqual(50);
  expect(p.text.length).toBeLessThanOrEqual(40_000);
  for (const b of p.blocks) {
    if (b.type === 'header') {
      const h = b as HeaderBlock;
      expect(h.text.type).toBe('plain_text');
      expect(h.text.text.length).toBeLessThanOrEqual(150);
    }
    if (b.type === 'section') {
      const s = b as SectionBlock;
      expect(s.text || s.fields).toBeTruthy();
      if (s.text) expect(s.text.text.length).toBeGreaterThanOrEqual(1);
      if (s.text) expect(s.text.text.length).toBeLessThanOrEqual(3000);
      expect((s.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of s.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (b.type === 'context') expect((b as ContextBlock).elements.length).toBeLessThanOrEqual(10);
  }
}

/** No unescaped `<`, `>` or `&` outside entities: nothing in a message can become a mention or a link. */
function expectEscaped(text: string): void {
  expect(text).not.toMatch(/[<>]/);
  expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
}

describe('Slack payload', () => {
  it('escapes &, < and > in every text that comes from the user or the database, so <!channel> pings nobody', () => {
    const hook = httpHook({ format: 'slack', title: 'Prod & <staging>' });
    const ctx = ctxFor('run_failed', crypto.randomUUID(), {
      outcome: 'failure',
      project: { dir: '/tmp/x', name: 'shop <!here>' },
      database: { label: 'postgres://db?x=1&y=2', serverVersionNum: 150000 },
      migration: { version: '0007', name: 'a<b>&c', checksum: 'x', path: '/tmp/x/0007.sql' },
      error: { code: 'database_error', message: 'relation "orders" <!channel> & <@U123> <https://evil.example|click>' },
    });
    const p = slackPayload(hook, ctx);
    expectEscaped(p.text);
    for (const t of mrkdwnTexts(p.blocks)) expectEscaped(t);
    expect(JSON.stringify(p)).toContain('&lt;!channel&gt;');
    expect(p.text).toContain('Prod &amp; &lt;staging&gt;');
  });

  it('keeps within Block Kit limits with a huge error, without cutting an entity in half', () => {
    const hook = httpHook({ format: 'slack', title: 't'.repeat(200) });
    const ctx = ctxFor('run_failed', crypto.randomUUID(), { outcome: 'failure', error: { code: 'database_error', message: '<&>'.repeat(5000) }, project: { dir: '/x', name: 'p'.repeat(5000) } });
    const p = slackPayload(hook, ctx);
    expectWithinSlackLimits(p);
    for (const t of [p.text, ...mrkdwnTexts(p.blocks)]) {
      expectEscaped(t);
      expect(t).not.toMatch(/&(a|am|l|g)?…/);
    }
    expect(p.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  });

  it('keeps an error message from closing its code block', () => {
    const p = slackPayload(httpHook({ format: 'slack' }), ctxFor('run_failed', crypto.randomUUID(), { outcome: 'failure', error: { code: 'x', message: 'before ``` *bold* after' } }));
    const code = mrkdwnTexts(p.blocks).find((t) => t.startsWith('```'))!;
    expect(code.slice(3, -3)).not.toContain('```');
  });

  it('escapes and fits text the way Slack decodes it', () => {
    expect(slackEscape('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(slackFit('abc&amp;def', 6)).toBe('abc…');
    expect(slackFit('abcdef', 6)).toBe('abcdef');
  });
});

describe('PagerDuty Events v2 payload', () => {
  const validate = pagerDutyEventValidator();
  const hook = httpHook({ format: 'pagerduty', routingKey: 'R0UTINGKEY0123456789abcdef012345' });
  const key = 'R0UTINGKEY0123456789abcdef012345';

  it('triggers for failures and alerts with bodies the Events v2 schema accepts', () => {
    const events: [LifecycleEventName, Record<string, unknown>][] = [
      ['run_failed', { outcome: 'failure', error: { code: 'migration_failed', message: 'boom' } }],
      ['after_migration', { outcome: 'failure', error: { code: 'migration_failed', message: 'boom' } }],
      ['alert_lock_wait', { alert: { ourPid: 1, blockers: [] } }],
      ['alert_blocking_others', { alert: { ourPid: 1, blocked: [] } }],
    ];
    for (const [event, extra] of events) {
      const body = pagerDutyPayload(hook, ctxFor(event, crypto.randomUUID(), extra), key)!;
      expect(body, event).toMatchObject({ event_action: 'trigger', routing_key: key });
      expect(validate(body), `${event}: ${errorsOf(validate)}`).toBe(true);
      const payload = body.payload as { summary: string; severity: string };
      expect(payload.summary.length).toBeLessThanOrEqual(1024);
      expect((body.dedup_key as string).length).toBeLessThanOrEqual(255);
    }
  });

  it('resolves on a successful run with the dedup key the failure used', () => {
    const failed = pagerDutyPayload(hook, ctxFor('run_failed', crypto.randomUUID(), { outcome: 'failure' }), key)!;
    for (const [event, outcome] of [['run_completed', 'success'], ['after_run', 'success']] as const) {
      const body = pagerDutyPayload(hook, ctxFor(event, crypto.randomUUID(), { outcome }), key)!;
      expect(body).toEqual({ routing_key: key, event_action: 'resolve', dedup_key: failed.dedup_key });
      expect(validate(body), errorsOf(validate)).toBe(true);
    }
  });

  it('never pages for informational events', () => {
    for (const event of ['before_run', 'run_started', 'before_migration', 'after_statement', 'after_lint'] as LifecycleEventName[]) {
      expect(pagerDutyPayload(hook, ctxFor(event, crypto.randomUUID(), { outcome: 'success' }), key), event).toBeNull();
    }
    expect(pagerDutyPayload(hook, ctxFor('after_migration', crypto.randomUUID(), { outcome: 'success' }), key)).toBeNull();
    const infoHook = httpHook({ format: 'pagerduty', routingKey: key, severity: 'info' });
    expect(pagerDutyPayload(infoHook, ctxFor('run_failed', crypto.randomUUID(), { outcome: 'failure' }), key)).toBeNull();
  });
});

describe('a PagerDuty hook over a whole run', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());
  afterEach(() => {
    rx.received.length = 0;
  });

  it('sends one trigger for the failure and one resolve for the next good run, nothing for the rest', async () => {
    const env = { ...process.env, PD_KEY: 'R0UTINGKEY0123456789abcdef012345' };
    const on = ['before_run', 'before_migration', 'after_migration', 'after_run', 'run_failed', 'run_completed', 'alert_lock_wait'];
    const runner = runnerFor({ hooks: [{ id: 'pd', on, kind: 'http', format: 'pagerduty', url: `${rx.url}/v2/enqueue`, routingKey: '${env:PD_KEY}' }] }, { projectDir: os.tmpdir(), pool: null, env });
    const failing = crypto.randomUUID();
    await runner.fire('before_run', ctxFor('before_run', failing));
    await runner.fire('before_migration', ctxFor('before_migration', failing));
    await runner.fire('after_migration', ctxFor('after_migration', failing, { outcome: 'failure', error: { code: 'migration_failed', message: 'boom' } }));
    await runner.fire('after_run', ctxFor('after_run', failing, { outcome: 'failure' }));
    await runner.fire('run_failed', ctxFor('run_failed', failing, { outcome: 'failure' }));
    const good = crypto.randomUUID();
    await runner.fire('before_run', ctxFor('before_run', good));
    await runner.fire('after_migration', ctxFor('after_migration', good, { outcome: 'success' }));
    await runner.fire('after_run', ctxFor('after_run', good, { outcome: 'success' }));
    const actions = rx.received.map((r) => (r.body as { event_action: string }).event_action);
    // the failure is reported by after_migration, after_run and run_failed: one incident (same dedup_key)
    expect(actions).toEqual(['trigger', 'trigger', 'trigger', 'resolve']);
    expect(new Set(rx.received.map((r) => (r.body as { dedup_key: string }).dedup_key)).size).toBe(1);
    const validate = pagerDutyEventValidator();
    for (const r of rx.received) expect(validate(r.body), errorsOf(validate)).toBe(true);
  });
});
