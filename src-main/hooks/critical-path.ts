import type { CriticalPath, HookExecution } from '../../src-shared/domain/hooks';

/**
 * The run's critical path through hooks, from real start/end times: start at the execution
 * that ended last and walk back, each time to the execution that ended latest before the
 * current one started (what it waited for). Executions that never ran (skipped, breaker
 * open) are ignored. Ties prefer the longer execution.
 */
export function criticalPath(executions: readonly HookExecution[]): CriticalPath {
  const ran = executions
    .filter((e) => e.outcome !== 'skipped' && e.outcome !== 'breaker_open')
    .map((e) => ({ e, start: Date.parse(e.startedAt), end: Date.parse(e.finishedAt) }));
  if (ran.length === 0) return { executions: [], hookMs: 0, spanMs: 0 };
  const better = (a: (typeof ran)[number], b: (typeof ran)[number] | undefined) =>
    !b || a.end > b.end || (a.end === b.end && a.end - a.start > b.end - b.start);
  let current: (typeof ran)[number] | undefined;
  for (const x of ran) if (better(x, current)) current = x;
  const path: HookExecution[] = [];
  const seen = new Set<(typeof ran)[number]>();
  while (current && !seen.has(current)) {
    seen.add(current);
    path.unshift(current.e);
    const cur: (typeof ran)[number] = current;
    let prev: (typeof ran)[number] | undefined;
    for (const x of ran) if (!seen.has(x) && x.end <= cur.start && better(x, prev)) prev = x;
    current = prev;
  }
  const spanMs = Math.max(...ran.map((x) => x.end)) - Math.min(...ran.map((x) => x.start));
  return { executions: path, hookMs: path.reduce((s, e) => s + e.durationMs, 0), spanMs };
}
