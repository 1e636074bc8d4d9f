import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

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
});
