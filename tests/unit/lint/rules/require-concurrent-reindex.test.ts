import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-concurrent-reindex", () => {
  it("flags REINDEX", async () => {
    const f = await findings("require-concurrent-reindex", "REINDEX INDEX orders_idx;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareLock/);
  });

  it("accepts REINDEX CONCURRENTLY", async () => {
    expect(await findings("require-concurrent-reindex", "REINDEX INDEX CONCURRENTLY orders_idx;")).toEqual([]);
  });
});
