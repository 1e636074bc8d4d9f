/** Builds a runner from real confiture.yaml text, like the CLI does. */
import type pg from 'pg';
import { stringify } from 'yaml';
import type { LifecycleContext, LifecycleEventName } from '../../../src-shared/domain/lifecycle';
import { createHookRunner, type HookRunner } from '../../../src-main/hooks';
import { parseConfig } from '../../../src-main/project';

export function runnerFor(
  hooksSection: Record<string, unknown>,
  o: { projectDir: string; pool?: pg.Pool | null; env?: NodeJS.ProcessEnv; schema?: string; recordingDelayMs?: number; recordingBatch?: number },
): HookRunner {
  const config = parseConfig(stringify({ name: 'shop', hooks: hooksSection }), 'confiture.yaml');
  return createHookRunner({
    config: config.hooks,
    projectDir: o.projectDir,
    pool: o.pool ?? null,
    ...(o.env ? { env: o.env } : {}),
    ...(o.schema ? { trackingSchema: o.schema } : {}),
    ...(o.recordingDelayMs !== undefined ? { recordingDelayMs: o.recordingDelayMs } : {}),
    ...(o.recordingBatch !== undefined ? { recordingBatch: o.recordingBatch } : {}),
  });
}

export function ctxFor(event: LifecycleEventName, runId: string, extra: Partial<LifecycleContext> = {}): LifecycleContext {
  return {
    event,
    at: new Date().toISOString(),
    runId,
    runKind: 'up',
    project: { dir: '/tmp/shop', name: 'shop' },
    database: { label: 'postgres://postgres@127.0.0.1:5432/shop', serverVersionNum: 180000 },
    migration: { version: '0002', name: 'add_orders_index', checksum: 'abc123', path: '/tmp/shop/migrations/0002_add_orders_index.up.sql' },
    ...extra,
  };
}

/** Maximum number of executions running at the same instant, from their recorded times. */
export function maxOverlap(execs: { startedAt: string; finishedAt: string }[]): number {
  const points = execs.flatMap((e) => [
    { t: Date.parse(e.startedAt), d: 1 },
    { t: Date.parse(e.finishedAt), d: -1 },
  ]);
  // an end at the same millisecond as a start frees the slot first
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const p of points) {
    cur += p.d;
    max = Math.max(max, cur);
  }
  return max;
}
