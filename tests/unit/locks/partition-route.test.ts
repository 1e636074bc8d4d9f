/**
 * Tuple routing of constant rows, read from what PostgreSQL prints (pg_get_partkeydef,
 * pg_get_expr(relpartbound)) by the real parser. The server-side truth (pg_locks of routed
 * INSERTs) is pinned in tests/integration/locks/dml-routing.test.ts; here the edges of the
 * comparison: bounds, NULLs, MINVALUE/MAXVALUE, and what is left open rather than guessed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initParser } from '../../../src-main/parse';
import { parsePartitionBound, parsePartitionKey, prunePartitions, routeRow, type Datum, type RoutingTable } from '../../../src-main/locks/partition-route';
import { parseFormatType } from '../../../src-main/locks';

beforeAll(async () => {
  await initParser();
});

function table(key: string, types: string[], parts: [string, string][]): RoutingTable {
  return {
    key: parsePartitionKey(key)!,
    types: types.map(parseFormatType),
    partitions: parts.map(([name, bound]) => ({ name, bound: parsePartitionBound(bound)! })),
  };
}

const c = (text: string): Datum => ({ kind: 'const', text });
const row = (values: Record<string, Datum>) => new Map(Object.entries(values));

describe('routeRow', () => {
  const byDate = () => table('RANGE (at)', ['date'], [
    ['m_2025', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"],
    ['m_2026', "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"],
    ['m_other', 'DEFAULT'],
  ]);

  it('RANGE: lower bound inclusive, upper exclusive, out of range to DEFAULT, NULL to DEFAULT', () => {
    expect(routeRow(byDate(), row({ at: c('2025-12-31') }))).toEqual({ partition: 'm_2025' });
    expect(routeRow(byDate(), row({ at: c('2026-01-01') }))).toEqual({ partition: 'm_2026' });
    expect(routeRow(byDate(), row({ at: c('1999-01-01') }))).toEqual({ partition: 'm_other' });
    expect(routeRow(byDate(), row({ at: { kind: 'null' } }))).toEqual({ partition: 'm_other' });
  });

  it('RANGE without DEFAULT: a row out of every range goes nowhere (the INSERT fails)', () => {
    const t = table('RANGE (id)', ['bigint'], [['p1', 'FOR VALUES FROM (1) TO (100)']]);
    expect(routeRow(t, row({ id: c('100') }))).toEqual({ none: true });
    expect(routeRow(t, row({ id: c('-5') }))).toEqual({ none: true });
    expect(routeRow(t, row({ id: c('99') }))).toEqual({ partition: 'p1' });
  });

  it('multi-column RANGE with MINVALUE/MAXVALUE compares column by column', () => {
    const t = table('RANGE (a, b)', ['integer', 'integer'], [
      ['lo', 'FOR VALUES FROM (MINVALUE, MINVALUE) TO (10, 5)'],
      ['hi', 'FOR VALUES FROM (10, 5) TO (MAXVALUE, MAXVALUE)'],
    ]);
    expect(routeRow(t, row({ a: c('10'), b: c('4') }))).toEqual({ partition: 'lo' });
    expect(routeRow(t, row({ a: c('10'), b: c('5') }))).toEqual({ partition: 'hi' });
    expect(routeRow(t, row({ a: c('-1000'), b: c('99') }))).toEqual({ partition: 'lo' });
  });

  it('LIST: equality, NULL to the partition listing NULL', () => {
    const t = table('LIST (region)', ['text'], [
      ['eu', "FOR VALUES IN ('fr', 'de')"],
      ['rest', "FOR VALUES IN ('us', NULL)"],
    ]);
    expect(routeRow(t, row({ region: c('de') }))).toEqual({ partition: 'eu' });
    expect(routeRow(t, row({ region: { kind: 'null' } }))).toEqual({ partition: 'rest' });
    expect(routeRow(t, row({ region: c('jp') }))).toEqual({ none: true });
  });

  it('timestamps are normalised before comparing', () => {
    const t = table('RANGE (at)', ['timestamp without time zone'], [['d1', "FOR VALUES FROM ('2025-01-01 00:00:00') TO ('2025-01-02 00:00:00')"]]);
    expect(routeRow(t, row({ at: c('2025-01-01 23:59:59.5') }))).toEqual({ partition: 'd1' });
    expect(routeRow(t, row({ at: c('2025-01-02') }))).toEqual({ none: true });
  });

  it('leaves open what it does not reproduce exactly: HASH, expressions, text ranges, unknown values, odd formats', () => {
    expect(routeRow(table('HASH (id)', ['integer'], [['h0', 'FOR VALUES WITH (modulus 2, remainder 0)']]), row({ id: c('1') }))).toHaveProperty('open');
    expect(routeRow(table('LIST (lower(region))', ['text'], [['eu', "FOR VALUES IN ('fr')"]]), row({ region: c('FR') }))).toHaveProperty('open');
    expect(routeRow(table('RANGE (name)', ['text'], [['a_m', "FOR VALUES FROM ('a') TO ('m')"]]), row({ name: c('b') }))).toHaveProperty('open');
    expect(routeRow(byDate(), row({ at: { kind: 'unknown' } }))).toHaveProperty('open');
    expect(routeRow(byDate(), row({ at: c('now') }))).toHaveProperty('open');
    expect(routeRow(table('RANGE (at)', ['timestamp with time zone'], [['d', "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')"]]), row({ at: c('2025-06-01') }))).toHaveProperty('open');
  });
});

describe('prunePartitions (UPDATE/DELETE … WHERE on the key)', () => {
  const t = () => table('RANGE (at)', ['date'], [
    ['m_2025', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"],
    ['m_2026', "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"],
    ['m_other', 'DEFAULT'],
  ]);

  it('keeps the partitions a range can reach, and the DEFAULT unless the range sits inside one partition', () => {
    expect(prunePartitions(t(), [{ op: '>=', value: '2025-02-01' }, { op: '<', value: '2025-03-01' }])).toEqual(['m_2025']);
    expect(prunePartitions(t(), [{ op: '<', value: '2025-06-01' }])).toEqual(['m_2025', 'm_other']);
    expect(prunePartitions(t(), [{ op: '>=', value: '2026-01-01' }, { op: '<', value: '2026-01-02' }])).toEqual(['m_2026']);
    expect(prunePartitions(t(), [{ op: '<', value: '2026-01-01' }, { op: '>', value: '2025-12-31' }])).toEqual(['m_2025']);
    expect(prunePartitions(t(), [{ op: '=', value: '2026-05-05' }])).toEqual(['m_2026']);
    expect(prunePartitions(t(), [])).toEqual(['m_2025', 'm_2026', 'm_other']);
  });

  it('LIST equality; anything else is left open', () => {
    const l = table('LIST (region)', ['text'], [['eu', "FOR VALUES IN ('fr', 'de')"], ['us', "FOR VALUES IN ('us')"]]);
    expect(prunePartitions(l, [{ op: '=', value: 'de' }])).toEqual(['eu']);
    expect(prunePartitions(l, [{ op: '=', value: 'jp' }])).toEqual([]);
    expect(prunePartitions(l, [{ op: '<', value: 'm' }])).toBeNull();
    expect(prunePartitions(table('RANGE (name)', ['text'], [['a_m', "FOR VALUES FROM ('a') TO ('m')"]]), [{ op: '<', value: 'c' }])).toBeNull();
    expect(prunePartitions(table('HASH (id)', ['integer'], [['h0', 'FOR VALUES WITH (modulus 2, remainder 0)']]), [{ op: '=', value: '1' }])).toBeNull();
  });
});
