import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-truncate-cascade", () => {
  it("flags TRUNCATE CASCADE", async () => {
    const f = await findings("ban-truncate-cascade", "TRUNCATE customers CASCADE;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/CASCADE/);
  });

  it("accepts explicit tables", async () => {
    expect(await findings("ban-truncate-cascade", "TRUNCATE order_lines, orders;")).toEqual([]);
  });
});
