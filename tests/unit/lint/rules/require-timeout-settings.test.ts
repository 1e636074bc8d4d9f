import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-timeout-settings", () => {
  it("reports both timeouts", async () => {
    const f = await findings("require-timeout-settings", "ALTER TABLE orders ADD COLUMN note text;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/lock_timeout/);
  });

  it("accepts both timeouts set", async () => {
    expect(await findings("require-timeout-settings", "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE orders ADD COLUMN note text;")).toEqual([]);
  });
});
