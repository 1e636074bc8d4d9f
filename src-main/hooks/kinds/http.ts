/**
 * `http` hooks (webhooks): generic JSON, Slack incoming webhook, PagerDuty Events API v2.
 * 2xx is success; 5xx, 429 and network errors are worth retrying; other 4xx are not.
 * The request is aborted when the hook times out.
 */
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

export function slackPayload(hook: HttpHookConfig, ctx: LifecycleContext): Record<string, unknown> {
  const icon = isFailure(ctx) ? ':x:' : ctx.event.startsWith('alert_') ? ':warning:' : ctx.outcome === 'success' ? ':white_check_mark:' : ':information_source:';
  const summary = describeEvent(ctx);
  const fields = [
    { type: 'mrkdwn', text: `*Project*\n${ctx.project.name}` },
    { type: 'mrkdwn', text: `*Database*\n${ctx.database.label}` },
    { type: 'mrkdwn', text: `*Event*\n${ctx.event}` },
    { type: 'mrkdwn', text: `*Run*\n${ctx.runKind} \`${ctx.runId}\`` },
  ];
  if (ctx.migration) fields.push({ type: 'mrkdwn', text: `*Migration*\n${ctx.migration.version} ${ctx.migration.name}` });
  if (ctx.outcome) fields.push({ type: 'mrkdwn', text: `*Outcome*\n${ctx.outcome}` });
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `${hook.title ?? 'Confiture'}: ${ctx.event.replace(/_/g, ' ')}`.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} ${summary}`.slice(0, 3000) } },
    { type: 'section', fields },
  ];
  if (ctx.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${ctx.error.message.slice(0, 2800)}\`\`\`` } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `hook ${hook.id} · ${ctx.at}` }] });
  return { text: `${icon} ${hook.title ? `${hook.title}: ` : ''}${summary}`.slice(0, 3000), blocks };
}

export function pagerDutyPayload(hook: HttpHookConfig, ctx: LifecycleContext, routingKey: string): Record<string, unknown> {
  const action =
    hook.eventAction !== 'auto' ? hook.eventAction : !isFailure(ctx) && (ctx.event === 'run_completed' || (ctx.event === 'after_run' && ctx.outcome === 'success')) ? 'resolve' : 'trigger';
  const dedupKey = hook.dedupKey ?? `confiture/${ctx.project.name}/${ctx.database.label}`.slice(0, 255);
  const body: Record<string, unknown> = { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  if (action === 'trigger') {
    body.payload = {
      summary: describeEvent(ctx).slice(0, 1024),
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
  else if (hook.format === 'pagerduty') body = pagerDutyPayload(hook, ctx, interpolateEnv(hook.routingKey ?? '', input.env, input.secrets, 'routingKey'));
  else body = genericPayload(hook, ctx, input.attempt);

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
