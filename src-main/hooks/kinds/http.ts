/**
 * `http` hooks (webhooks): generic JSON, Slack incoming webhook, PagerDuty Events API v2.
 * 2xx is success; 5xx, 429 and network errors are worth retrying; other 4xx are not.
 * The request is aborted when the hook times out.
 */
import type { KnownBlock } from '@slack/types';
import type { LifecycleContext, LifecycleEventName } from '../../../src-shared/domain/lifecycle';
import type { HttpHookConfig } from '../config';
import { interpolateEnv } from '../secrets';
import { failureFromResult, type AttemptInput, type AttemptResult } from './types';

const FAILURE_EVENTS: ReadonlySet<LifecycleEventName> = new Set(['run_failed', 'run_rolled_back', 'run_cancelled']);

function isFailure(ctx: LifecycleContext): boolean {
  return FAILURE_EVENTS.has(ctx.event) || ctx.outcome === 'failure' || ctx.error !== undefined;
}

/** One line a human reads: what happened, where. */
export function describeEvent(ctx: LifecycleContext): string {
  const what = ctx.event.replace(/_/g, ' ');
  const where = `${ctx.project.name} on ${ctx.database.label}`;
  const migration = ctx.migration ? ` — migration ${ctx.migration.version} ${ctx.migration.name}` : '';
  const statement = ctx.statement ? `, statement ${ctx.statement.index + 1} (${ctx.statement.kind}, line ${ctx.statement.line})` : '';
  const outcome = ctx.outcome ? ` — ${ctx.outcome}` : '';
  const duration = ctx.durationMs !== undefined ? ` in ${Math.round(ctx.durationMs)} ms` : '';
  const error = ctx.error ? `: ${ctx.error.message}` : '';
  return `Confiture ${ctx.runKind} run: ${what} (${where})${migration}${statement}${outcome}${duration}${error}`;
}

function severityFor(hook: HttpHookConfig, ctx: LifecycleContext): 'critical' | 'error' | 'warning' | 'info' {
  if (hook.severity) return hook.severity;
  if (isFailure(ctx)) return 'error';
  if (ctx.event.startsWith('alert_')) return ctx.event === 'alert_blocking_others' ? 'critical' : 'warning';
  return 'info';
}

// ---------- Slack (Block Kit) ----------

/** Limits of Slack's Block Kit reference (and @slack/types): characters per text, items per list. */
export const SLACK_LIMITS = {
  /** blocks in one message */
  blocks: 50,
  /** header block: plain_text */
  headerText: 150,
  /** section block: text */
  sectionText: 3000,
  /** section block: fields, and characters per field */
  sectionFields: 10,
  fieldText: 2000,
  /** context block: elements */
  contextElements: 10,
  /** top-level `text` (the notification): Slack truncates at 40,000; 4,000 is its advice */
  messageText: 4000,
} as const;

/** Slack's escaping for message text: only these three characters (mentions like `<!channel>` start with `<`). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts already-escaped text to `max` characters with an ellipsis, never inside an `&…;` entity. */
export function slackFit(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Escaped and fitted: every piece of user- or database-provided text goes through here. */
const fit = (text: string, max: number) => slackFit(slackEscape(text), max);

export function slackPayload(hook: HttpHookConfig, ctx: LifecycleContext): { text: string; blocks: KnownBlock[] } {
  const icon = isFailure(ctx) ? ':x:' : ctx.event.startsWith('alert_') ? ':warning:' : ctx.outcome === 'success' ? ':white_check_mark:' : ':information_source:';
  const summary = describeEvent(ctx);
  const field = (label: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${fit(value, SLACK_LIMITS.fieldText - label.length - 4)}` });
  const fields = [field('Project', ctx.project.name), field('Database', ctx.database.label), field('Event', ctx.event), field('Run', `${ctx.runKind} ${ctx.runId}`)];
  if (ctx.migration) fields.push(field('Migration', `${ctx.migration.version} ${ctx.migration.name}`));
  if (ctx.outcome) fields.push(field('Outcome', ctx.outcome));
  const blocks: KnownBlock[] = [
    // plain_text is shown as written (no mentions, no entities): only cut
    { type: 'header', text: { type: 'plain_text', text: `${hook.title ?? 'Confiture'}: ${ctx.event.replace(/_/g, ' ')}`.slice(0, SLACK_LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} ${fit(summary, SLACK_LIMITS.sectionText - icon.length - 1)}` } },
    { type: 'section', fields: fields.slice(0, SLACK_LIMITS.sectionFields) },
  ];
  if (ctx.error) {
    // a code block cannot be closed early by the message: its backtick fences are broken up
    const body = fit(ctx.error.message.replace(/```/g, '`\u200b`\u200b`'), SLACK_LIMITS.sectionText - 6);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${body}\`\`\`` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fit(`hook ${hook.id} · ${ctx.at}`, SLACK_LIMITS.sectionText) }] });
  return { text: `${icon} ${fit(`${hook.title ? `${hook.title}: ` : ''}${summary}`, SLACK_LIMITS.messageText - icon.length - 1)}`, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

// ---------- PagerDuty Events API v2 ----------

/** PagerDuty's limits: summary 1024 characters, dedup_key 255. */
export const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255 } as const;

/**
 * What `eventAction: auto` does with an event: `trigger` for failures and alerts, `resolve` when a
 * run ends in success (same dedup_key, so the incident a failed run opened closes), and `none`
 * for everything else: informational events never page.
 */
export function pagerDutyAction(hook: HttpHookConfig, ctx: LifecycleContext): 'trigger' | 'resolve' | 'none' {
  if (hook.eventAction !== 'auto') return hook.eventAction;
  if (isFailure(ctx) || ctx.event.startsWith('alert_')) return severityFor(hook, ctx) === 'info' ? 'none' : 'trigger';
  if (ctx.event === 'run_completed' || (ctx.event === 'after_run' && ctx.outcome === 'success')) return 'resolve';
  return 'none';
}

export function pagerDutyDedupKey(hook: HttpHookConfig, ctx: LifecycleContext): string {
  return (hook.dedupKey ?? `confiture/${ctx.project.name}/${ctx.database.label}`).slice(0, PAGERDUTY_LIMITS.dedupKey);
}

export function pagerDutyPayload(hook: HttpHookConfig, ctx: LifecycleContext, routingKey: string): Record<string, unknown> | null {
  const action = pagerDutyAction(hook, ctx);
  if (action === 'none') return null;
  const body: Record<string, unknown> = { routing_key: routingKey, event_action: action, dedup_key: pagerDutyDedupKey(hook, ctx) };
  if (action === 'trigger') {
    body.payload = {
      summary: describeEvent(ctx).slice(0, PAGERDUTY_LIMITS.summary),
      severity: severityFor(hook, ctx),
      source: ctx.database.label,
      component: ctx.migration ? `${ctx.migration.version}_${ctx.migration.name}` : ctx.project.name,
      group: ctx.project.name,
      class: ctx.event,
      timestamp: ctx.at,
      custom_details: {
        runId: ctx.runId,
        runKind: ctx.runKind,
        migration: ctx.migration ?? null,
        statement: ctx.statement ? { index: ctx.statement.index, kind: ctx.statement.kind, line: ctx.statement.line } : null,
        outcome: ctx.outcome ?? null,
        error: ctx.error ?? null,
        alert: ctx.alert ?? null,
      },
    };
    body.client = 'Confiture Desktop';
  }
  return body;
}

export function genericPayload(hook: HttpHookConfig, ctx: LifecycleContext, attempt: number): Record<string, unknown> {
  return { event: ctx.event, hookId: hook.id, attempt, summary: `${hook.title ? `${hook.title}: ` : ''}${describeEvent(ctx)}`, context: ctx };
}

export async function runHttpHook(input: AttemptInput<HttpHookConfig>): Promise<AttemptResult> {
  const { hook, ctx, signal } = input;
  const url = interpolateEnv(hook.url, input.env, input.secrets, 'url');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'confiture-hooks' };
  for (const [k, v] of Object.entries(hook.headers)) headers[k.toLowerCase()] = interpolateEnv(v, input.env, input.secrets, `headers.${k}`);
  let body: Record<string, unknown>;
  if (hook.format === 'slack') body = slackPayload(hook, ctx);
  else if (hook.format === 'pagerduty') {
    const event = pagerDutyPayload(hook, ctx, interpolateEnv(hook.routingKey ?? '', input.env, input.secrets, 'routingKey'));
    if (!event) return { ok: true, output: `not sent: ${ctx.event} is informational (eventAction auto pages failures and alerts only, and resolves on a successful run)`, error: null };
    body = event;
  } else body = genericPayload(hook, ctx, input.attempt);

  let res: Response;
  try {
    res = await fetch(url, { method: hook.method, headers, body: JSON.stringify(body), signal, redirect: 'manual' });
  } catch (e) {
    if (signal.aborted) return { ok: false, output: null, error: `request aborted after its ${input.timeoutMs} ms timeout`, retryable: true, timedOut: true };
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, output: null, error: `network error: ${cause?.code ?? cause?.message ?? (e as Error).message}`, retryable: true };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (signal.aborted) return { ok: false, output: `HTTP ${res.status}`, error: `response aborted after its ${input.timeoutMs} ms timeout`, retryable: true, timedOut: true };
    text = `[unreadable body: ${(e as Error).message}]`;
  }
  const output = `HTTP ${res.status} ${res.statusText}${text ? `\n${text.slice(0, 4000)}` : ''}`;
  if (res.status >= 200 && res.status < 300) {
    if (hook.format === 'json' && text.trim().startsWith('{')) {
      try {
        const reason = failureFromResult(JSON.parse(text));
        if (reason) return { ok: false, output, error: reason, retryable: false };
      } catch {
        // not JSON: a 2xx is success
      }
    }
    return { ok: true, output, error: null };
  }
  const retryable = res.status >= 500 || res.status === 429;
  return { ok: false, output, error: `the receiver answered HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`, retryable };
}
