import { describe, expect, it } from 'vitest';
import { assessRisk, levelOf, CUT_POINTS, DEFAULT_WEIGHTS } from '../../../src-main/risk';
import { bigShop, migration } from './fixtures';

async function score(sql: string, opts: { catalog?: boolean; hasDown?: boolean } = {}) {
  const report = assessRisk({ migrations: [await migration('1', sql, opts.hasDown ?? true)], catalog: opts.catalog === false ? null : bigShop(), lockTimeoutMs: 5000, findings: {} });
  return report.migrations[0]!;
}

describe('risk model: dangerous statements rank above their safe counterparts', () => {
  it('CREATE INDEX on a 50 GB table scores above CREATE INDEX CONCURRENTLY', async () => {
    const plain = await score('CREATE INDEX orders_status_idx ON orders (status)');
    const conc = await score('CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)');
    expect(plain.score).toBeGreaterThan(conc.score + 20);
    expect(plain.level === 'high' || plain.level === 'critical').toBe(true);
    expect(conc.blockingWindowMs.estimate).toBe(0);
    const lock = plain.factors.find((f) => f.name === 'lock_impact')!;
    expect(lock.explanation).toContain('ShareLock on orders blocks writes');
  });

  it('ADD COLUMN NOT NULL (no default) scores above a nullable ADD COLUMN', async () => {
    const notNull = await score('ALTER TABLE orders ADD COLUMN region text NOT NULL');
    const nullable = await score('ALTER TABLE orders ADD COLUMN region text');
    expect(notNull.score).toBeGreaterThan(nullable.score);
    expect(notNull.blockingWindowMs.estimate).toBeGreaterThan(nullable.blockingWindowMs.estimate * 100);
  });

  it('a validating FK scores above FK NOT VALID and above its separate VALIDATE', async () => {
    const fk = await score('ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)');
    const notValid = await score('ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID');
    const validate = await score('ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk');
    expect(fk.score).toBeGreaterThan(notValid.score);
    expect(fk.score).toBeGreaterThan(validate.score);
    expect(validate.statements[0]!.blocks).toEqual({ reads: false, writes: false, ddl: true });
  });

  it('NOT VALID + VALIDATE in one transaction keeps the write lock through the scan', async () => {
    const both = await score(
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk',
    );
    const alone = await score('ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID');
    expect(both.blockingWindowMs.estimate).toBeGreaterThan(alone.blockingWindowMs.estimate * 100);
  });

  it('a rewriting type change scores above adding a new column', async () => {
    const change = await score('ALTER TABLE orders ALTER COLUMN total TYPE bigint');
    const add = await score('ALTER TABLE orders ADD COLUMN total_big bigint');
    expect(change.score).toBeGreaterThan(add.score + 20);
    expect(change.statements[0]!.rewrites).toBe(true);
  });

  it('a binary-coercible type change (varchar widening) does not rewrite', async () => {
    const widen = await score('ALTER TABLE orders ALTER COLUMN note TYPE varchar(40)');
    expect(widen.statements[0]!.rewrites).toBe(false);
    expect(widen.blockingWindowMs.estimate).toBeLessThan(100);
  });

  it('DROP TABLE is at least high because data is lost, and worse without a down migration', async () => {
    const withDown = await score('DROP TABLE customers');
    const withoutDown = await score('DROP TABLE customers', { hasDown: false });
    expect(['high', 'critical']).toContain(withDown.level);
    expect(withDown.floors.join()).toContain('destroys data');
    expect(withoutDown.score).toBeGreaterThan(withDown.score);
  });
});

describe('risk model: intervals are honest about missing inputs', () => {
  it('widens the score interval and the window without a catalog', async () => {
    const sql = 'CREATE INDEX orders_status_idx ON orders (status)';
    const withCat = await score(sql);
    const without = await score(sql, { catalog: false });
    const width = (m: typeof withCat) => m.interval[1] - m.interval[0];
    expect(width(without)).toBeGreaterThan(width(withCat));
    expect(without.blockingWindowMs.basis).toBe('no_catalog');
    expect(without.blockingWindowMs.high / Math.max(without.blockingWindowMs.low, 1)).toBeGreaterThan(withCat.blockingWindowMs.high / withCat.blockingWindowMs.low);
    expect(without.inputs.catalog).toBe(false);
  });

  it('narrows the window with a rehearsal measurement and flags unpredicted locks', async () => {
    const m = await migration('1', 'CREATE INDEX orders_status_idx ON orders (status)');
    const base = assessRisk({ migrations: [m], catalog: bigShop(), lockTimeoutMs: 5000 }).migrations[0]!;
    const rehearsed = assessRisk({
      migrations: [m],
      catalog: bigShop(),
      lockTimeoutMs: 5000,
      rehearsals: { '1': [{ version: '1', index: 0, kind: 'create_index', line: 1, durationMs: 120_000, rows: null, locks: [{ relation: 'orders', mode: 'AccessExclusiveLock' }], rewritten: [], rehearsed: true }] },
    }).migrations[0]!;
    const ratio = (w: { low: number; high: number }) => w.high / w.low;
    expect(ratio(rehearsed.statements[0]!.durationMs)).toBeLessThan(ratio(base.statements[0]!.durationMs));
    expect(rehearsed.statements[0]!.durationMs.basis).toBe('rehearsal');
    const anomalies = rehearsed.factors.find((f) => f.name === 'anomalies')!;
    expect(anomalies.value).toBeGreaterThan(0);
    expect(anomalies.explanation).toContain('AccessExclusiveLock on orders, predicted ShareLock');
    expect(base.factors.find((f) => f.name === 'anomalies')!.explanation).toContain('never rehearsed');
  });

  it('narrows the window with enough history of actual/predicted ratios', async () => {
    const m = await migration('1', 'CREATE INDEX orders_status_idx ON orders (status)');
    const ratios = Array.from({ length: 30 }, (_, i) => 0.9 + (i % 5) * 0.05);
    const withHistory = assessRisk({ migrations: [m], catalog: bigShop(), history: { ratios: { index_build: ratios }, calibration: { samples: 30, inside: 28, coverage: 28 / 30 } } });
    const w = withHistory.migrations[0]!.statements[0]!.durationMs;
    expect(w.basis).toBe('history');
    expect(w.high / w.low).toBeLessThan(2);
    expect(withHistory.calibration?.coverage).toBeCloseTo(0.933, 2);
  });

  it('lock-queue exposure grows when a long transaction holds a lock on the table', async () => {
    const cat = bigShop();
    cat.longTransactions = [{ pid: 1, state: 'idle in transaction', ageMs: 600_000, waitEvent: null, application: 'report', relations: [{ relation: 'public.orders', mode: 'AccessShareLock' }], query: 'select' }];
    const m = await migration('1', 'ALTER TABLE orders ADD COLUMN x int');
    const noTimeout = assessRisk({ migrations: [m], catalog: cat, lockTimeoutMs: 0 }).migrations[0]!;
    const calm = assessRisk({ migrations: [m], catalog: bigShop(), lockTimeoutMs: 2000 }).migrations[0]!;
    expect(noTimeout.blockingWindowMs.estimate).toBeGreaterThanOrEqual(600_000);
    expect(noTimeout.level).toBe('critical');
    expect(calm.level).toBe('low');
  });
});

describe('risk model: arithmetic', () => {
  it('weights sum to 1 and contributions add up to the score', async () => {
    expect(Object.values(DEFAULT_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const m = await score('CREATE INDEX orders_status_idx ON orders (status)');
    const sum = m.factors.reduce((a, f) => a + f.contribution, 0);
    expect(Math.abs(sum - m.score)).toBeLessThan(0.6);
    expect(m.interval[0]).toBeLessThanOrEqual(m.score);
    expect(m.interval[1]).toBeGreaterThanOrEqual(m.score);
  });

  it('maps scores to levels at the documented cut points', () => {
    expect(levelOf(CUT_POINTS.medium - 0.1)).toBe('low');
    expect(levelOf(CUT_POINTS.medium)).toBe('medium');
    expect(levelOf(CUT_POINTS.high)).toBe('high');
    expect(levelOf(CUT_POINTS.critical)).toBe('critical');
  });

  it('reports versions above maxRisk', async () => {
    const r = assessRisk({ migrations: [await migration('1', 'CREATE INDEX i ON orders (status)'), await migration('2', 'SELECT 1')], catalog: bigShop(), maxRisk: 40 });
    expect(r.exceeded).toEqual(['1']);
  });

  it('lint findings raise the score', async () => {
    const m = await migration('1', 'ALTER TABLE orders ADD COLUMN x int');
    const clean = assessRisk({ migrations: [m], catalog: bigShop(), findings: { '1': [] } }).migrations[0]!;
    const dirty = assessRisk({ migrations: [m], catalog: bigShop(), findings: { '1': [{ rule: 'require-lock-timeout', severity: 'error', statementIndex: 0 }] } }).migrations[0]!;
    expect(dirty.score).toBeGreaterThan(clean.score);
  });
});
