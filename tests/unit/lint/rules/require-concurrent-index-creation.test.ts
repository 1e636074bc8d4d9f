import { describe, expect, it } from 'vitest';
import { catalog, findings } from '../helpers';

describe("require-concurrent-index-creation", () => {
  it("blocks writes on orders while the index builds", async () => {
    const f = await findings("require-concurrent-index-creation", "CREATE INDEX orders_created_idx ON orders (created_at);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareLock on orders/);
  });

  it("accepts CONCURRENTLY", async () => {
    expect(await findings("require-concurrent-index-creation", "CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);")).toEqual([]);
  });

  it("accepts an index on a table created in the same file", async () => {
    expect(await findings("require-concurrent-index-creation", "CREATE TABLE orders (created_at timestamptz);\nCREATE INDEX orders_created_idx ON orders (created_at);")).toEqual([]);
  });

  // found on a public history (an upgrade path that re-runs CREATE TABLE IF NOT EXISTS on a live schema): squawk was right
  it("does not take CREATE TABLE IF NOT EXISTS for a new table unless the catalog says it did not exist", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS orders (created_at timestamptz);\nCREATE INDEX orders_created_idx ON orders (created_at);";
    expect(await findings("require-concurrent-index-creation", sql)).toHaveLength(1);
    expect(await findings("require-concurrent-index-creation", sql, { catalog: catalog({ orders: { rows: 1_000_000, bytes: 80_000_000 } }) })).toHaveLength(1);
    expect(await findings("require-concurrent-index-creation", sql, { catalog: catalog({ customers: { rows: 10, bytes: 8192 } }) })).toEqual([]);
  });
});
