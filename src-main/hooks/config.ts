/**
 * The `hooks:` section of confiture.yaml. Unknown phases, unknown `dependsOn` ids, duplicate
 * ids and dependency cycles are rejected at load, with the line of the offending key.
 */
import { z } from 'zod';
import { ALL_LIFECYCLE_EVENTS, type LifecycleEventName } from '../../src-shared/domain/lifecycle';
import { checkSqlText } from '../parse';

const VALID_EVENTS = ALL_LIFECYCLE_EVENTS.join(', ');

export const EventNameSchema = z.enum(ALL_LIFECYCLE_EVENTS as unknown as [LifecycleEventName, ...LifecycleEventName[]], {
  error: (iss) => `unknown phase "${String(iss.input)}"; valid phases and events: ${VALID_EVENTS}`,
});

const HookIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a hook id: letters, digits, ".", "_" or "-", at most 64 characters');
const ms = (max: number) => z.number().int().min(0).max(max);

export const BreakerConfigSchema = z
  .object({
    /** consecutive failures that open the breaker */
    failureThreshold: z.number().int().min(1).max(1000).default(5),
    /** how long the breaker stays open before one probe is let through (ms) */
    coolDownMs: ms(86_400_000).default(60_000),
  })
  .strict();

const common = {
  id: HookIdSchema,
  description: z.string().max(500).optional(),
  /** phases and events this hook listens to */
  on: z.array(EventNameSchema).min(1, 'list at least one phase or event in `on`'),
  /** lower numbers run first; ties keep the order of the file */
  priority: z.number().int().min(-10_000).max(10_000).default(0),
  timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
  policy: z.enum(['fail', 'warn', 'retry']).default('fail'),
  /** extra attempts after a failure (policy retry: default 3; http hooks: default 2 for 5xx/network errors) */
  retries: z.number().int().min(0).max(20).optional(),
  /** delay before retry k (1-based) is backoffMs * 2^(k-1), capped at maxBackoffMs */
  backoffMs: ms(600_000).default(500),
  maxBackoffMs: ms(3_600_000).default(30_000),
  /** policy retry: what an exhausted hook does */
  onExhausted: z.enum(['fail', 'warn']).default('fail'),
  breaker: BreakerConfigSchema.default({ failureThreshold: 5, coolDownMs: 60_000 }),
  /** ids of hooks that must finish successfully first (when they listen to the same phase) */
  dependsOn: z.array(HookIdSchema).default([]),
  enabled: z.boolean().default(true),
};

const SqlHookSchema = z
  .object({
    ...common,
    kind: z.literal('sql'),
    sql: z
      .string()
      .min(1)
      .superRefine((sql, ctx) => {
        // the same check as every other SQL reader: NUL would silently cut the hook's SQL
        const problem = checkSqlText(sql);
        if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
      }),
    /** run inside the migration's transaction (rolled back with it) instead of on a pooled connection */
    inTransaction: z.boolean().default(false),
  })
  .strict();

const CommandHookSchema = z
  .object({
    ...common,
    kind: z.literal('command'),
    /** a string runs through /bin/sh -c; a list is spawned directly (argv) */
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** working directory, relative to the project folder */
    cwd: z.string().min(1).optional(),
    /** extra environment; values may use ${env:NAME} */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string()).default({}),
  })
  .strict();

const HttpHookSchema = z
  .object({
    ...common,
    kind: z.literal('http'),
    /** may use ${env:NAME}; put webhook URLs that embed a token in an env var */
    url: z.string().regex(/^(https?:\/\/|\$\{env:)/, 'an http(s):// URL or ${env:NAME}'),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string().min(1), z.string()).default({}),
    format: z.enum(['json', 'slack', 'pagerduty']).default('json'),
    /** pagerduty: the integration key, e.g. ${env:PAGERDUTY_ROUTING_KEY} */
    routingKey: z.string().min(1).optional(),
    /** pagerduty: auto = trigger on failures and alerts, resolve on run_completed */
    eventAction: z.enum(['auto', 'trigger', 'resolve']).default('auto'),
    severity: z.enum(['critical', 'error', 'warning', 'info']).optional(),
    /** pagerduty: dedup key; default confiture/<project>/<database> so a later run resolves it */
    dedupKey: z.string().min(1).max(255).optional(),
    /** slack / generic: a line prepended to the message */
    title: z.string().max(200).optional(),
  })
  .strict();

const ModuleHookSchema = z
  .object({
    ...common,
    kind: z.literal('module'),
    /** a .js, .mjs or .ts file in the project exporting `async function (ctx, { signal })` */
    module: z.string().min(1),
    export: z.string().min(1).default('default'),
  })
  .strict();

export const HookConfigSchema = z.discriminatedUnion('kind', [SqlHookSchema, CommandHookSchema, HttpHookSchema, ModuleHookSchema], {
  error: (iss) => (iss.code === 'invalid_union' ? 'kind must be one of sql, command, http, module' : undefined),
});

export const PhaseConfigSchema = z
  .object({
    strategy: z.enum(['sequential', 'parallel']).optional(),
    maxConcurrency: z.number().int().min(1).max(64).optional(),
    /** the whole phase's deadline (ms); hooks still running are stopped */
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  })
  .strict();

const DefaultsSchema = z
  .object({
    strategy: z.enum(['sequential', 'parallel']).default('sequential'),
    maxConcurrency: z.number().int().min(1).max(64).default(4),
    timeoutMs: z.number().int().min(1).max(86_400_000).default(300_000),
  })
  .strict();

/** Returns the ids on a cycle reachable from `start`, or null. */
function findCycle(start: string, edges: Map<string, string[]>): string[] | null {
  const stack: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (onStack.has(id)) return [...stack.slice(stack.indexOf(id)), id];
    if (done.has(id)) return null;
    onStack.add(id);
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    stack.pop();
    onStack.delete(id);
    done.add(id);
    return null;
  };
  return visit(start);
}

export const HooksConfigSchema = z
  .object({
    defaults: DefaultsSchema.default({ strategy: 'sequential', maxConcurrency: 4, timeoutMs: 300_000 }),
    /** per-phase strategy and timeout, overriding `defaults` */
    phases: z.record(z.string(), PhaseConfigSchema).default({}),
    hooks: z.array(HookConfigSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const key of Object.keys(cfg.phases)) {
      if (!(ALL_LIFECYCLE_EVENTS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['phases', key], message: `unknown phase "${key}"; valid phases and events: ${VALID_EVENTS}` });
      }
    }
    const index = new Map<string, number>();
    cfg.hooks.forEach((h, i) => {
      if (index.has(h.id)) ctx.addIssue({ code: 'custom', path: ['hooks', i, 'id'], message: `duplicate hook id "${h.id}" (also hooks[${index.get(h.id)}])` });
      else index.set(h.id, i);
    });
    cfg.hooks.forEach((h, i) => {
      h.dependsOn.forEach((d, j) => {
        if (!index.has(d)) ctx.addIssue({ code: 'custom', path: ['hooks', i, 'dependsOn', j], message: `hook "${h.id}" depends on "${d}", which is not defined` });
      });
      if (h.kind === 'http' && h.format === 'pagerduty' && !h.routingKey) {
        ctx.addIssue({ code: 'custom', path: ['hooks', i], message: `hook "${h.id}": format pagerduty needs routingKey (e.g. \${env:PAGERDUTY_ROUTING_KEY})` });
      }
    });
    const edges = new Map(cfg.hooks.map((h) => [h.id, h.dependsOn] as const));
    for (const h of cfg.hooks) {
      const cycle = findCycle(h.id, edges);
      if (cycle) {
        // point at a hook on the cycle, not one that merely reaches it
        ctx.addIssue({ code: 'custom', path: ['hooks', index.get(cycle[0]!) ?? 0, 'dependsOn'], message: `dependsOn forms a cycle: ${cycle.join(' → ')}` });
        break;
      }
    }
  });

export type HooksConfig = z.infer<typeof HooksConfigSchema>;
export type HookConfig = z.infer<typeof HookConfigSchema>;
export type SqlHookConfig = z.infer<typeof SqlHookSchema>;
export type CommandHookConfig = z.infer<typeof CommandHookSchema>;
export type HttpHookConfig = z.infer<typeof HttpHookSchema>;
export type ModuleHookConfig = z.infer<typeof ModuleHookSchema>;
export type BreakerConfig = z.infer<typeof BreakerConfigSchema>;
