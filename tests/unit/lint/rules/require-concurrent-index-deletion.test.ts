import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-concurrent-index-deletion", () => {
  it("flags DROP INDEX", async () => {
    const f = await findings("require-concurrent-index-deletion", "DROP INDEX orders_idx;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts DROP INDEX CONCURRENTLY", async () => {
    expect(await findings("require-concurrent-index-deletion", "DROP INDEX CONCURRENTLY IF EXISTS orders_idx;")).toEqual([]);
  });
});
