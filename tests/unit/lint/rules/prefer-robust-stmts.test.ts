import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-robust-stmts", () => {
  it("flags CREATE INDEX without IF NOT EXISTS outside a transaction", async () => {
    const f = await findings("prefer-robust-stmts", "CREATE INDEX CONCURRENTLY orders_idx ON orders (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/IF NOT EXISTS/);
  });

  it("accepts IF NOT EXISTS", async () => {
    expect(await findings("prefer-robust-stmts", "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_idx ON orders (a);")).toEqual([]);
  });

  it("is silent inside a transaction", async () => {
    expect(await findings("prefer-robust-stmts", "CREATE TABLE t (id bigint);")).toEqual([]);
  });
});
