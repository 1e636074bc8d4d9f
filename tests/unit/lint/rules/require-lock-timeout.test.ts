import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-lock-timeout", () => {
  it("flags DDL on an existing table without lock_timeout", async () => {
    const f = await findings("require-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock on orders/);
  });

  it("accepts SET lock_timeout first", async () => {
    expect(await findings("require-lock-timeout", "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;")).toEqual([]);
  });

  it("accepts a runner that sets lock_timeout", async () => {
    expect(await findings("require-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;", { inputs: { runnerLockTimeoutMs: 5000 } })).toEqual([]);
  });
});
