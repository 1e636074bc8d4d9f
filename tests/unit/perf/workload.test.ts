import { describe, expect, it } from 'vitest';
import type { ConfitureError } from '../../../src-main/errors';
import { parseWorkload, renderImported } from '../../../src-main/perf';

const ok = `version: 1
queries:
  - name: orders_by_customer
    sql: SELECT id FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20
    params:
      - { name: regular, values: [42] }
      - { name: whale, values: [7] }
  - name: count_orders
    sql: SELECT count(*) FROM orders
  - name: cancel_order
    sql: UPDATE orders SET status = 'cancelled' WHERE id = $1
    safeToRun: true
    params: [{ name: one, values: [1] }]
`;

async function errorOf(text: string): Promise<ConfitureError> {
  try {
    await parseWorkload(text, 'perf/workload.yaml');
  } catch (e) {
    return e as ConfitureError;
  }
  throw new Error('expected an error');
}

describe('workload file', () => {
  it('reads queries, parameter sets and classifies reads and writes with the parser', async () => {
    const w = await parseWorkload(ok, 'perf/workload.yaml');
    expect(w.queries.map((q) => q.name)).toEqual(['orders_by_customer', 'count_orders', 'cancel_order']);
    expect(w.queries[0]!.params.map((p) => p.name)).toEqual(['regular', 'whale']);
    expect(w.queries[0]!.readOnly).toBe(true);
    expect(w.queries[1]!.params).toEqual([{ name: 'default', values: [] }]);
    expect(w.queries[2]!.readOnly).toBe(false);
    expect(w.queries[2]!.safeToRun).toBe(true);
    expect(w.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats a SELECT hiding a write (data-modifying CTE, FOR UPDATE) as a write', async () => {
    const w = await parseWorkload(
      `queries:\n  - name: a\n    sql: WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d\n  - name: b\n    sql: SELECT * FROM t FOR UPDATE\n`,
      'w.yaml',
    );
    expect(w.queries.map((q) => q.readOnly)).toEqual([false, false]);
  });

  it('names file, line and field when a parameter set has the wrong number of values', async () => {
    const e = await errorOf(ok.replace('values: [7]', 'values: [7, 8]'));
    expect(e.code).toBe('invalid_input');
    expect(e.where).toMatchObject({ file: 'perf/workload.yaml', line: 7, field: 'queries[0].params[1].values' });
    expect(e.message).toMatch(/1 placeholder .* 2 values/);
  });

  it('names the line of a SQL syntax error', async () => {
    const e = await errorOf(`queries:\n  - name: broken\n    sql: SELEC 1\n`);
    expect(e.where).toMatchObject({ line: 3, field: 'queries[0].sql' });
    expect(e.message).toMatch(/does not parse/);
  });

  it('refuses DDL and unknown keys, and duplicate names', async () => {
    expect((await errorOf(`queries:\n  - name: ddl\n    sql: DROP TABLE orders\n`)).message).toMatch(/only SELECT, INSERT/);
    const unk = await errorOf(`queries:\n  - name: a\n    sql: SELECT 1\n    sfeToRun: true\n`);
    expect(unk.message).toMatch(/unknown key "sfeToRun"/);
    expect(unk.where?.line).toBe(2);
    const dup = await errorOf(`queries:\n  - name: a\n    sql: SELECT 1\n  - name: a\n    sql: SELECT 2\n`);
    expect(dup.message).toMatch(/duplicate query name "a"/);
    expect(dup.where?.line).toBe(4);
  });

  it('asks for sample values when a query has placeholders but no params', async () => {
    expect((await errorOf(`queries:\n  - name: a\n    sql: SELECT * FROM t WHERE id = $1\n`)).message).toMatch(/add params/);
  });

  it('renders imported statements as a valid workload, appending without duplicates', async () => {
    const stmts = [
      { name: 'select_orders', queryId: '1', sql: 'SELECT * FROM orders WHERE customer_id = $1', calls: 10, totalExecMs: 100, meanExecMs: 10, placeholders: 1, readOnly: true },
      { name: 'update_orders', queryId: '2', sql: 'UPDATE orders SET status = $1 WHERE id = $2', calls: 5, totalExecMs: 50, meanExecMs: 10, placeholders: 2, readOnly: false },
    ];
    const first = renderImported(stmts);
    expect(first.added).toBe(2);
    expect(first.yaml).toMatch(/TODO: replace the nulls/);
    const w = await parseWorkload(first.yaml, 'w.yaml');
    expect(w.queries[1]!.safeToRun).toBe(false);
    const again = renderImported(stmts, first.yaml);
    expect(again.added).toBe(0);
  });
});
