import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-statement-timeout", () => {
  it("flags DDL on an existing table without statement_timeout", async () => {
    const f = await findings("require-statement-timeout", "CREATE INDEX i ON orders (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareLock on orders/);
  });

  it("accepts a header directive", async () => {
    expect(await findings("require-statement-timeout", "-- confiture: statement_timeout=5min\nCREATE INDEX i ON orders (a);")).toEqual([]);
  });
});
