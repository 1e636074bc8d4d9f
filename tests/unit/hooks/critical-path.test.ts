import { describe, expect, it } from 'vitest';
import type { HookExecution } from '../../../src-shared/domain/hooks';
import { admit, afterAttempt, closedBreaker, criticalPath } from '../../../src-main/hooks';

const t0 = Date.parse('2025-01-01T00:00:00Z');
function ex(hookId: string, start: number, end: number, outcome: HookExecution['outcome'] = 'success'): HookExecution {
  return {
    runId: 'r',
    phase: 'before_run',
    hookId,
    kind: 'command',
    attempt: 1,
    startedAt: new Date(t0 + start).toISOString(),
    finishedAt: new Date(t0 + end).toISOString(),
    durationMs: end - start,
    outcome,
    outputExcerpt: null,
    error: null,
    final: true,
  };
}

describe('criticalPath', () => {
  it('follows what the last execution waited for, not the short parallel branches', () => {
    const path = criticalPath([ex('a', 0, 100), ex('b', 0, 300), ex('c', 0, 50), ex('d', 310, 400), ex('skipped', 400, 400, 'skipped')]);
    expect(path.executions.map((e) => e.hookId)).toEqual(['b', 'd']);
    expect(path.hookMs).toBe(390);
    expect(path.spanMs).toBe(400);
  });
  it('is empty without executions that ran', () => {
    expect(criticalPath([ex('x', 0, 0, 'breaker_open')])).toEqual({ executions: [], hookMs: 0, spanMs: 0 });
  });
});

describe('breaker state machine', () => {
  const cfg = { failureThreshold: 3, coolDownMs: 1000 };
  it('opens at the threshold of consecutive failures and lets one probe through after the cool-down', () => {
    let b = closedBreaker('h');
    for (let i = 0; i < 3; i++) b = afterAttempt(b, cfg, false, 100);
    expect(b.state).toBe('open');
    expect(admit(b, cfg, 500).admission).toBe('blocked');
    const probe = admit(b, cfg, 1200);
    expect(probe.admission).toBe('probe');
    // while the probe is out, nobody else runs
    expect(admit(probe.next, cfg, 1300).admission).toBe('blocked');
    expect(afterAttempt(probe.next, cfg, true, 1400)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(afterAttempt(probe.next, cfg, false, 1400)).toMatchObject({ state: 'open', openedAt: 1400 });
  });
});
