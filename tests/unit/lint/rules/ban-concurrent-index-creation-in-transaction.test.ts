import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-concurrent-index-creation-in-transaction", () => {
  it("flags CONCURRENTLY inside BEGIN ... COMMIT", async () => {
    const f = await findings("ban-concurrent-index-creation-in-transaction", "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/transaction block/);
  });

  it("accepts CONCURRENTLY outside a transaction", async () => {
    expect(await findings("ban-concurrent-index-creation-in-transaction", "CREATE INDEX CONCURRENTLY i ON t (a);")).toEqual([]);
  });
});
