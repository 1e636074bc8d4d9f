import { describe, expect, it } from 'vitest';
import { burnRate, errorBudget, parseSpan, sloStatus, SloConfigSchema, type StatusInput } from '../../../src-main/slo';

const status = (over: Partial<StatusInput>) =>
  sloStatus({ total: 100, objective: 0.99, sliValue: 1, budgetConsumed: 0, shortBurn: 0, fastBurnRate: 14.4, atRiskBudgetConsumed: 0.75, ...over });

describe('error budget', () => {
  it('allows (1 - objective) × total bad events and counts what is spent', () => {
    // 1000 runs at 99 %: 10 bad allowed; 4 bad spend 40 %
    expect(errorBudget({ total: 1000, good: 996 }, 0.99)).toEqual({ bad: 4, sliValue: 0.996, allowedBad: 10, budgetConsumed: 0.4, budgetRemaining: 0.6 });
  });

  it('reports an overspent budget as more than 100 % consumed and a negative remainder', () => {
    // 20 migrations at 95 %: 1 bad allowed; 3 bad spend 300 %
    expect(errorBudget({ total: 20, good: 17 }, 0.95)).toMatchObject({ bad: 3, sliValue: 0.85, allowedBad: 1, budgetConsumed: 3, budgetRemaining: -2 });
  });

  it('puts 19 good of 20 against 0.95 exactly on the objective, not a float hair below', () => {
    const b = errorBudget({ total: 20, good: 19 }, 0.95);
    expect(b.budgetConsumed).toBe(1);
    expect(b.sliValue).toBe(0.95);
    expect(status({ objective: 0.95, sliValue: b.sliValue, budgetConsumed: b.budgetConsumed }).status).toBe('at_risk');
  });

  it('has no value at all without events', () => {
    expect(errorBudget({ total: 0, good: 0 }, 0.99)).toEqual({ bad: 0, sliValue: null, allowedBad: 0, budgetConsumed: null, budgetRemaining: null });
  });
});

describe('burn rate', () => {
  it('is the bad share divided by the allowed bad share', () => {
    // 2 bad of 10 in the last day at 99 %: 20 % bad / 1 % allowed = 20× the sustainable pace
    expect(burnRate({ total: 10, good: 8 }, 0.99)).toBe(20);
    // 1 bad of 200 at 99 %: half the sustainable pace
    expect(burnRate({ total: 200, good: 199 }, 0.99)).toBe(0.5);
    expect(burnRate({ total: 50, good: 50 }, 0.99)).toBe(0);
  });

  it('is unknown over a window without events', () => {
    expect(burnRate({ total: 0, good: 0 }, 0.99)).toBeNull();
  });
});

describe('status', () => {
  it('says no_data, not ok, when nothing happened in the window', () => {
    expect(status({ total: 0, sliValue: null, budgetConsumed: null, shortBurn: null })).toMatchObject({ status: 'no_data', fastBurn: false });
  });

  it('is violated below the objective', () => {
    expect(status({ sliValue: 0.98, budgetConsumed: 2 }).status).toBe('violated');
  });

  it('turns at_risk when the spent budget reaches the at-risk share, ok just below it', () => {
    expect(status({ sliValue: 0.9925, budgetConsumed: 0.75 }).status).toBe('at_risk');
    expect(status({ sliValue: 0.9926, budgetConsumed: 0.74 }).status).toBe('ok');
  });

  it('flags a fast burn above the fast-burn rate even with budget left', () => {
    expect(status({ sliValue: 0.999, budgetConsumed: 0.1, shortBurn: 14.5 })).toMatchObject({ status: 'at_risk', fastBurn: true });
    expect(status({ sliValue: 0.999, budgetConsumed: 0.1, shortBurn: 14.4 })).toMatchObject({ status: 'ok', fastBurn: false });
  });

  it('keeps violated above at_risk when both apply', () => {
    expect(status({ sliValue: 0.5, budgetConsumed: 50, shortBurn: 50 })).toMatchObject({ status: 'violated', fastBurn: true });
  });
});

describe('slo config', () => {
  it('defaults to runs, migrations under 60 s and statements under 10 s', () => {
    const c = SloConfigSchema.parse({});
    expect(c.objectives.map((o) => [o.id, o.sli, o.objective, o.threshold ?? null, o.window])).toEqual([
      ['runs-succeed', 'run_success_rate', 0.99, null, '30d'],
      ['migrations-under-60s', 'migration_duration_ms', 0.95, 60_000, '30d'],
      ['statements-under-10s', 'statement_duration_ms', 0.99, 10_000, '30d'],
    ]);
    expect(c).toMatchObject({ shortWindow: '24h', fastBurnRate: 14.4, atRiskBudgetConsumed: 0.75 });
  });

  it('rejects an objective of 100 %, which leaves no error budget', () => {
    const r = SloConfigSchema.safeParse({ objectives: [{ id: 'a', sli: 'run_success_rate', objective: 1 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/no error budget/);
  });

  it('wants a threshold on duration SLIs and none on rates', () => {
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', sli: 'statement_duration_ms', objective: 0.9 }] }).error!.issues[0]!.message).toMatch(/needs a threshold/);
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', sli: 'run_success_rate', objective: 0.9, threshold: '1s' }] }).error!.issues[0]!.message).toMatch(/not a duration SLI/);
  });

  it('rejects duplicate ids, unknown keys and bad windows', () => {
    const o = { sli: 'run_success_rate', objective: 0.9 };
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', ...o }, { id: 'a', ...o }] }).error!.issues[0]!.message).toMatch(/duplicate/);
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', ...o, budget: 3 }] }).success).toBe(false);
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', ...o, window: '30 days' }] }).success).toBe(false);
    expect(SloConfigSchema.safeParse({ objectives: [{ id: 'a', ...o, window: '10min' }] }).success).toBe(false);
  });

  it('reads spans in ms, s, min, h, d and w', () => {
    expect([parseSpan('250ms'), parseSpan('30s'), parseSpan('2min'), parseSpan('24h'), parseSpan('30d'), parseSpan('1w'), parseSpan('1.5s'), parseSpan('30')]).toEqual([
      250, 30_000, 120_000, 86_400_000, 2_592_000_000, 604_800_000, 1500, null,
    ]);
  });
});
